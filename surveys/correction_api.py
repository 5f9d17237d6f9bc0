"""Putting paper questionnaires right through the API: the same services as the officer pages
(surveys.corrections). An online response is never changed by staff (403); in an anonymous round
a paper entry is found only while it may still change, and not at all once the round's results
are published (409 saying why); a change based on an older version is refused (409)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response as APIResponse

from core.api import ServiceErrors, building_schema
from partnerships.permissions import OfficersOnly, SignedInApiRequest

from . import corrections, selectors
from .api import answer_parts, paper_entry_validated, response_with_answers
from .models import Response
from .serializers import (
    PaperEntryChangeSerializer,
    PaperEntryListItemSerializer,
    PaperEntrySerializer,
    PaperEntryWithdrawSerializer,
)


class PaperEntryLocked(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "paper_entry_locked"


def _locked(reason: str) -> PaperEntryLocked:
    return PaperEntryLocked(reason)


def paper_entry_row(response: Response) -> dict[str, Any]:
    answers, ranking, comments, relationships = answer_parts(response)
    submitted_at = response.submitted_at or timezone.now()  # a paper entry is always submitted
    return {
        "id": response.pk,
        "agency": response.agency_id,
        "submitted_at": submitted_at,
        "submitted_on": timezone.localdate(submitted_at),
        "entered_by_officer": True,
        "answers": answers,
        "ranking": ranking,
        "comments": comments,
        "relationships": relationships,
        "version": corrections.entry_version(response),
    }


def _check(response: Response) -> None:
    try:
        corrections.paper_entry_check(response)
    except corrections.NotAPaperEntry as exc:
        raise PermissionDenied(exc.message) from exc
    except corrections.PaperEntryLocked as exc:
        raise _locked(exc.message) from exc


class RoundPaperEntries(generics.GenericAPIView):
    """The paper questionnaires of a round that may still be corrected (officers only)."""

    serializer_class = PaperEntryListItemSerializer
    permission_classes = [IsAuthenticated, OfficersOnly]
    pagination_class = None
    request: SignedInApiRequest

    @extend_schema(
        responses={200: PaperEntryListItemSerializer(many=True)},
        description=_(
            "Every paper questionnaire keyed in for the round, the latest first. 409 once an "
            "anonymous round has closed (its results are published): its entries are fixed."
        ),
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> APIResponse:
        survey_round = selectors.round_for_user(self.request.user, self.kwargs["pk"])
        reason = corrections.paper_entry_lock_reason(survey_round)
        if reason is not None:
            raise _locked(reason)
        rows = [
            {
                "id": r.pk,
                "agency": r.agency_id,
                "submitted_at": r.submitted_at,
                "version": corrections.entry_version(r),
            }
            for r in selectors.paper_responses(survey_round)
        ]
        return APIResponse(PaperEntryListItemSerializer(rows, many=True).data)


class RoundResponseDetail(ServiceErrors, generics.GenericAPIView):
    """One paper questionnaire: read, correct (PUT) or withdraw (DELETE)."""

    serializer_class = PaperEntrySerializer
    permission_classes = [IsAuthenticated, OfficersOnly]
    request: SignedInApiRequest

    def _entry(self) -> Response:
        response = selectors.round_response_for_user(
            self.request.user, self.kwargs["pk"], self.kwargs["response_pk"]
        )
        _check(response)
        return response

    @extend_schema(responses={200: PaperEntrySerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> APIResponse:
        if building_schema(self):
            return APIResponse({})
        response = self._entry()
        return APIResponse(
            PaperEntrySerializer(paper_entry_row(response_with_answers(response.pk))).data
        )

    @extend_schema(
        request=PaperEntryChangeSerializer,
        responses={200: PaperEntrySerializer},
        description=_(
            "Replace the paper questionnaire with the corrected one, validated as the paper "
            "entry page validates it; the round is rescored."
        ),
    )
    def put(self, request: Request, *args: Any, **kwargs: Any) -> APIResponse:
        response = self._entry()
        change = PaperEntryChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        agency, values = paper_entry_validated(response.round, change.validated_data)
        try:
            corrected = corrections.paper_response_correct(
                actor=self.request.user,
                response=response,
                agency=agency,
                values=values,
                expected_version=change.validated_data["version"],
            )
        except corrections.PaperEntryLocked as exc:  # it closed while this was on its way
            raise _locked(exc.message) from exc
        return APIResponse(
            PaperEntrySerializer(paper_entry_row(response_with_answers(corrected.pk))).data
        )

    @extend_schema(
        request=PaperEntryWithdrawSerializer,
        responses={204: None},
        description=_(
            "Withdraw the paper questionnaire, with a reason: it is deleted, the audit trail "
            "keeps who withdrew it and why, and the round is rescored."
        ),
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> APIResponse:
        response = self._entry()
        body = PaperEntryWithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            corrections.paper_response_withdraw(
                actor=self.request.user,
                response=response,
                reason=body.validated_data["reason"],
                expected_version=body.validated_data["version"],
            )
        except corrections.PaperEntryLocked as exc:
            raise _locked(exc.message) from exc
        return APIResponse(status=status.HTTP_204_NO_CONTENT)
