"""The account invitation link: one mechanism for an authority's first officer
(`manage.py create_authority`) and for every colleague an officer invites.

The token is 256 random bits; only its SHA-256 is stored, so the database never holds a link
that works. A resend makes a new token (the old link stops working) and a new expiry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import loader
from django.urls import reverse
from django.utils import timezone

from core.languages import message_in
from core.tasks import send_email

from .models import AccountInvitation


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its digest (the token goes in the e-mail, never in the database)."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def new_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=settings.ACCOUNT_INVITATION_HOURS)


def link_for(token: str) -> str:
    return settings.SITE_URL + reverse("partnerships:invitation_accept", args=[token])


def find(token: str) -> AccountInvitation | None:
    """The invitation a token belongs to, used or not (the page tells which), or None."""
    if not token or len(token) > 100:
        return None
    return (
        AccountInvitation.objects.select_related("authority", "agency")
        .filter(token_hash=token_digest(token))
        .first()
    )


def queue_email(invitation: AccountInvitation, token: str) -> None:
    """E-mail the link once the transaction that made it commits (plain values to Celery)."""
    context = {
        "invitation": invitation,
        "authority": invitation.authority.name,
        "role": invitation.get_role_display(),
        "link": link_for(token),
        "hours": settings.ACCOUNT_INVITATION_HOURS,
        "expires_at": invitation.expires_at,
    }

    def render() -> dict[str, Any]:
        context["role"] = invitation.get_role_display()  # in the language being rendered
        subject = "".join(
            loader.render_to_string("partnerships/email/account_invitation_subject.txt", context)
            .strip()
            .splitlines()
        )
        body = loader.render_to_string("partnerships/email/account_invitation.txt", context)
        return {"subject": subject, "body": body, "to": [invitation.email]}

    # The person has no account yet, so no language is known: Welsh and English together.
    message = message_in(None, render)
    personalisation = {
        "authority": invitation.authority.name,
        "role": str(invitation.get_role_display()),
        "link": link_for(token),
        "hours": str(settings.ACCOUNT_INVITATION_HOURS),
    }
    reference = f"account-invitation-{invitation.pk}"
    transaction.on_commit(
        lambda: send_email.delay(
            **message,
            notify_kind="team_invitation",
            personalisation=personalisation,
            reference=reference,
        )
    )
