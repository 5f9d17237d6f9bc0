"""The scorecard API: thin views over reports.selectors."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import drf_validation_error
from partnerships.permissions import api_user
from surveys.models import Round

from . import selectors
from .models import ActionStatus, Scorecard
from .scoring.change import COMPONENTS
from .services import actions as action_services

# GET /api/v1/rounds/{id}/scorecard/ returns exactly these (issue 4).
SCORECARD_FIELDS = (
    "status",
    "index",
    "band",
    "interval",
    "uncertain",
    "dimensions",
    "kendall_w",
    "chi_square",
    "p_value",
    "client_priority",
    "rwg",
    "divergent_items",
    "agencies",
    "n_agencies",
    "n_respondents",
    "scoring_version",
    "instrument_version",
    "computed_at",
)


class ReadsReports(BasePermission):
    """Officers and managers; anyone else signed in gets 403 before any object is looked up."""

    message = _("Only officers and managers can read scorecards.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return selectors.user_reads_reports(api_user(request))  # IsAuthenticated comes first


class NoScorecard(NotFound):
    """404 until the round is scored; an anonymous round's says it is published at close."""

    def __init__(self, rnd: Round) -> None:
        detail = _("No scorecard yet")
        if rnd.is_anonymous and not rnd.is_closed():
            detail = _("An anonymous round's results are published when it closes.")
        super().__init__(detail)


def _read_scorecard(request: Request, pk: int) -> tuple[Round, Scorecard]:
    """The round the reader may read and its latest scorecard, read as every reader reads it."""
    rnd = selectors.round_for_user(api_user(request), pk)
    scorecard = selectors.latest_scorecard(rnd)
    if scorecard is None:
        raise NoScorecard(rnd)
    return rnd, scorecard


@api_view(["GET"])
@permission_classes([IsAuthenticated, ReadsReports])
def round_scorecard(request: Request, pk: int) -> Response:
    rnd, scorecard = _read_scorecard(request, pk)
    data = selectors.scorecard_for_display(scorecard, rnd)
    data["computed_at"] = data["computed_at"].isoformat()
    return Response({field: data[field] for field in SCORECARD_FIELDS})


# --- Action plans (issue 15): the same services as the pages ----------------------------------
class ActionUpdateSerializer(serializers.Serializer):
    status = serializers.CharField()
    note = serializers.CharField()
    noted_on = serializers.DateField()


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField(source="round_id")
    component = serializers.CharField()
    description = serializers.CharField()
    lead_agency = serializers.IntegerField(source="lead_agency_id")
    lead_agency_name = serializers.CharField(source="lead_agency.name")
    due_on = serializers.DateField()
    status = serializers.CharField()
    updates = ActionUpdateSerializer(many=True, source="updates.all")


class ActionCreateSerializer(serializers.Serializer):
    # Any component a questionnaire can have; the service refuses one the round's does not.
    component = serializers.ChoiceField(choices=COMPONENTS)
    description = serializers.CharField(max_length=2000)
    lead_agency = serializers.IntegerField()
    due_on = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ActionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    note = serializers.CharField(max_length=2000)


def _service_call(call):
    try:
        return call()
    except DjangoValidationError as error:
        raise drf_validation_error(error) from error


@extend_schema(
    methods=["GET"], responses={200: ActionSerializer(many=True)}, summary=_("A round's actions")
)
@extend_schema(
    methods=["POST"],
    request=ActionCreateSerializer,
    responses={201: ActionSerializer},
    summary=_("Record an action after a round"),
    description=_(
        "400 with the reason when the component is not in the round's questionnaire, the lead "
        "agency is not a member of the partnership or the due date is before the round opened."
    ),
)
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated, ReadsReports])
def round_actions(request: Request, pk: int) -> Response:
    user = api_user(request)
    rnd = selectors.round_for_user(user, pk)
    if request.method == "GET":
        return Response(ActionSerializer(selectors.actions_of_round(rnd), many=True).data)
    given = ActionCreateSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    data = given.validated_data
    action = _service_call(
        lambda: action_services.action_create(
            actor=user,
            survey_round=rnd,
            component=data["component"],
            description=data["description"],
            lead_agency_id=data["lead_agency"],
            due_on=data["due_on"],
            note=data.get("note", ""),
        )
    )
    created = selectors.action_for_user(user, action.pk)
    return Response(ActionSerializer(created).data, status=status.HTTP_201_CREATED)


@extend_schema(
    request=ActionStatusSerializer,
    responses={200: ActionSerializer},
    summary=_("Change an action's status, with a note"),
)
@api_view(["POST"])
@permission_classes([IsAuthenticated, ReadsReports])
def action_status(request: Request, pk: int) -> Response:
    user = api_user(request)
    action = selectors.action_for_user(user, pk)
    given = ActionStatusSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    _service_call(
        lambda: action_services.action_status_change(
            actor=user,
            action=action,
            status=given.validated_data["status"],
            note=given.validated_data["note"],
        )
    )
    return Response(ActionSerializer(selectors.action_for_user(user, pk)).data)


@extend_schema(
    # The route takes digits only: a negative id never reaches the view (the router's 404).
    parameters=[
        OpenApiParameter(
            "id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, required=True
        )
    ],
    responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    description=_(
        "The round's working-relationships network (specification 1.1): nodes (agency id, "
        "name, degree, normalised degree, isolated), rated pairs (a, b, r_ab, r_ba, level, "
        "mismatch), density, mean level, centralization and status (ok or insufficient). "
        "Read as the scorecard is: 404 until the round is scored (an anonymous round's when it "
        "closes), and for a questionnaire that does not ask about working relationships."
    ),
)
@api_view(["GET"])
@permission_classes([IsAuthenticated, ReadsReports])
def round_network(request: Request, pk: int) -> Response:
    _rnd, scorecard = _read_scorecard(request, pk)
    network = selectors.network_for_display(scorecard)
    if network is None:
        return Response(
            {"detail": _("This round's questionnaire does not ask about working relationships.")},
            status=status.HTTP_404_NOT_FOUND,
        )
    network["computed_at"] = network["computed_at"].isoformat()
    return Response(network)
