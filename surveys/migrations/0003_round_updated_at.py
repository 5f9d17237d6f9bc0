import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_round_responses_deleted_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="round",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="last changed at"
            ),
            preserve_default=False,
        ),
    ]
