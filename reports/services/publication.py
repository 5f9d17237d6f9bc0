"""When an anonymous round's results may be published (specification 1.1).

Readers see an anonymous round's results only after it has closed, computed from all its
submitted responses; while it is open they see response counts only. After publication the
results change only when at least k more respondents have been added, so two published states
never differ by fewer than k people, and an unpublished state is never stored (the history is
what readers can reach). Attributed rounds are scored after every submission.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from partnerships.models import Project
from surveys.models import ReportingMode, Round

from ..models import Scorecard


def publication_due(
    survey_round: Round,
    *,
    n_submitted: int,
    published_seen: int | None,
    recompute: bool = False,
) -> bool:
    """May the round get a new scorecard now?

    ``published_seen``: how many submitted responses the round's latest scorecard read (None
    when it has none). ``recompute``: a bulk rescore (a new scoring version) may also recompute
    a published state from exactly the responses it was published from.
    """
    if not survey_round.is_anonymous:
        return True
    if not survey_round.is_closed():
        return False
    if published_seen is None:
        return True
    if recompute and n_submitted == published_seen:
        return True
    return n_submitted >= published_seen + survey_round.min_group_size


def closed_rounds_q(prefix: str = "") -> Q:
    """SQL for Round.is_closed(), for a queryset of rounds (or of rows related by ``prefix``)."""
    today = timezone.localdate()
    return Q(**{f"{prefix}closed_at__isnull": False}) | Q(**{f"{prefix}closes_on__lt": today})


def anonymous_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}reporting_mode": ReportingMode.ANONYMOUS})


def published_rounds(projects: QuerySet[Project] | Project) -> QuerySet[Round]:
    """Rounds whose results partners may read: closed, with a stored scorecard."""
    rounds = Round.objects.filter(closed_rounds_q())
    rounds = (
        rounds.filter(project=projects)
        if isinstance(projects, Project)
        else rounds.filter(project__in=projects)
    )
    return rounds.filter(Exists(Scorecard.objects.filter(round=OuterRef("pk"))))
