import os

from django.core.management.base import BaseCommand

from partnerships.demo import AUTHORITY, seed_demo
from partnerships.models import LocalAuthority, User
from reports.demo import seed_demo_actions
from reports.instrument_loader import instrument_load_all
from reports.services import round_score
from surveys.demo import seed_demo_rounds


# Here, in the app on top: the demo spans the registry, the rounds and their scorecards.
class Command(BaseCommand):
    help = (
        "Create or refresh the demo authority, agencies, partnerships, projects and users. "
        "Passwords come from DEMO_PASSWORD, or are generated and printed."
    )

    def handle(self, *args, **options):
        sign_ins = seed_demo(password=os.environ.get("DEMO_PASSWORD") or None)
        authority = LocalAuthority.objects.get(slug=AUTHORITY[1])
        rounds = seed_demo_rounds(
            authority=authority,
            officer=User.objects.get(username="officer"),
            # The newest version: bilingual, and it asks about working relationships.
            instrument=max((i for i, _outcome in instrument_load_all()), key=lambda i: i.version),
        )
        for survey_round in rounds:
            round_score(round_id=survey_round.pk)
        if rounds:
            self.stdout.write(f"Created {len(rounds)} demo survey rounds with responses.")
        actions = seed_demo_actions(
            authority=authority, officer=User.objects.get(username="officer")
        )
        if actions:
            self.stdout.write(f"Created {actions} demo actions after Back on Track's first round.")
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at /accounts/login/ as:"))
        for username, role, password in sign_ins:
            self.stdout.write(f"  {role:<28} username: {username:<10} password: {password}")
