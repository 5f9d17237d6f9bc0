"""Officer actions on the registry through the API: archive or restore, and membership edits."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.fields import empty
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import drf_validation_error

from . import selectors, services
from .permissions import OfficersOnly, api_user
from .serializers import MembershipSerializer

ACTIVE_REQUEST = inline_serializer("ActiveFlag", {"active": serializers.BooleanField()})
ACTIVE_RESPONSE = inline_serializer(
    "ActiveState", {"id": serializers.IntegerField(), "active": serializers.BooleanField()}
)


class RequiredBoolean(serializers.BooleanField):
    # DRF reads a missing form checkbox as False; an empty request must not archive anything.
    default_empty_html = empty


class ActiveFlag(serializers.Serializer):
    active = RequiredBoolean()


class MembershipChange(serializers.Serializer):
    role = serializers.ChoiceField(choices=["lead", "partner"])
    joined_on = serializers.DateField(allow_null=True, required=False)
    left_on = serializers.DateField(
        allow_null=True,
        required=False,
        help_text=gettext_lazy("On or after joined_on. A leaving date ends the membership."),
    )


def _active_flag(request: Request) -> bool:
    flag = ActiveFlag(data=request.data)
    flag.is_valid(raise_exception=True)
    return flag.validated_data["active"]


@extend_schema(request=ACTIVE_REQUEST, responses=ACTIVE_RESPONSE, summary=_("Archive or restore"))
@api_view(["POST"])
@permission_classes([IsAuthenticated, OfficersOnly])
def partnership_active(request: Request, pk: int) -> Response:
    partnership = selectors.partnership_for_user(api_user(request), pk)
    active = _active_flag(request)
    partnership = services.partnership_set_active(
        actor=api_user(request), partnership=partnership, active=active
    )
    return Response({"id": partnership.pk, "active": partnership.active})


@extend_schema(request=ACTIVE_REQUEST, responses=ACTIVE_RESPONSE, summary=_("Archive or restore"))
@api_view(["POST"])
@permission_classes([IsAuthenticated, OfficersOnly])
def project_active(request: Request, pk: int) -> Response:
    project = selectors.project_for_user(api_user(request), pk)
    active = _active_flag(request)
    project = services.project_set_active(actor=api_user(request), project=project, active=active)
    return Response({"id": project.pk, "active": project.active})


@extend_schema(
    request=MembershipChange,
    responses=MembershipSerializer,
    summary=_("Change a membership's role or dates (a leaving date ends it)"),
)
@api_view(["PUT"])
@permission_classes([IsAuthenticated, OfficersOnly])
def membership_change(request: Request, pk: int) -> Response:
    membership = selectors.membership_for_user(api_user(request), pk)
    change = MembershipChange(data=request.data)
    change.is_valid(raise_exception=True)
    data = change.validated_data
    joined, left = data.get("joined_on"), data.get("left_on")
    if joined and left and left < joined:
        raise serializers.ValidationError(
            {"left_on": [_("The leaving date must be on or after the joining date.")]}
        )
    try:
        membership = services.membership_update(
            actor=api_user(request),
            membership=membership,
            role=data["role"],
            joined_on=joined,
            left_on=left,
        )
    except DjangoValidationError as error:
        raise drf_validation_error(error) from error
    return Response(MembershipSerializer(membership).data)
