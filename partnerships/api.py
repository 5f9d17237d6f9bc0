"""The registry API: thin views over partnerships.selectors (reads) and services (writes).

Who may do what is decided in two steps, as on the pages: the role first (partners and users
without an authority get 403, managers get 403 on writes), then the tenancy selectors (another
authority's object is simply not found: 404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ID, ServiceErrors, building_schema

from . import selectors, services
from .models import Membership
from .permissions import PERMISSIONS, SignedInApiRequest
from .serializers import (
    AgencySerializer,
    MembershipSerializer,
    PartnershipEditSerializer,
    PartnershipSerializer,
    ProjectEditSerializer,
    ProjectSerializer,
)


def status_filter(request: Request) -> str:
    """?active=true / false narrows the list; without it, archived records are listed too."""
    value = request.query_params.get("active", "").lower()
    if value in ("true", "1"):
        return "active"
    if value in ("false", "0"):
        return "archived"
    return "all"


ACTIVE = OpenApiParameter("active", OpenApiTypes.BOOL, description=_("Only active or archived."))
SEARCH = OpenApiParameter("search", OpenApiTypes.STR, description=_("Part of the name."))


class RegistryViewSet(
    ServiceErrors,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and update (no delete): readers read, officers write."""

    permission_classes = PERMISSIONS
    lookup_value_regex = ID
    request: SignedInApiRequest


class ListedObjects:
    """One object is read through the list's selector, so it carries the list's counts;
    `listed(**filters)` is that selector for the requesting user."""

    kwargs: dict[str, Any]

    def listed(self, **filters: str) -> QuerySet:
        raise NotImplementedError

    def get_object(self):
        return self._annotated(self.kwargs["pk"])

    def _annotated(self, pk: int):
        return get_object_or_404(self.listed(status="all"), pk=pk)


# --- Agencies --------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                OpenApiTypes.STR,
                description=_("Part of the name, or (officers only) of the contact name."),
            ),
            ACTIVE,
            OpenApiParameter("agency_type", OpenApiTypes.STR, description=_("Agency type code.")),
        ]
    )
)
class AgencyViewSet(ListedObjects, RegistryViewSet):
    """The authority's agencies: officers keep them, managers read them without the contact
    name, e-mail and telephone (personal contact data is for officers only)."""

    serializer_class = AgencySerializer

    def listed(self, **filters: str) -> QuerySet:
        return selectors.agency_list(self.request.user, **filters)

    def get_queryset(self) -> QuerySet:
        params = self.request.query_params
        return self.listed(
            search=params.get("search", ""),
            agency_type=params.get("agency_type", ""),
            status=status_filter(self.request),
        )

    def perform_create(self, serializer) -> None:
        data = dict(serializer.validated_data)
        active = data.pop("active", True)
        agency = services.agency_create(actor=self.request.user, **data)
        if not active:
            agency = services.agency_set_active(
                actor=self.request.user, agency=agency, active=False
            )
        serializer.instance = self._annotated(agency.pk)

    def perform_update(self, serializer) -> None:
        data = dict(serializer.validated_data)
        active = data.pop("active", None)
        agency = services.agency_update(actor=self.request.user, agency=serializer.instance, **data)
        if active is not None and active != agency.active:
            agency = services.agency_set_active(
                actor=self.request.user, agency=agency, active=active
            )
        serializer.instance = self._annotated(agency.pk)


