"""Celery adapters for surveys."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .models import Round


@shared_task(time_limit=600)
def send_due_reminders() -> int:
    """Remind non-respondents a few days before each open round closes (once per round)."""
    today = timezone.localdate()
    due = Round.objects.filter(
        closed_at__isnull=True,
        reminders_sent_at__isnull=True,
        opens_on__lte=today,
        closes_on__gte=today,
        closes_on__lte=today + dt.timedelta(days=settings.REMINDER_DAYS_BEFORE_CLOSE),
    ).values_list("pk", flat=True)
    sent = 0
    for round_id in due:
        survey_round = Round.objects.select_related("project__partnership").get(pk=round_id)
        sent += services.round_send_reminders(actor=None, survey_round=survey_round)
    return sent


@shared_task(time_limit=1800)
def purge_expired_responses() -> int:
    """Daily: delete the responses of rounds past the retention period (scorecards stay)."""
    removed = services.responses_purge(older_than_days=settings.RESPONSE_RETENTION_DAYS)
    return sum(counts["responses"] for _round, counts in removed)
