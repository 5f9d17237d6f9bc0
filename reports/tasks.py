"""Celery adapters for scoring: ids in, a service call out. Retries and limits live here."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import exports, services


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=120,
    time_limit=150,
)
def score_round_task(round_id: int) -> int | None:
    """Score one round (queued by services.round_scoring_request); the new scorecard's id."""
    scorecard = services.round_scoring_run(round_id=round_id)
    return None if scorecard is None else scorecard.pk


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=240,
    time_limit=300,
)
def score_stale_rounds() -> int:
    """Periodic catch-up (beat): rescore rounds whose scorecard is missing or behind."""
    return services.stale_rounds_rescore()


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    max_retries=5,
    soft_time_limit=120,
    time_limit=150,
)
def refresh_reliability_task(instrument_id: int) -> int:
    """Recompute one questionnaire version's Cronbach's alpha; the respondents it pooled."""
    return services.instrument_reliability_refresh(instrument_id=instrument_id).n_respondents


@shared_task(soft_time_limit=600, time_limit=660)
def build_export_task(export_id: int) -> int:
    """Build a long export (the authority-wide PDF pack); the page polls its progress."""
    return exports.export_build(export_id=export_id).pk


@shared_task(autoretry_for=(OperationalError,), retry_backoff=30, max_retries=3)
def purge_expired_exports() -> int:
    """Periodic (beat): delete the exports older than EXPORT_RETENTION_DAYS."""
    return exports.export_purge_expired()
