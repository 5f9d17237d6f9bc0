"""Reads of the registry. Every view and API call fetches through these tenancy selectors.

An object outside the user's authority (or outside a manager's assignment) is simply not in the
queryset, so the view answers 404 and reveals nothing about whether it exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import (
    AccountInvitation,
    Agency,
    AuditEvent,
    LocalAuthority,
    Membership,
    Partnership,
    Project,
    Role,
    User,
)
from .permissions import sees_contact_data


def partnerships_visible_to(user: User) -> QuerySet[Partnership]:
    whole_authority = whole_authority_seen_by(user)
    if whole_authority is not None:
        return Partnership.objects.filter(authority_id=whole_authority)
    if not user.is_authenticated or user.authority_id is None:
        return Partnership.objects.none()
    in_authority = Partnership.objects.filter(authority_id=user.authority_id)
    if user.role == Role.MANAGER:
        return in_authority.filter(managers=user)
    if user.role == Role.PARTNER and user.agency_id is not None:  # a partner has an agency
        # The partnerships their agency is in today: an agency that left sees nothing more.
        return in_authority.filter(
            memberships__agency_id=user.agency_id, memberships__left_on__isnull=True
        ).distinct()
    return Partnership.objects.none()


def whole_authority_seen_by(user: User) -> int | None:
    """The authority whose every partnership the user sees (officers, and managers who see the
    whole authority), or None for anyone who sees fewer (or none): a read for such a user need
    check the authority only. The first rule of `partnerships_visible_to`."""
    if (
        user.is_authenticated
        and user.authority_id is not None
        and (user.role == Role.OFFICER or (user.role == Role.MANAGER and user.sees_whole_authority))
    ):
        return user.authority_id
    return None


def partnership_scope(user: User) -> tuple[str, int | tuple[int, ...]]:
    """A hashable statement of what `partnerships_visible_to(user)` returns (for cache keys):
    the whole authority, or the ids of the partnerships this user may see."""
    authority = whole_authority_seen_by(user)
    if authority is not None:
        return ("authority", authority)
    visible = partnerships_visible_to(user).order_by("pk").values_list("pk", flat=True)
    return ("partnerships", tuple(visible))


def partnership_for_user(user: User, pk: int) -> Partnership:
    return get_object_or_404(partnerships_visible_to(user).select_related("authority"), pk=pk)


def partnership_list(
    user: User,
    *,
    search: str = "",
    programme: str = "",
    level: str = "",
    status: str = "active",
) -> QuerySet[Partnership]:
    qs = partnerships_visible_to(user).annotate(
        n_agencies=Count("memberships", filter=Q(memberships__left_on__isnull=True), distinct=True),
        n_projects=Count("projects", filter=Q(projects__active=True), distinct=True),
    )
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if programme:
        qs = qs.filter(programme__iexact=programme)
    if level:
        qs = qs.filter(level=level)
    if status == "active":
        qs = qs.filter(active=True)
    elif status == "archived":
        qs = qs.filter(active=False)
    return qs.order_by("name")


def programmes_in_authority(user: User) -> list[str]:
    names = (
        partnerships_visible_to(user)
        .exclude(programme="")
        .values_list("programme", flat=True)
        .distinct()
        .order_by("programme")
    )
    return list(names)


def partnership_detail(user: User, pk: int) -> tuple[Partnership, list[Membership], list[Project]]:
    partnership = partnership_for_user(user, pk)
    memberships = list(
        partnership.memberships.select_related("agency").order_by("left_on", "agency__name")
    )
    projects = list(partnership.projects.order_by("-active", "name"))
    return partnership, memberships, projects


def agencies_of_authority(user: User) -> QuerySet[Agency]:
    if not user.is_authenticated or user.authority_id is None:
        return Agency.objects.none()
    return Agency.objects.filter(authority_id=user.authority_id)


def agency_list(
    user: User, *, search: str = "", agency_type: str = "", status: str = "active"
) -> QuerySet[Agency]:
    qs = agencies_of_authority(user).annotate(
        n_partnerships=Count(
            "memberships", filter=Q(memberships__left_on__isnull=True), distinct=True
        )
    )
    if search:
        # Searching by contact name would tell who the contact is: officers only.
        matches = Q(name__icontains=search)
        if sees_contact_data(user):
            matches |= Q(contact_name__icontains=search)
        qs = qs.filter(matches)
    if agency_type:
        qs = qs.filter(agency_type=agency_type)
    if status == "active":
        qs = qs.filter(active=True)
    elif status == "archived":
        qs = qs.filter(active=False)
    return qs.order_by("name")


def agency_for_user(user: User, pk: int) -> Agency:
    return get_object_or_404(agencies_of_authority(user), pk=pk)


def membership_for_user(user: User, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("agency", "partnership").filter(
            partnership__in=partnerships_visible_to(user)
        ),
        pk=pk,
    )


def projects_visible_to(user: User) -> QuerySet[Project]:
    return Project.objects.filter(partnership__in=partnerships_visible_to(user))


def project_for_user(user: User, pk: int) -> Project:
    return get_object_or_404(
        projects_visible_to(user).select_related("partnership", "partnership__authority"), pk=pk
    )


# --- The team -------------------------------------------------------------------------------
def _officer_authority(user: User) -> int | None:
    return user.authority_id if user.is_authenticated and user.is_officer else None


def team_members(user: User) -> QuerySet[User]:
    """Everyone with an account in the officer's authority (nobody for anyone else)."""
    authority_id = _officer_authority(user)
    if authority_id is None:
        return User.objects.none()
    return (
        User.objects.filter(authority_id=authority_id)
        .select_related("agency")
        .prefetch_related(
            Prefetch("assigned_partnerships", queryset=Partnership.objects.order_by("name"))
        )
        .order_by("-is_active", "role", "last_name", "first_name", "username")
    )


