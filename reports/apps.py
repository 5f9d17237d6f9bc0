from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from surveys.signals import round_answers_changed, round_closed, round_responses_deleted

        round_answers_changed.connect(_rescore_round, dispatch_uid="reports.rescore_round")
        round_closed.connect(_rescore_round, dispatch_uid="reports.publish_round")
        round_responses_deleted.connect(_prune_history, dispatch_uid="reports.prune_history")


def _rescore_round(sender: object, *, round_id: int, **kwargs: object) -> None:
    from .services import round_scoring_request  # models are ready only after ready()

    round_scoring_request(round_id=round_id)


def _prune_history(sender: object, *, round_id: int, **kwargs: object) -> None:
    from .services import round_history_prune

    round_history_prune(round_id=round_id)
