"""python manage.py rescore [--authority SLUG_OR_ID] [--round ID]: recompute scorecards."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from partnerships.models import LocalAuthority
from reports import services
from reports.services import RescoreProgress

BAR_WIDTH = 40


def progress_line(progress: RescoreProgress) -> str:
    total = max(progress.rounds_total, 1)
    filled = BAR_WIDTH * progress.rounds_done // total
    bar = "#" * filled + "-" * (BAR_WIDTH - filled)
    return _("[%(bar)s] %(done)s/%(total)s rounds, %(answers)s answers") % {
        "bar": bar,
        "done": progress.rounds_done,
        "total": progress.rounds_total,
        "answers": f"{progress.answers:,}",
    }


class Command(BaseCommand):
    help = _("Recompute the scorecard of every round, of one authority's rounds, or of one round.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--authority", help=_("Short name (slug) or id of a local authority."))
        parser.add_argument("--round", type=int, help=_("Id of one survey round."))
        parser.add_argument(
            "--batch-size",
            type=int,
            default=services.RESCORE_BATCH_SIZE,
            help=_("Rounds scored per database batch."),
        )

    def handle(self, *args, authority=None, round=None, batch_size, **options) -> None:
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        authority_id = self._authority_id(authority) if authority else None
        last: RescoreProgress  # rescore yields at least its start and its total
        for progress in services.rescore(
            authority_id=authority_id, round_id=round, batch_size=batch_size
        ):
            self.stdout.write("\r" + progress_line(progress), ending="")
            self.stdout.flush()
            last = progress
        self.stdout.write("")
        self.stdout.write(
            _(
                "Rescored %(rounds)s rounds, %(answers)s answers in %(seconds).1f s "
                "(%(rate)s answers/s)."
            )
            % {
                "rounds": last.rounds_done,
                "answers": f"{last.answers:,}",
                "seconds": last.seconds,
                "rate": f"{last.answers_per_second:,.0f}",
            }
        )
        if last.failed:
            raise CommandError(
                _("%(failed)s rounds could not be scored; see the log.") % {"failed": last.failed}
            )

    def _authority_id(self, value: str) -> int:
        authorities = LocalAuthority.objects.all()
        found = (
            authorities.filter(pk=int(value)) if value.isdigit() else authorities.filter(slug=value)
        )
        authority_id = found.values_list("pk", flat=True).first()
        if authority_id is None:
            raise CommandError(_("No local authority %(value)r.") % {"value": value})
        return authority_id
