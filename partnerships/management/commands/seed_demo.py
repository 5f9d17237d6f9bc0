import os

from django.core.management.base import BaseCommand

from partnerships.demo import seed_demo


class Command(BaseCommand):
    help = (
        "Create or refresh the demo authority, agencies, partnerships, projects and users. "
        "Passwords come from DEMO_PASSWORD, or are generated and printed."
    )

    def handle(self, *args, **options):
        sign_ins = seed_demo(password=os.environ.get("DEMO_PASSWORD") or None)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at /accounts/login/ as:"))
        for username, role, password in sign_ins:
            self.stdout.write(f"  {role:<28} username: {username:<10} password: {password}")
