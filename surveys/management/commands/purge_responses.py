from django.conf import settings
from django.core.management.base import BaseCommand

from surveys.services import responses_purge


class Command(BaseCommand):
    help = (
        "Delete the responses and invitations of rounds that closed more than "
        "RESPONSE_RETENTION_DAYS ago (scorecards stay). Says what it removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="override the retention days")
        parser.add_argument("--dry-run", action="store_true", help="say what would go, delete none")

    def handle(self, *args, days, dry_run, **options):
        days = settings.RESPONSE_RETENTION_DAYS if days is None else days
        removed = responses_purge(older_than_days=days, dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        for survey_round, counts in removed:
            self.stdout.write(
                f"{verb} {counts['responses']} responses ({counts['answers']} answers) and "
                f"{counts['invitations']} invitations of round {survey_round.pk} "
                f'"{survey_round.title}" ({survey_round.project.partnership.authority.name}), '
                f"closed {survey_round.closes_on.isoformat()}"
            )
        total = sum(c["responses"] for _r, c in removed)
        self.stdout.write(
            f"{verb} {total} responses from {len(removed)} rounds closed more than {days} days ago."
        )
