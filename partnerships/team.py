"""Writes about people: a new authority and its first officer, invitations, roles, access.

Like every service: keyword-only, one transaction, audited. Audit rows hold ids and roles,
never an e-mail address or a name (the actor is the only person an audit row names).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from . import account_invitations
from .audit import audit_record
from .models import AccountInvitation, Agency, LocalAuthority, Partnership, Role, User
from .services import require_officer_of


class InvitationUnusable(Exception):
    """The link was used, withdrawn or has expired."""

    def __init__(self, invitation: AccountInvitation):
        super().__init__(invitation.pk)
        self.invitation = invitation


def _authority_id(user: User) -> int:
    """The authority an account belongs to; one without (an administrator) is not the team's."""
    if user.authority_id is None:
        raise PermissionDenied(_("Only officers of the authority can do this."))
    return user.authority_id


def _normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _address_in_use(email: str) -> bool:
    return User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists()


def _access_checked(
    *,
    authority_id: int,
    role: str,
    agency: Agency | None,
    sees_whole_authority: bool,
    partnerships: Iterable[Partnership],
) -> tuple[Agency | None, bool, list[Partnership]]:
    """The access a role gets, checked against the authority; what the role does not use is
    dropped (an officer has no agency, a partner no partnerships)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles listed.")})
    partnerships = list(partnerships)
    if role != Role.PARTNER:
        agency = None
    elif agency is None:
        raise ValidationError({"agency": _("Choose the agency this partner represents.")})
    elif agency.authority_id != authority_id:
        raise ValidationError({"agency": _("That agency is not one of your authority's.")})
    if role != Role.MANAGER:
        return agency, False, []
    if any(p.authority_id != authority_id for p in partnerships):
        raise ValidationError(
            {"partnerships": _("One of those partnerships is not one of your authority's.")}
        )
    if sees_whole_authority:
        partnerships = []
    elif not partnerships:
        raise ValidationError(
            {
                "partnerships": _(
                    "Choose the partnerships this manager may read, or the whole authority."
                )
            }
        )
    return agency, sees_whole_authority, sorted(partnerships, key=lambda p: p.pk)


def _invite(
    *,
    actor: User | None,
    authority: LocalAuthority,
    email: str,
    role: str,
    agency: Agency | None = None,
    sees_whole_authority: bool = False,
    partnerships: Iterable[Partnership] = (),
) -> tuple[AccountInvitation, str]:
    email = _normalise_email(email)
    agency, sees_whole_authority, partnerships = _access_checked(
        authority_id=authority.pk,
        role=role,
        agency=agency,
        sees_whole_authority=sees_whole_authority,
        partnerships=partnerships,
    )
    if _address_in_use(email):
        raise ValidationError({"email": _("Someone already has an account with this address.")})
    pending = AccountInvitation.objects.filter(
        email__iexact=email, used_at__isnull=True, withdrawn_at__isnull=True
    )
    if pending.filter(authority=authority).exists():
        raise ValidationError(
            {
                "email": _(
                    "This address has already been invited: send that invitation again "
                    "from the Team page, or withdraw it first."
                )
            }
        )
    if pending.exists():
        raise ValidationError({"email": _("This address cannot be invited.")})
    token, digest = account_invitations.new_token()
    invitation = AccountInvitation(
        authority=authority,
        email=email,
        role=role,
        agency=agency,
        sees_whole_authority=sees_whole_authority,
        token_hash=digest,
        expires_at=account_invitations.new_expiry(),
        invited_by=actor,
        sent_at=timezone.now(),
    )
    invitation.full_clean()
    invitation.save()
    invitation.partnerships.set(partnerships)
    audit_record(
        actor=actor,
        action="team.invited",
        obj=invitation,
        authority=authority,
        data={
            "role": role,
            "agency": agency.pk if agency else None,
            "whole_authority": sees_whole_authority,
            "partnerships": [p.pk for p in partnerships],
        },
    )
    account_invitations.queue_email(invitation, token)
    return invitation, token


@transaction.atomic
def authority_create(*, name: str, officer_email: str) -> tuple[LocalAuthority, str]:
    """A new authority and the invitation of its first officer; returns the link (to print)."""
    name = (name or "").strip()
    slug = slugify(name)[:60]
    if not name or not slug:
        raise ValidationError({"name": _("Give the authority a name with letters or digits.")})
    if LocalAuthority.objects.filter(Q(name__iexact=name) | Q(slug=slug)).exists():
        raise ValidationError({"name": _("An authority with this name already exists.")})
    authority = LocalAuthority(name=name, slug=slug)
    authority.full_clean()
    authority.save()
    audit_record(actor=None, action="authority.created", obj=authority, authority=authority)
    _invitation, token = _invite(
        actor=None, authority=authority, email=officer_email, role=Role.OFFICER
    )
    return authority, account_invitations.link_for(token)


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    email: str,
    role: str,
    agency: Agency | None = None,
    sees_whole_authority: bool = False,
    partnerships: Iterable[Partnership] = (),
) -> AccountInvitation:
    require_officer_of(actor, _authority_id(actor))
    invitation, _token = _invite(
        actor=actor,
        authority=LocalAuthority.objects.get(pk=_authority_id(actor)),
        email=email,
        role=role,
        agency=agency,
        sees_whole_authority=sees_whole_authority,
        partnerships=partnerships,
    )
    return invitation


def _locked_pending(actor: User, invitation: AccountInvitation) -> AccountInvitation:
    require_officer_of(actor, invitation.authority_id)
    locked = AccountInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_pending:
        raise ValidationError(_("This invitation has already been used or withdrawn."))
    return locked


@transaction.atomic
def invitation_resend(*, actor: User, invitation: AccountInvitation) -> AccountInvitation:
    """A new link and a new expiry, e-mailed again; the previous link stops working."""
    locked = _locked_pending(actor, invitation)
    token, digest = account_invitations.new_token()
    locked.token_hash = digest
    locked.expires_at = account_invitations.new_expiry()
    locked.sent_at = timezone.now()
    locked.save(update_fields=["token_hash", "expires_at", "sent_at"])
    audit_record(
        actor=actor, action="team.invitation_resent", obj=locked, authority=locked.authority
    )
    account_invitations.queue_email(locked, token)
    return locked


@transaction.atomic
def invitation_withdraw(*, actor: User, invitation: AccountInvitation) -> AccountInvitation:
    locked = _locked_pending(actor, invitation)
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["withdrawn_at"])
    audit_record(
        actor=actor, action="team.invitation_withdrawn", obj=locked, authority=locked.authority
    )
    return locked


@transaction.atomic
def invitation_accept(
    *, invitation: AccountInvitation, first_name: str, last_name: str, password: str
) -> User:
    """The invited person sets their password: the account is made, the link is used up.
    The caller has validated the password with the password validators."""
    locked = (
        AccountInvitation.objects.select_for_update()
        .select_related("authority")
        .get(pk=invitation.pk)
    )
    if not locked.is_usable():
        raise InvitationUnusable(locked)
    if _address_in_use(locked.email):
        raise ValidationError(
            _("Someone already has an account with this address: sign in, or reset the password.")
        )
    return _join(locked, first_name=first_name, last_name=last_name, password=password)


def _join(
    locked: AccountInvitation, *, first_name: str, last_name: str, password: str | None
) -> User:
    """The account an invitation (locked, usable, its address free) makes. With no password
    the person signs in through the council's identity provider only."""
    user = User(
        username=locked.email,
        email=locked.email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        authority=locked.authority,
        role=locked.role,
        agency=locked.agency,
        sees_whole_authority=locked.sees_whole_authority,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    user.assigned_partnerships.set(locked.partnerships.all())
    locked.used_at = timezone.now()
    locked.user = user
    locked.save(update_fields=["used_at", "user"])
    data: dict[str, object] = {"invitation": locked.pk, "role": user.role}
    if password is None:
        data["method"] = "oidc"
    audit_record(actor=user, action="team.joined", obj=user, authority=locked.authority, data=data)
    return user


def invitation_join_signed_in(*, email: str, first_name: str, last_name: str) -> User | None:
    """A person the council's identity provider vouches for (a verified e-mail address) and
    who has a usable invitation to be an officer or manager: the invitation makes their
    account, as setting a password would. None when there is no such invitation. Partners'
    invitations are not honoured: partners never sign in through the council's provider.
    Runs inside the caller's transaction."""
    email = _normalise_email(email)
    locked = (
        AccountInvitation.objects.select_for_update()
        .select_related("authority")
        .filter(
            email__iexact=email,
            role__in=[Role.OFFICER, Role.MANAGER],
            used_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if locked is None or _address_in_use(email):
        return None
    return _join(locked, first_name=first_name, last_name=last_name, password=None)


def _locked(member: User) -> tuple[User, set[int]]:
    """The member, and the ids of the authority's active officers, locked in one order (the
    officers first, by id), so two officers demoting each other at once cannot both succeed."""
    officers = set(
        User.objects.select_for_update()
        .filter(authority_id=member.authority_id, role=Role.OFFICER, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return User.objects.select_for_update().get(pk=member.pk), officers


def _refuse_last_officer(member: User, officers: set[int], field: str | None) -> None:
    if member.role == Role.OFFICER and member.is_active and not officers - {member.pk}:
        message = _(
            "This is the authority's last active officer: invite or promote another "
            "officer first, so that someone can still run the authority."
        )
        raise ValidationError({field: message} if field else message)


@transaction.atomic
def member_update(
    *,
    actor: User,
    member: User,
    role: str,
    agency: Agency | None = None,
    sees_whole_authority: bool = False,
    partnerships: Iterable[Partnership] = (),
) -> User:
    """Change someone's role and what it lets them see (a manager's partnerships, a partner's
    agency). Audited as team.role_changed and/or team.partnerships_changed."""
    authority_id = _authority_id(member)
    require_officer_of(actor, authority_id)
    member, officers = _locked(member)
    if member.is_superuser:
        raise PermissionDenied(_("Administrators' accounts are managed by the administrators."))
    agency, sees_whole_authority, partnerships = _access_checked(
        authority_id=authority_id,
        role=role,
        agency=agency,
        sees_whole_authority=sees_whole_authority,
        partnerships=partnerships,
    )
    if role != member.role:
        _refuse_last_officer(member, officers, "role")
        if member.pk == actor.pk:
            raise ValidationError(
                {"role": _("You cannot change your own role: ask another officer.")}
            )
    before = {
        "role": member.role,
        "agency": member.agency_id,
        "whole_authority": member.sees_whole_authority,
        "partnerships": sorted(member.assigned_partnerships.values_list("pk", flat=True)),
    }
    after = {
        "role": role,
        "agency": agency.pk if agency else None,
        "whole_authority": sees_whole_authority,
        "partnerships": [p.pk for p in partnerships],
    }
    member.role = role
    member.agency = agency
    member.sees_whole_authority = sees_whole_authority
    member.full_clean()
    member.save(update_fields=["role", "agency", "sees_whole_authority"])
    member.assigned_partnerships.set(partnerships)
    if (before["role"], before["agency"]) != (after["role"], after["agency"]):
        audit_record(
            actor=actor,
            action="team.role_changed",
            obj=member,
            authority=member.authority,
            data={
                "role": [before["role"], after["role"]],
                "agency": [before["agency"], after["agency"]],
            },
        )
    access = ("whole_authority", "partnerships")
    if any(before[k] != after[k] for k in access):
        audit_record(
            actor=actor,
            action="team.partnerships_changed",
            obj=member,
            authority=member.authority,
            data={k: [before[k], after[k]] for k in access},
        )
    return member


@transaction.atomic
def member_set_active(*, actor: User, member: User, active: bool) -> User:
    """Deactivate or reactivate an account. A deactivated account's sessions stop working at
    the next request (Django's backend refuses an inactive user) and its API token is deleted."""
    require_officer_of(actor, _authority_id(member))
    member, officers = _locked(member)
    if member.is_superuser:
        raise PermissionDenied(_("Administrators' accounts are managed by the administrators."))
    if member.is_active == active:
        return member
    if not active:
        _refuse_last_officer(member, officers, None)
        if member.pk == actor.pk:
            raise ValidationError(_("You cannot deactivate your own account: ask another officer."))
        Token.objects.filter(user=member).delete()
    member.is_active = active
    member.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="team.reactivated" if active else "team.deactivated",
        obj=member,
        authority=member.authority,
        data={"role": member.role},
    )
    return member
