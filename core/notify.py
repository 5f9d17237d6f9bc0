"""GOV.UK Notify, through its official client: one e-mail sent, and its errors sorted.

Notify's 429 (rate limit) and 5xx (and no answer at all) are temporary: the calling task retries
with backoff. Any other refusal (400: a bad address or template; 403: a bad key) is final: the
caller records the reason and never retries it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

DETAIL_MAX_LENGTH = 300
REQUEST_TIMEOUT_SECONDS = 15


class NotifyTemporaryError(Exception):
    """Notify could not take the e-mail now (429, 5xx, unreachable): try again later."""

    def __init__(self, status_code: int) -> None:
        super().__init__(f"GOV.UK Notify answered {status_code}")
        self.status_code = status_code


class NotifyRejectedError(Exception):
    """Notify refused the e-mail for good; `reason` is what it said, to show an officer."""

    def __init__(self, status_code: int, reason: str) -> None:
        super().__init__(f"GOV.UK Notify refused the e-mail ({status_code}): {reason}")
        self.status_code = status_code
        self.reason = reason


def notify_enabled() -> bool:
    return bool(settings.EMAIL_CHANNEL == "notify")


def _reason(error: HTTPError) -> str:
    message = error.message
    if isinstance(message, list):  # Notify's {"errors": [{"error": ..., "message": ...}]}
        message = "; ".join(str(item.get("message", item)) for item in message)
    return str(message)[:DETAIL_MAX_LENGTH]


def retry_countdown(retries: int) -> int:
    """Seconds before the next try: 30, 60, 120, ... up to 10 minutes."""
    return int(min(600, 30 * 2**retries))


def notify_send_email(
    *, kind: str, email_address: str, personalisation: dict[str, Any], reference: str
) -> str:
    """Send one e-mail with the template of this kind; the notification's id."""
    client = NotificationsAPIClient(
        settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=REQUEST_TIMEOUT_SECONDS
    )
    try:
        answer = client.send_email_notification(
            email_address=email_address,
            template_id=settings.NOTIFY_TEMPLATES[kind],
            personalisation=personalisation,
            reference=reference,
        )
    except HTTPError as error:
        status = error.status_code
        if status == 429 or status >= 500:  # no answer at all reads as 503
            raise NotifyTemporaryError(status) from error
        raise NotifyRejectedError(status, _reason(error)) from error
    return str(answer["id"])


def notify_notification_status(notification_id: str) -> str:
    """Notify's status of one notification ("delivered", "permanent-failure", ...)."""
    client = NotificationsAPIClient(
        settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=REQUEST_TIMEOUT_SECONDS
    )
    try:
        answer = client.get_notification_by_id(notification_id)
    except HTTPError as error:
        status = error.status_code
        if status == 429 or status >= 500:
            raise NotifyTemporaryError(status) from error
        raise NotifyRejectedError(status, _reason(error)) from error
    return str(answer["status"])
