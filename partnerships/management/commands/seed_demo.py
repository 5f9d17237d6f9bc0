import os

from django.core.management.base import BaseCommand

from partnerships.demo import AUTHORITY, seed_demo
from partnerships.models import LocalAuthority, User
from surveys.demo import seed_demo_rounds


class Command(BaseCommand):
    help = (
        "Create or refresh the demo authority, agencies, partnerships, projects and users. "
        "Passwords come from DEMO_PASSWORD, or are generated and printed."
    )

    def handle(self, *args, **options):
        sign_ins = seed_demo(password=os.environ.get("DEMO_PASSWORD") or None)
        authority = LocalAuthority.objects.get(slug=AUTHORITY[1])
        rounds = seed_demo_rounds(authority=authority, officer=User.objects.get(username="officer"))
        if rounds:
            self.stdout.write(f"Created {len(rounds)} demo survey rounds with responses.")
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at /accounts/login/ as:"))
        for username, role, password in sign_ins:
            self.stdout.write(f"  {role:<28} username: {username:<10} password: {password}")
