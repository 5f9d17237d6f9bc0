"""The scorecard API: thin views over reports.selectors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partnerships.permissions import api_user

from . import selectors

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


@api_view(["GET"])
@permission_classes([IsAuthenticated, ReadsReports])
def round_scorecard(request: Request, pk: int) -> Response:
    rnd = selectors.round_for_user(api_user(request), pk)
    scorecard = selectors.latest_scorecard(rnd)
    if scorecard is None:
        detail = _("No scorecard yet")
        if rnd.is_anonymous and not rnd.is_closed():
            detail = _("An anonymous round's results are published when it closes.")
        return Response({"detail": detail}, status=status.HTTP_404_NOT_FOUND)
    data = selectors.scorecard_for_display(scorecard, rnd)
    data["computed_at"] = data["computed_at"].isoformat()
    return Response({field: data[field] for field in SCORECARD_FIELDS})


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
    rnd = selectors.round_for_user(api_user(request), pk)
    scorecard = selectors.latest_scorecard(rnd)
    if scorecard is None:
        detail = _("No scorecard yet")
        if rnd.is_anonymous and not rnd.is_closed():
            detail = _("An anonymous round's results are published when it closes.")
        return Response({"detail": detail}, status=status.HTTP_404_NOT_FOUND)
    network = selectors.network_for_display(scorecard)
    if network is None:
        return Response(
            {"detail": _("This round's questionnaire does not ask about working relationships.")},
            status=status.HTTP_404_NOT_FOUND,
        )
    network["computed_at"] = network["computed_at"].isoformat()
    return Response(network)
