"""The surveys API: questionnaires, rounds, invitations and responses.

Reads go through surveys.selectors (rounds_visible_to is the tenancy rule); writes go through
surveys.services after the same forms as the officer pages have validated the input.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response as APIResponse

from core.api import ID, ServiceErrors, building_schema, form_errors
from partnerships import selectors as registry
from partnerships.models import Agency
from partnerships.permissions import PERMISSIONS, OfficersOnly, SignedInApiRequest

from . import selectors, services
from .anonymity import OTHER_AGENCIES, round_group_labels
from .answers import DONT_KNOW, ranking_order, stored_answer_value
from .api_actions import RoundTakesNoInvitations
from .forms import (
    AGENCY_SEPARATOR,
    RANK_SEPARATOR,
    InvitationForm,
    PaperResponseAgencyForm,
    QuestionnaireForm,
    RoundForm,
    relationship_field_name,
)
from .models import (
    DEFAULT_MIN_GROUP_SIZE,
    Answer,
    Instrument,
    Invitation,
    Question,
    QuestionType,
    Response,
    Round,
)
from .round_edit import round_update
from .serializers import (
    InstrumentSerializer,
    InvitationSerializer,
    ResponseEntrySerializer,
    ResponseSerializer,
    RoundEditSerializer,
    RoundSerializer,
)


# --- Instruments -----------------------------------------------------------------------------
class InstrumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Every questionnaire version with its questions (shared by all authorities)."""

    serializer_class = InstrumentSerializer
    permission_classes = PERMISSIONS
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Instrument]:
        questions = Question.objects.select_related("section").order_by("position")
        return selectors.instruments_all().prefetch_related(Prefetch("questions", questions))


