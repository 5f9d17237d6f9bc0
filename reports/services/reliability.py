"""The instrument's Cronbach's alpha, pooled from the sums stored with each round's latest
scorecard (the arithmetic is reports.scoring.reliability), refreshed the coalescing way."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from reports import scoring
from reports.models import InstrumentReliability, Scorecard
from surveys.models import Round

from .queue import enqueue_once

DEFAULT_RELIABILITY_DELAY_SECONDS = 60


@transaction.atomic
def instrument_reliability_refresh(*, instrument_id: int) -> InstrumentReliability:
    """Recompute the instrument's alpha from the latest scorecard of each of its rounds.

    The row is locked before anything is read and its coalescing flag cleared in the same
    transaction: a request made meanwhile waits for the lock, then finds the flag clear and
    queues another refresh, which will read the scorecard that request was made for.
    """
    InstrumentReliability.objects.get_or_create(instrument_id=instrument_id)
    reliability = InstrumentReliability.objects.select_for_update().get(instrument_id=instrument_id)
    latest = Scorecard.objects.of_round(OuterRef("pk")).values("pk")
    latest_ids = Round.objects.filter(instrument_id=instrument_id).values(
        latest=Subquery(latest[:1])
    )
    parts = Scorecard.objects.filter(pk__in=latest_ids).values_list("n_respondents", "alpha_sums")
    reliability.n_respondents, reliability.alpha = scoring.instrument_alpha(parts)
    reliability.computed_at = timezone.now()
    reliability.refresh_queued = False
    reliability.save()
    return reliability


def instrument_reliability_request(*, instrument_id: int) -> None:
    """Ask for the instrument's alpha to be refreshed soon (coalesced, after the commit)."""

    def enqueue() -> None:
        from reports.tasks import refresh_reliability_task  # the task module imports this one

        InstrumentReliability.objects.get_or_create(instrument_id=instrument_id)
        enqueue_once(
            InstrumentReliability.objects.filter(instrument_id=instrument_id),
            flag="refresh_queued",
            task=refresh_reliability_task,
            task_arg=instrument_id,
            delay=getattr(settings, "RELIABILITY_DELAY_SECONDS", DEFAULT_RELIABILITY_DELAY_SECONDS),
            what=f"the reliability refresh of instrument {instrument_id}",
        )

    transaction.on_commit(enqueue)
