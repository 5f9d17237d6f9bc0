"""Specification 1.1: scorecards of anonymous rounds computed before the small-number rule held
figures of small groups (and states before the round closed). They are deleted; the beat
catch-up (score_stale_rounds) publishes each closed anonymous round again under 1.1."""

from django.db import migrations


def delete_unsafe_scorecards(apps, schema_editor):
    Scorecard = apps.get_model("reports", "Scorecard")
    Scorecard.objects.filter(round__reporting_mode="anonymous").exclude(
        scoring_version="1.1"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_export"),
        ("surveys", "0003_round_updated_at"),
    ]

    operations = [migrations.RunPython(delete_unsafe_scorecards, migrations.RunPython.noop)]
