"""Reads of the registry. Every view and API call fetches through these tenancy selectors.

An object outside the user's authority (or outside a manager's assignment) is simply not in the
queryset, so the view answers 404 and reveals nothing about whether it exists.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Agency, Membership, Partnership, Project, Role, User
from .permissions import sees_contact_data


def partnerships_visible_to(user: User) -> QuerySet[Partnership]:
    if not user.is_authenticated or user.authority_id is None:
        return Partnership.objects.none()
    in_authority = Partnership.objects.filter(authority_id=user.authority_id)
    if user.role == Role.OFFICER:
        return in_authority
    if user.role == Role.MANAGER:
        if user.sees_whole_authority:
            return in_authority
        return in_authority.filter(managers=user)
    if user.role == Role.PARTNER and user.agency_id is not None:  # a partner has an agency
        return in_authority.filter(memberships__agency_id=user.agency_id).distinct()
    return Partnership.objects.none()


def partnership_scope(user: User) -> tuple[str, int | tuple[int, ...]]:
    """A hashable statement of what `partnerships_visible_to(user)` returns (for cache keys):
    the whole authority, or the ids of the partnerships this user may see."""
    if (
        user.is_authenticated
        and user.authority_id is not None
        and (user.role == Role.OFFICER or (user.role == Role.MANAGER and user.sees_whole_authority))
    ):
        return ("authority", user.authority_id)
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