def team_member_for_user(user: User, pk: int) -> User:
    return get_object_or_404(team_members(user), pk=pk)


def account_invitations_of(user: User) -> QuerySet[AccountInvitation]:
    authority_id = _officer_authority(user)
    if authority_id is None:
        return AccountInvitation.objects.none()
    return AccountInvitation.objects.filter(authority_id=authority_id)


def pending_invitations(user: User) -> QuerySet[AccountInvitation]:
    return (
        account_invitations_of(user)
        .filter(used_at__isnull=True, withdrawn_at__isnull=True)
        .select_related("agency")
        .prefetch_related("partnerships")
        .order_by("email")
    )


def account_invitation_for_user(user: User, pk: int) -> AccountInvitation:
    return get_object_or_404(account_invitations_of(user), pk=pk)


# --- The audit trail ------------------------------------------------------------------------
def audit_events_of_authority(user: User) -> QuerySet[AuditEvent]:
    authority_id = _officer_authority(user)
    if authority_id is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(authority_id=authority_id).select_related("actor")


def _ids(values: Iterable[object]) -> list[str]:
    return [str(v) for v in values]


def audit_events_of_partnership(user: User, partnership: Partnership) -> QuerySet[AuditEvent]:
    """Events about a partnership, its memberships and projects, and its rounds.

    The registry cannot read the surveys app, so rounds are found through the trail itself:
    `round.opened` records the round's project, and invitation and paper-entry events record
    their round. Events on an invitation that only name the invitation (a revoke) are tied in
    through that invitation's `invitation.added` event; invitations made in bulk from the
    memberships have no such event, so their later events are not listed here.
    """
    events = audit_events_of_authority(user).filter(authority_id=partnership.authority_id)
    project_ids = list(partnership.projects.values_list("pk", flat=True))
    membership_ids = list(partnership.memberships.values_list("pk", flat=True))
    round_ids = _ids(
        events.filter(
            object_type="surveys.round", action="round.opened", data__project__in=project_ids
        ).values_list("object_id", flat=True)
    )
    invitation_ids = _ids(
        events.filter(
            object_type="surveys.invitation",
            data__round__in=[int(r) for r in round_ids],
        ).values_list("object_id", flat=True)
    )
    about = (
        Q(object_type="partnerships.partnership", object_id=str(partnership.pk))
        | Q(object_type="partnerships.membership", object_id__in=_ids(membership_ids))
        | Q(object_type="partnerships.project", object_id__in=_ids(project_ids))
        | Q(object_type="surveys.round", object_id__in=round_ids)
        | Q(object_type="surveys.invitation", object_id__in=invitation_ids)
        | Q(data__round__in=[int(r) for r in round_ids])
    )
    return events.filter(about)


