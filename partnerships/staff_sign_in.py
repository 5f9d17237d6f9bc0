"""Which account a person signing in through the council's identity provider gets.

The provider proves who the person is; this product decides what they may do. A verified e-mail
address (partnerships.oidc.email_is_verified) is matched, case-insensitively, to an account an
officer made, or to a usable invitation to be an officer or manager, which then makes the
account. Nobody gets an account any other way, roles never come from the provider, and
partners keep their e-mailed links. Every sign-in, and every refusal of a known account, is
audited (ids and the reason only, never the address).
"""

from __future__ import annotations

from django.db import transaction

from . import team
from .audit import audit_record
from .models import User

METHOD = "oidc"

# Why a sign-in was refused; the view says each one in words.
UNVERIFIED = "unverified"
UNKNOWN = "unknown"
AMBIGUOUS = "ambiguous"
DEACTIVATED = "deactivated"
NOT_STAFF = "not_staff"


class SignInRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalised_email(email: object) -> str:
    return email.strip().lower() if isinstance(email, str) else ""


@transaction.atomic
def _match(*, email: str, first_name: str, last_name: str) -> tuple[User | None, str]:
    users = list(User.objects.select_for_update().filter(email__iexact=email).order_by("pk")[:2])
    if len(users) > 1:
        # Two accounts claim the address: choosing one would be a guess.
        return None, AMBIGUOUS
    if users:
        user = users[0]
        if not user.is_active:
            return user, DEACTIVATED
        if not user.is_reader:
            return user, NOT_STAFF
    else:
        joined = team.invitation_join_signed_in(
            email=email, first_name=first_name, last_name=last_name
        )
        if joined is None:
            return None, UNKNOWN
        user = joined
    audit_record(
        actor=user,
        action="auth.signed_in",
        obj=user,
        authority=user.authority,
        data={"method": METHOD},
    )
    return user, ""


def staff_sign_in(
    *, email: str, email_verified: bool, first_name: str = "", last_name: str = ""
) -> User:
    """The officer's or manager's account for this verified address; SignInRefused otherwise.

    first_name and last_name only name an account an invitation makes now.
    """
    email = normalised_email(email)
    if not email or not email_verified:
        raise SignInRefused(UNVERIFIED)
    user, reason = _match(email=email, first_name=first_name, last_name=last_name)
    if not reason and user is not None:
        return user
    if user is not None:
        # Its own transaction: the refusal is recorded although nothing else was written.
        audit_record(
            actor=None,
            action="auth.sign_in_refused",
            obj=user,
            authority=user.authority,
            data={"method": METHOD, "reason": reason},
        )
    raise SignInRefused(reason)
