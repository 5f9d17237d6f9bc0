from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from surveys.signals import round_answers_changed

        round_answers_changed.connect(_rescore_round, dispatch_uid="reports.rescore_round")


def _rescore_round(sender: object, *, round_id: int, **kwargs: object) -> None:
    from .services import round_scoring_request  # models are ready only after ready()

    round_scoring_request(round_id=round_id)
