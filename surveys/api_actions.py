"""Officer actions on rounds and invitations through the API: the same services as the page
buttons (close, send, resend, revoke, remind, invite every member agency's contact)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import APIException
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships.permissions import OfficersOnly, api_user

from . import selectors, services
from .serializers import InvitationSerializer, RoundSerializer

SENT = inline_serializer("SentCount", {"sent": serializers.IntegerField()})
INVITED = inline_serializer(
    "InvitedFromMemberships",
    {
        "invited": serializers.IntegerField(),
        "skipped_agencies": serializers.ListField(child=serializers.CharField()),
    },
)


class RoundClosedAlready(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This round has closed already.")
    default_code = "round_closed"


class RoundTakesNoInvitations(APIException):
    """Inviting, sending or reminding on a round that has closed (services.RoundAlreadyClosed)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = services.CLOSED_ROUND_REFUSAL
    default_code = "round_closed"


def _round(request: Request, pk: int):
    return selectors.round_for_user(api_user(request), pk)


@extend_schema(
    request=None,
    responses={200: RoundSerializer},
    summary=_("Close the round now"),
    description=_(
        "Nobody can answer any more; an anonymous round's results are published. 409 when the "
        "round has closed already."
    ),
)
@api_view(["POST"])
@permission_classes([IsAuthenticated, OfficersOnly])
def round_close(request: Request, pk: int) -> Response:
    try:
        closed = services.round_close(actor=api_user(request), survey_round=_round(request, pk))
    except services.RoundAlreadyClosed as exc:
        raise RoundClosedAlready from exc
    return Response(RoundSerializer(closed).data)


@extend_schema(
    request=None,
    responses=SENT,
    summary=_("Send the invitations not yet sent"),
    description=_("409 once the round has closed."),
)
@api_view(["POST"])
@permission_classes([IsAuthenticated, OfficersOnly])
def round_send(request: Request, pk: int) -> Response:
    try:
        count = services.round_send_unsent(
            actor=api_user(request), survey_round=_round(request, pk)
        )
    except services.RoundAlreadyClosed as exc:
        raise RoundTakesNoInvitations from exc
    return Response({"sent": count})


@extend_schema(
    request=None,
    responses=SENT,
    summary=_("Remind everyone who has not submitted"),
    description=_("409 once the round has closed."),
)
@api_view(["POST"])
@permission_classes([IsAuthenticated, OfficersOnly])
def round_remind(request: Request, pk: int) -> Response:
    try:
        count = services.round_send_reminders(
            actor=api_user(request), survey_round=_round(request, pk)
        )
    except services.RoundAlreadyClosed as exc:
        raise RoundTakesNoInvitations from exc
    return Response({"sent": count})


@extend_schema(
    request=None,
    responses=INVITED,
    summary=_("Invite the contact of every member agency"),
    description=_("409 once the round has closed."),
)
@api_view(["POST"])
@permission_classes([IsAuthenticated, OfficersOnly])
def round_invite_members(request: Request, pk: int) -> Response:
    try:
        created, skipped = services.invitations_add_from_memberships(
            actor=api_user(request), survey_round=_round(request, pk)
        )
    except services.RoundAlreadyClosed as exc:
        raise RoundTakesNoInvitations from exc
    return Response({"invited": len(created), "skipped_agencies": [a.name for a in skipped]})


@extend_schema(
    request=None,
    responses=SENT,
    summary=_("Send (or send again) one invitation"),
    description=_("409 once the round has closed."),
)
@api_view(["POST"])
@permission_classes([IsAuthenticated, OfficersOnly])
def invitation_send(request: Request, pk: int) -> Response:
    invitation = selectors.invitation_for_user(api_user(request), pk)
    try:
        count = services.invitations_send(
            actor=api_user(request), survey_round=invitation.round, invitations=[invitation]
        )
    except services.RoundAlreadyClosed as exc:
        raise RoundTakesNoInvitations from exc
    return Response({"sent": count})


@extend_schema(request=None, responses=InvitationSerializer, summary=_("Revoke an invitation"))
@api_view(["POST"])
@permission_classes([IsAuthenticated, OfficersOnly])
def invitation_revoke(request: Request, pk: int) -> Response:
    invitation = selectors.invitation_for_user(api_user(request), pk)
    services.invitation_revoke(actor=api_user(request), invitation=invitation)
    invitation.refresh_from_db()
    return Response(InvitationSerializer(invitation, context={"request": request}).data)