# --- Partnerships ----------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        parameters=[
            SEARCH,
            ACTIVE,
            OpenApiParameter("programme", OpenApiTypes.STR, description=_("Programme name.")),
            OpenApiParameter(
                "level",
                OpenApiTypes.STR,
                enum=["strategic", "operational"],
                description=_("Level."),
            ),
        ]
    ),
    update=extend_schema(request=PartnershipEditSerializer),
    partial_update=extend_schema(request=PartnershipEditSerializer),
)
class PartnershipViewSet(ListedObjects, RegistryViewSet):
    """Partnerships the user may read; officers register and edit them."""

    serializer_class = PartnershipSerializer

    def listed(self, **filters: str) -> QuerySet:
        return selectors.partnership_list(self.request.user, **filters)

    def get_queryset(self) -> QuerySet:
        params = self.request.query_params
        return self.listed(
            search=params.get("search", ""),
            programme=params.get("programme", ""),
            level=params.get("level", ""),
            status=status_filter(self.request),
        )

    def perform_create(self, serializer) -> None:
        data = {
            k: v for k, v in serializer.validated_data.items() if k in services.PARTNERSHIP_FIELDS
        }
        partnership = services.partnership_register(actor=self.request.user, **data)
        serializer.instance = self._annotated(partnership.pk)

    def perform_update(self, serializer) -> None:
        data = dict(serializer.validated_data)
        if "version" not in data:
            raise serializers.ValidationError(
                {"version": [_("Send the version your change is based on.")]}
            )
        expected = data.pop("version")
        fields = {k: v for k, v in data.items() if k in services.PARTNERSHIP_FIELDS}
        partnership = services.partnership_update(
            actor=self.request.user,
            partnership=serializer.instance,
            expected_version=expected,
            **fields,
        )
        serializer.instance = self._annotated(partnership.pk)


@extend_schema(responses=MembershipSerializer)
class PartnershipMemberships(ServiceErrors, generics.ListCreateAPIView):
    """The agencies of a partnership, past and present; officers add agencies."""

    serializer_class = MembershipSerializer
    permission_classes = PERMISSIONS
    request: SignedInApiRequest

    def get_queryset(self) -> QuerySet:
        if building_schema(self):
            return Membership.objects.none()
        partnership = selectors.partnership_for_user(self.request.user, self.kwargs["pk"])
        return partnership.memberships.select_related("agency").order_by("left_on", "agency__name")

    def get_serializer(self, *args: Any, **kwargs: Any):
        if not building_schema(self):
            # As on the page: only the authority's active agencies can join a partnership.
            agencies = selectors.agencies_of_authority(self.request.user).filter(active=True)
            kwargs["agencies"] = agencies
        return super().get_serializer(*args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partnership = selectors.partnership_for_user(self.request.user, self.kwargs["pk"])
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_add(
            actor=self.request.user,
            partnership=partnership,
            agency=serializer.validated_data["agency"],
            role=serializer.validated_data.get("role", "partner"),
            joined_on=serializer.validated_data.get("joined_on"),
        )
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)


# --- Projects --------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        parameters=[
            SEARCH,
            ACTIVE,
            OpenApiParameter("partnership", OpenApiTypes.INT, description=_("Partnership id.")),
        ]
    ),
    update=extend_schema(request=ProjectEditSerializer),
    partial_update=extend_schema(request=ProjectEditSerializer),
)
class ProjectViewSet(RegistryViewSet):
    """Projects of the partnerships the user may read; officers add and edit them."""

    serializer_class = ProjectSerializer

    def get_queryset(self) -> QuerySet:
        qs = selectors.projects_visible_to(self.request.user).order_by("name", "id")
        params = self.request.query_params
        partnership = params.get("partnership", "")
        if partnership.isdigit():
            qs = qs.filter(partnership_id=int(partnership))
        if params.get("search"):
            qs = qs.filter(
                Q(name__icontains=params["search"]) | Q(description__icontains=params["search"])
            )
        active = status_filter(self.request)
        if active != "all":
            qs = qs.filter(active=active == "active")
        return qs

    def get_object(self):
        return selectors.project_for_user(self.request.user, self.kwargs["pk"])

    def get_serializer(self, *args: Any, **kwargs: Any):
        if not building_schema(self):
            kwargs["partnerships"] = selectors.partnerships_visible_to(self.request.user)
        return super().get_serializer(*args, **kwargs)

    def perform_create(self, serializer) -> None:
        data = dict(serializer.validated_data)
        partnership = data.pop("partnership")
        fields = {k: v for k, v in data.items() if k in services.PROJECT_FIELDS}
        serializer.instance = services.project_create(
            actor=self.request.user, partnership=partnership, **fields
        )

    def perform_update(self, serializer) -> None:
        fields = {
            k: v for k, v in serializer.validated_data.items() if k in services.PROJECT_FIELDS
        }
        serializer.instance = services.project_update(
            actor=self.request.user, project=serializer.instance, **fields
        )
