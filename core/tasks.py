"""Sending e-mail, for every app: plain values in, so a task never carries a model instance."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_email(
    self, *, subject: str, body: str, to: list[str], html_body: str | None = None
) -> int:
    """Send one e-mail; SMTP hiccups are retried with backoff instead of failing the request."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()
