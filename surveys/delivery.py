"""Invitation e-mails through GOV.UK Notify, and what Notify says became of them.

`invitation_notify_send` sends one invitation or reminder (called by its Celery task, which
retries Notify's temporary errors); `invitation_delivery_record` takes Notify's delivery-status
callback. Both write the invitation's delivery fields, which the round page shows; a permanent
failure (the address bounced) stops reminders to it until an officer corrects the address.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from core.notify import (
    NotifyRejectedError,
    NotifyTemporaryError,
    notify_notification_status,
    notify_send_email,
)

from .models import DeliveryStatus, Invitation
from .services import invitation_link

logger = logging.getLogger(__name__)

# Notify's statuses as its callbacks and its API write them; "created" and "pending" are sending.
NOTIFY_STATUSES = {
    "created": DeliveryStatus.SENDING,
    "sending": DeliveryStatus.SENDING,
    "pending": DeliveryStatus.SENDING,
    "delivered": DeliveryStatus.DELIVERED,
    "permanent-failure": DeliveryStatus.PERMANENT_FAILURE,
    "temporary-failure": DeliveryStatus.TEMPORARY_FAILURE,
    "technical-failure": DeliveryStatus.TECHNICAL_FAILURE,
}


def invitation_personalisation(invitation: Invitation) -> dict[str, str]:
    """The fields the invitation and reminder templates in Notify are written with."""
    survey_round = invitation.round
    return {
        "name": invitation.name,
        "round_title": survey_round.title,
        "partnership": survey_round.project.partnership.name,
        "closes_on": survey_round.closes_on.strftime("%d %B %Y"),
        "link": invitation_link(invitation),
    }


def _record(invitation_id: int, **fields: str) -> None:
    Invitation.objects.filter(pk=invitation_id).update(**fields, delivery_updated_at=timezone.now())


def invitation_notify_send(*, invitation_id: int, reminder: bool) -> str | None:
    """Send this invitation's e-mail through Notify, its id as the reference.

    Returns the notification id, or None when the invitation is gone or revoked, or Notify
    refused it for good (the reason is recorded). A temporary error propagates for a retry.
    """
    invitation = (
        Invitation.objects.select_related("round__project__partnership")
        .filter(pk=invitation_id, revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        return None
    try:
        notification_id = notify_send_email(
            kind="reminder" if reminder else "invitation",
            email_address=invitation.email,
            personalisation=invitation_personalisation(invitation),
            reference=str(invitation.pk),
        )
    except NotifyRejectedError as error:
        logger.warning("Notify refused invitation %s: %s", invitation_id, error.status_code)
        _record(
            invitation_id,
            notify_id="",
            delivery_status=DeliveryStatus.REJECTED,
            delivery_detail=error.reason,
        )
        return None
    _record(
        invitation_id,
        notify_id=notification_id,
        delivery_status=DeliveryStatus.SENDING,
        delivery_detail="",
    )
    return notification_id


def invitation_notify_gave_up(*, invitation_id: int, tries: int) -> None:
    """Notify never took the e-mail (rate-limited or down on every try)."""
    _record(
        invitation_id,
        delivery_status=DeliveryStatus.TECHNICAL_FAILURE,
        delivery_detail=f"GOV.UK Notify did not take the e-mail after {tries} tries.",
    )


@transaction.atomic
def invitation_delivery_record(*, notification_id: str, status: str, reference: str) -> bool:
    """Notify's callback: what became of one e-mail. False when it names nothing of ours.

    The invitation is found by the notification id Notify gave us, and its reference must be
    that invitation's id: a callback cannot move another invitation's state.
    """
    state = NOTIFY_STATUSES.get(status)
    if state is None or not notification_id:
        return False
    updated = Invitation.objects.filter(
        notify_id=notification_id, pk=reference if reference.isdigit() else -1
    ).update(delivery_status=state, delivery_detail="", delivery_updated_at=timezone.now())
    return updated == 1


POLL_AFTER = dt.timedelta(days=1)
POLL_BATCH = 500


def invitations_awaiting_receipt() -> list[tuple[int, str]]:
    """(invitation id, notification id) of e-mails still "sending" a day after Notify took
    them: their callback never came (or was lost)."""
    due = timezone.now() - POLL_AFTER
    return list(
        Invitation.objects.filter(
            delivery_status=DeliveryStatus.SENDING, delivery_updated_at__lt=due
        )
        .exclude(notify_id="")
        .order_by("delivery_updated_at")
        .values_list("pk", "notify_id")[:POLL_BATCH]
    )


def invitation_deliveries_poll() -> int:
    """Ask Notify what became of each e-mail awaiting its receipt; the number recorded.

    Notify being unavailable ends the run (the next one picks the rest up); a notification it
    no longer knows is left as it is.
    """
    recorded = 0
    for invitation_id, notification_id in invitations_awaiting_receipt():
        try:
            status = notify_notification_status(notification_id)
        except NotifyTemporaryError:
            logger.warning("Notify unavailable while polling deliveries; stopping this run")
            break
        except NotifyRejectedError as error:
            logger.warning(
                "Notify has no notification for invitation %s (%s)",
                invitation_id,
                error.status_code,
            )
            continue
        state = NOTIFY_STATUSES.get(status)
        if state is None or state == DeliveryStatus.SENDING:
            continue
        recorded += invitation_delivery_record(
            notification_id=notification_id, status=status, reference=str(invitation_id)
        )
    return recorded
