"""Sending e-mail, for every app: plain values in, so a task never carries a model instance."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from .notify import (
    NotifyRejectedError,
    NotifyTemporaryError,
    notify_enabled,
    notify_send_email,
    retry_countdown,
)

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_email(
    self,
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str | None = None,
    notify_kind: str = "",
    personalisation: dict[str, Any] | None = None,
    reference: str = "",
) -> int:
    """Send one e-mail; SMTP hiccups are retried with backoff instead of failing the request.

    With EMAIL_CHANNEL=notify, an e-mail of a kind that has a Notify template (`notify_kind`)
    goes through GOV.UK Notify with `personalisation` instead: 429 and 5xx are retried with
    backoff, a refusal (400, 403) is logged and not retried.
    """
    if notify_enabled() and notify_kind:
        sent = 0
        for address in to:
            try:
                notify_send_email(
                    kind=notify_kind,
                    email_address=address,
                    personalisation=personalisation or {},
                    reference=reference,
                )
            except NotifyTemporaryError as error:
                raise self.retry(
                    exc=error, countdown=retry_countdown(self.request.retries)
                ) from error
            except NotifyRejectedError as error:
                logger.warning("Notify refused a %s e-mail: %s", notify_kind, error.reason)
            else:
                sent += 1
        return sent
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()
