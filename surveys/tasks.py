"""Celery adapters for surveys."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.notify import NotifyTemporaryError, notify_enabled, retry_countdown

from . import delivery, services
from .models import Round

NOTIFY_MAX_RETRIES = 6


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


@shared_task(bind=True, max_retries=NOTIFY_MAX_RETRIES, soft_time_limit=60, time_limit=120)
def send_invitation_email(self, invitation_id: int, reminder: bool) -> str | None:
    """An invitation or reminder through GOV.UK Notify; 429 and 5xx are retried with backoff."""
    try:
        return delivery.invitation_notify_send(invitation_id=invitation_id, reminder=reminder)
    except NotifyTemporaryError as error:
        if self.request.retries >= NOTIFY_MAX_RETRIES:
            delivery.invitation_notify_gave_up(
                invitation_id=invitation_id, tries=self.request.retries + 1
            )
            return None
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error


@shared_task(soft_time_limit=240, time_limit=300)
def poll_notify_deliveries() -> int:
    """Hourly with EMAIL_CHANNEL=notify: receipts for e-mails whose callback never came."""
    if not notify_enabled():
        return 0
    return delivery.invitation_deliveries_poll()