# --- Rounds ----------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("project", OpenApiTypes.INT, description=_("Project id."))]
    ),
    partial_update=extend_schema(
        request=RoundEditSerializer,
        responses={200: RoundSerializer},
        description=_(
            "Change a round's title, dates, introduction or your message in its e-mails (and, "
            "until it has a response, its reporting mode and k). Never its questionnaire. The "
            "closing date may move but not before today; a closed round is never re-opened, "
            "only renamed. A locked field sent with another value is refused (400) on the "
            "field; an edit based on an older version is refused with 409."
        ),
    ),
)
class RoundViewSet(
    ServiceErrors,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Survey rounds of the projects the user may read; officers open them."""

    serializer_class = RoundSerializer
    permission_classes = PERMISSIONS
    lookup_value_regex = ID
    request: SignedInApiRequest

    def get_queryset(self) -> QuerySet[Round]:
        qs = selectors.rounds_visible_to(self.request.user).order_by("-opens_on", "-id")
        project = self.request.query_params.get("project", "")
        if project.isdigit():
            qs = qs.filter(project_id=int(project))
        return qs

    def get_object(self) -> Round:
        return selectors.round_for_user(self.request.user, self.kwargs["pk"])

    def get_serializer(self, *args: Any, **kwargs: Any):
        if not building_schema(self):
            kwargs["projects"] = registry.projects_visible_to(self.request.user)
        return super().get_serializer(*args, **kwargs)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> APIResponse:
        survey_round = self.get_object()
        edit = RoundEditSerializer(data=request.data)
        edit.is_valid(raise_exception=True)
        data = dict(edit.validated_data)
        expected = data.pop("version")
        updated = round_update(
            actor=self.request.user, survey_round=survey_round, expected_version=expected, **data
        )
        return APIResponse(RoundSerializer(updated).data)

    def perform_create(self, serializer) -> None:
        data = dict(serializer.validated_data)
        project = data.pop("project")
        # The page's form fills in the default introduction and checks the dates.
        form = RoundForm(
            {
                **{k: v for k, v in data.items() if k != "instrument"},
                "instrument": data["instrument"].pk,
                "min_group_size": data.get("min_group_size", DEFAULT_MIN_GROUP_SIZE),
            }
        )
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        serializer.instance = services.round_open(
            actor=self.request.user, project=project, **form.cleaned_data
        )


# --- Invitations -----------------------------------------------------------------------------
class RoundInvitations(ServiceErrors, generics.ListCreateAPIView):
    """Who is invited to a round (officers only). The link's token is never shown."""

    serializer_class = InvitationSerializer
    permission_classes = [IsAuthenticated, OfficersOnly]
    request: SignedInApiRequest

    def get_queryset(self) -> QuerySet[Invitation]:
        if building_schema(self):
            return Invitation.objects.none()
        survey_round = selectors.round_for_user(self.request.user, self.kwargs["pk"])
        return survey_round.invitations.select_related("agency", "response").order_by(
            "agency__name", "name", "id"
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> APIResponse:
        survey_round = selectors.round_for_user(self.request.user, self.kwargs["pk"])
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        form = InvitationForm(
            {
                "agency": data["agency_id"],
                "name": data["name"],
                "email": data["email"],
                "language": data.get("language", ""),
            },
            survey_round=survey_round,
        )
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        try:
            invitation = services.invitation_add(
                actor=self.request.user, survey_round=survey_round, **form.cleaned_data
            )
        except services.RoundAlreadyClosed as exc:
            raise RoundTakesNoInvitations from exc
        return APIResponse(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)


# --- Responses -------------------------------------------------------------------------------
def _rank_name(question: Question, option_code: str) -> str:
    return f"{question.code}{RANK_SEPARATOR}{option_code}"


def questionnaire_data(
    questions: list[Question], entry: Mapping[str, Any], survey_round: Round
) -> dict[str, str]:
    """Translate an API entry into the QuestionnaireForm's POST data, refusing what the form
    would silently ignore (an unknown code, an option ranked twice, an agency it does not
    list)."""
    by_code = {q.code: q for q in questions}
    rankings = [q for q in questions if q.type == QuestionType.RANKING]
    errors: dict[str, Any] = {}
    data: dict[str, str] = {}

    answer_errors = {}
    for code, value in entry["answers"].items():
        question = by_code.get(code)
        if question is None:
            answer_errors[code] = [_("There is no question with this code.")]
        elif question.type == QuestionType.TEXT:
            answer_errors[code] = [_("A free-text answer goes in comments.")]
        elif question.type == QuestionType.RANKING:
            answer_errors[code] = [_("The ranking goes in ranking.")]
        else:
            data[code] = value
    if answer_errors:
        errors["answers"] = answer_errors

    comment_errors = {}
    for code, text in entry["comments"].items():
        question = by_code.get(code)
        if question is None:
            comment_errors[code] = [_("There is no question with this code.")]
        elif question.type != QuestionType.TEXT:
            comment_errors[code] = [_("Only free-text answers go in comments.")]
        else:
            data[code] = text
    if comment_errors:
        errors["comments"] = comment_errors

    ranking = entry["ranking"]
    if ranking:
        if not rankings:
            errors["ranking"] = [_("This questionnaire has no ranking question.")]
        else:
            question = rankings[0]
            known = {o["code"] for o in question.options}
            ranking_errors = [
                _("%(code)s is not one of the outcomes to rank.") % {"code": code}
                for code in dict.fromkeys(ranking)
                if code not in known
            ]
            ranking_errors += [
                _("%(code)s is listed more than once.") % {"code": code}
                for code, n in Counter(ranking).items()
                if n > 1
            ]
            if ranking_errors:
                errors["ranking"] = ranking_errors
            for rank, code in enumerate(ranking, start=1):
                data[_rank_name(question, code)] = str(rank)

    ratings = entry["relationships"]
    if ratings:
        asked = [q for q in questions if q.type == QuestionType.RELATIONSHIPS]
        if not asked:
            errors["relationships"] = [
                _("This questionnaire does not ask about working relationships.")
            ]
        elif rating_errors := services.relationship_errors(
            survey_round=survey_round, agency_id=entry["agency"], ratings=ratings
        ):
            errors["relationships"] = {key: [text] for key, text in rating_errors.items()}
        else:
            for agency, level in ratings.items():
                name = relationship_field_name(asked[0], int(agency))
                data[name] = DONT_KNOW if level is None else str(level)
    if errors:
        raise serializers.ValidationError(errors)
    return data


def questionnaire_errors(form: QuestionnaireForm) -> dict[str, Any]:
    """The form's errors, put back where the API entry had the value."""
    by_code = {q.code: q for q in form.questions}
    errors: dict[str, Any] = {}
    for name, messages in form.errors.items():
        texts = [str(m) for m in messages]
        if name == "__all__":
            errors.setdefault("non_field_errors", []).extend(texts)
        elif AGENCY_SEPARATOR in name:
            agency = name.split(AGENCY_SEPARATOR, 1)[1]
            errors.setdefault("relationships", {})[agency] = texts
        elif RANK_SEPARATOR in name:
            option = name.split(RANK_SEPARATOR, 1)[1]
            ranking = errors.setdefault("ranking", [])
            ranking.extend(f"{option}: {text}" for text in texts)
        elif by_code[name].type == QuestionType.TEXT:
            errors.setdefault("comments", {})[name] = texts
        else:
            errors.setdefault("answers", {})[name] = texts
    return errors


def answer_parts(
    response: Response,
) -> tuple[dict[str, Any], list[str], dict[str, str], dict[str, int | None]]:
    """A response's answers in the shape they are entered: Likert and choice answers, the
    ranking, the comments and the working-relationship ratings (by agency id)."""
    answers: dict[str, Any] = {}
    comments: dict[str, str] = {}
    ranking: list[str] = []
    relationships: dict[str, int | None] = {}
    for answer in response.answers.all():
        question = answer.question
        value = stored_answer_value(question.type, answer)
        if question.type == QuestionType.RELATIONSHIPS:
            relationships = {str(agency): level for agency, level in sorted(value.items())}
        elif question.type == QuestionType.TEXT:
            comments[question.code] = value or ""
        elif question.type == QuestionType.RANKING:
            ranking = ranking_order(value)
        else:
            answers[question.code] = value
    return answers, ranking, comments, relationships


def response_rows(survey_round: Round, responses: Iterable[Response]) -> list[dict[str, Any]]:
    """Responses in the shape they are entered. An anonymous round's rows follow the
    small-number rule as the CSV export does (surveys.anonymity): no id, the day only, no agency
    for a small group's row, the rows of a pool below k left out, sorted by their content."""
    anonymous = survey_round.is_anonymous
    labels = round_group_labels(survey_round) if anonymous else {}
    rows = []
    for response in responses:
        if anonymous and labels.get(response.agency_id) is None:
            continue
        answers, ranking, comments, relationships = answer_parts(response)
        if anonymous and labels.get(response.agency_id) == OTHER_AGENCIES:
            relationships = {}  # a pooled row's ratings: the agency it did not rate is its own
        submitted_at = response.submitted_at
        if submitted_at is None:  # only submitted responses are listed; never here
            continue
        shown_agency = labels.get(response.agency_id) if anonymous else response.agency_id
        rows.append(
            {
                "id": None if anonymous else response.pk,
                "agency": shown_agency if shown_agency != OTHER_AGENCIES else None,
                "submitted_at": None if anonymous else submitted_at,
                "submitted_on": timezone.localdate(submitted_at),
                "entered_by_officer": response.entered_by_id is not None,
                "answers": answers,
                "ranking": ranking,
                "comments": comments,
                "relationships": relationships,
            }
        )
    if anonymous:
        rows.sort(key=lambda row: json.dumps(row, sort_keys=True, default=str))
    return rows


def paper_entry_validated(
    survey_round: Round, entry: Mapping[str, Any]
) -> tuple[Agency, dict[str, Any]]:
    """A paper entry of the API checked by the same forms as the paper-entry page (400 with
    every error otherwise): its agency and its answer values as the services take them."""
    questions = list(survey_round.instrument.questions.select_related("section"))
    agency_id = entry["agency"]
    agency_form = PaperResponseAgencyForm({"agency": agency_id}, survey_round=survey_round)
    form = QuestionnaireForm(
        questionnaire_data(questions, entry, survey_round),
        questions=questions,
        enforce_required=True,
        relationship_agencies=selectors.section_relationship_agencies(
            survey_round, questions, excluding=agency_id
        ),
    )
    errors = {}
    if not agency_form.is_valid():
        errors.update(form_errors(agency_form))
    if not form.is_valid():
        errors.update(questionnaire_errors(form))
    if errors:
        raise serializers.ValidationError(errors)
    return agency_form.cleaned_data["agency"], form.answer_values()


def response_with_answers(pk: int) -> Response:
    answers = Answer.objects.select_related("question")
    return Response.objects.prefetch_related(Prefetch("answers", answers)).get(pk=pk)


class RoundStillOpen(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _(
        "This round is anonymous and still open: its answers can be read once it has closed."
    )
    default_code = "round_open"


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter(
                "agency",
                OpenApiTypes.INT,
                description=_("Agency id. Refused (400) on an anonymous round."),
            )
        ],
        description=_(
            "The submitted responses of the round. An anonymous round answers 409 until it has "
            "closed, and its rows have no id, the day only and no agency for small groups."
        ),
    ),
    post=extend_schema(
        request=ResponseEntrySerializer,
        responses={201: ResponseSerializer},
        description=_(
            "Enter a complete paper questionnaire for an agency. It is validated as the "
            "officer's paper-entry page validates it, stored as entered by an officer and "
            "submitted at once, which triggers scoring."
        ),
    ),
)
class RoundResponses(ServiceErrors, generics.ListAPIView):
    """The submitted responses of a round (officers only), and paper entries."""

    serializer_class = ResponseSerializer
    permission_classes = [IsAuthenticated, OfficersOnly]
    request: SignedInApiRequest

    def _round(self) -> Round:
        return selectors.round_for_user(self.request.user, self.kwargs["pk"])

    def get_queryset(self) -> QuerySet[Response]:
        if building_schema(self):
            return Response.objects.none()
        qs = Response.objects.filter(round=self._round(), submitted_at__isnull=False)
        agency = self.request.query_params.get("agency", "")
        if agency.isdigit():
            qs = qs.filter(agency_id=int(agency))
        answers = Answer.objects.select_related("question")
        return qs.prefetch_related(Prefetch("answers", answers)).order_by("submitted_at", "id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> APIResponse:
        survey_round = self._round()
        if survey_round.is_anonymous:
            if "agency" in request.query_params:
                # The filter itself would be the disclosure: one agency's rows, however few.
                raise serializers.ValidationError(
                    {"agency": [_("An anonymous round's responses cannot be read by agency.")]}
                )
            if not survey_round.is_closed():
                raise RoundStillOpen
            # Every row, sorted by content before paging: the order says nothing of who or when.
            rows = response_rows(survey_round, self.get_queryset())
            # DRF's paginator pages any sequence; the stubs ask for a QuerySet.
            page_rows: list[dict[str, Any]] | None = self.paginate_queryset(rows)  # type: ignore[arg-type]
            return self.get_paginated_response(self.get_serializer(page_rows, many=True).data)
        page = self.paginate_queryset(self.get_queryset())
        rows = response_rows(survey_round, page or [])  # None only without a paginator
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> APIResponse:
        survey_round = self._round()
        entry = ResponseEntrySerializer(data=request.data)
        entry.is_valid(raise_exception=True)
        agency, values = paper_entry_validated(survey_round, entry.validated_data)
        response = services.response_enter_on_paper(
            actor=self.request.user, survey_round=survey_round, agency=agency, values=values
        )
        row = response_rows(survey_round, [response_with_answers(response.pk)])[0]
        return APIResponse(ResponseSerializer(row).data, status=status.HTTP_201_CREATED)