def audit_events_filtered(
    events: QuerySet[AuditEvent],
    *,
    actor: int | None = None,
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    if actor:
        events = events.filter(actor_id=actor)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    return events.order_by("-at", "-id")


def audit_filter_choices(events: QuerySet[AuditEvent]) -> tuple[list[User], list[str]]:
    """The people who appear as actors and the kinds of action, for the filter form."""
    actor_ids = events.exclude(actor=None).values_list("actor_id", flat=True).distinct()
    actors = list(User.objects.filter(pk__in=actor_ids).order_by("last_name", "username"))
    actions = list(events.values_list("action", flat=True).distinct().order_by("action"))
    return actors, actions


def audit_object_labels(events: list[AuditEvent], authority_id: int) -> dict[tuple[str, str], str]:
    """What each event is about, in words, for the registry's own records (others get their
    kind and number). Names of records, not of people: accounts show their user name."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        wanted.setdefault(event.object_type, set()).add(event.object_id)
    labels: dict[tuple[str, str], str] = {}
    lookups: dict[str, tuple[QuerySet[Any], Callable[[Any], str]]] = {
        "partnerships.partnership": (
            Partnership.objects.filter(authority_id=authority_id),
            lambda o: o.name,
        ),
        "partnerships.agency": (Agency.objects.filter(authority_id=authority_id), str),
        "partnerships.project": (
            Project.objects.filter(partnership__authority_id=authority_id),
            lambda o: o.name,
        ),
        "partnerships.membership": (
            Membership.objects.filter(partnership__authority_id=authority_id).select_related(
                "agency", "partnership"
            ),
            str,
        ),
        "partnerships.user": (
            User.objects.filter(authority_id=authority_id),
            lambda o: o.get_full_name() or o.username,
        ),
    }
    for object_type, (queryset, label) in lookups.items():
        ids = [int(i) for i in wanted.get(object_type, ()) if i.isdigit()]
        for obj in queryset.filter(pk__in=ids):
            labels[(object_type, str(obj.pk))] = label(obj)
    return labels


@dataclass(frozen=True)
class ServiceOwner:
    """Who runs the service for this visitor, as the statutory pages name them."""

    name: str
    email: str
    phone: str
    address: str
    dpo_email: str
    is_authority: bool


def service_owner(authority: LocalAuthority | None) -> ServiceOwner:
    """The authority's own record, or, for a visitor with none, the deployment's settings."""
    if authority is not None:
        return ServiceOwner(
            name=authority.name,
            email=authority.contact_email,
            phone=authority.contact_phone,
            address=authority.postal_address,
            dpo_email=authority.dpo_email,
            is_authority=True,
        )
    return ServiceOwner(
        name=settings.SERVICE_OWNER_NAME,
        email=settings.SERVICE_OWNER_EMAIL,
        phone=settings.SERVICE_OWNER_PHONE,
        address=settings.SERVICE_OWNER_ADDRESS,
        dpo_email=settings.SERVICE_OWNER_DPO_EMAIL,
        is_authority=False,
    )
