"""API shapes for surveys. Input is checked for shape here and validated by the surveys forms,
so the API accepts exactly what the officer pages accept."""

from __future__ import annotations

from typing import Any, cast

from django.db import DatabaseError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.languages import ENGLISH, current
from partnerships.models import Project
from partnerships.serializers import ContactDataForOfficers

from .models import (
    INVITATION_MESSAGE_MAX,
    Instrument,
    Invitation,
    Question,
    QuestionType,
    ReportingMode,
    Round,
)
from .selectors import instruments_all, invitation_status


# --- Instruments (read only) -----------------------------------------------------------------
class OptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    # The option's label. The stubs see Field.label (every serializer is a Field); DRF's
    # metaclass takes declared fields out of the class, so the two never meet.
    label = serializers.CharField()  # type: ignore[assignment]
    participant_defined = serializers.BooleanField()


class QuestionSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.code", read_only=True)
    text = serializers.CharField(
        source="local_text", read_only=True, help_text=_("In the request's language.")
    )
    help = serializers.CharField(
        source="local_help", read_only=True, help_text=_("In the request's language.")
    )
    options = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = [
            "code",
            "section",
            "position",
            "type",
            "dimension",
            "reverse",
            "required",
            "text",
            "help",
            "max_length",
            "options",
        ]

    @extend_schema_field(OptionSerializer(many=True))
    def get_options(self, question: Question) -> list[dict[str, Any]]:
        # Choice options carry no participant_defined flag in the definition: it is false.
        return [
            {
                "code": o["code"],
                "label": o.get("label", ""),
                "participant_defined": bool(o.get("participant_defined", False)),
            }
            for o in question.local_options
        ]


class InstrumentSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)
    weights = serializers.DictField(child=serializers.FloatField(), read_only=True)
    language = serializers.SerializerMethodField()
    title = serializers.CharField(
        source="local_title", read_only=True, help_text=_("In the request's language.")
    )
    description = serializers.CharField(
        source="local_description", read_only=True, help_text=_("In the request's language.")
    )

    class Meta:
        model = Instrument
        fields = [
            "id",
            "code",
            "version",
            "language",
            "title",
            "description",
            "weights",
            "questions",
        ]

    @extend_schema_field(serializers.CharField(help_text=_("The language of the texts.")))
    def get_language(self, instrument: Instrument) -> str:
        """The texts' language: the request's, unless this version has no Welsh."""
        return current() if instrument.is_bilingual else ENGLISH


# --- Rounds ----------------------------------------------------------------------------------
class RoundSerializer(serializers.ModelSerializer):
    """A round as read, and the fields an officer sends to open one."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())
    instrument = serializers.PrimaryKeyRelatedField(queryset=Instrument.objects.all())
    introduction = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text=_("Leave empty to use the questionnaire's default text."),
    )
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Round
        fields = [
            "id",
            "project",
            "instrument",
            "title",
            "opens_on",
            "closes_on",
            "reporting_mode",
            "min_group_size",
            "introduction",
            "invitation_message",
            "introduction_cy",
            "closed_at",
            "is_open",
            "version",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "invitation_message",
            "closed_at",
            "is_open",
            "version",
            "created_at",
        ]
        extra_kwargs = {
            # The round's form has no default for it: the officer says which it is.
            "reporting_mode": {"required": True},
            "closes_on": {"help_text": _("On or after the opening date.")},
        }

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if projects is not None:
            cast(serializers.RelatedField, self.fields["project"]).queryset = projects

    def get_is_open(self, survey_round: Round) -> bool:
        return survey_round.is_open()


class RoundEditSerializer(serializers.Serializer):
    """A change to a round (PATCH): any of these fields, and the version it is based on."""

    version = serializers.IntegerField(
        min_value=1,
        help_text=_(
            "The version this edit is based on (the round's current version). An edit based on "
            "an older version is refused with 409."
        ),
    )
    title = serializers.CharField(required=False, max_length=200)
    opens_on = serializers.DateField(
        required=False, help_text=_("Once the round has opened, not after today.")
    )
    closes_on = serializers.DateField(
        required=False, help_text=_("On or after the opening date, and today or later.")
    )
    reporting_mode = serializers.ChoiceField(
        choices=ReportingMode.choices,
        required=False,
        help_text=_("Only until the round has a response."),
    )
    min_group_size = serializers.IntegerField(
        required=False,
        min_value=2,
        max_value=50,
        help_text=_("Only until the round has a response."),
    )
    introduction = serializers.CharField(required=False, max_length=5000)
    invitation_message = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=INVITATION_MESSAGE_MAX,
        help_text=_("Your message, in every invitation and reminder e-mail of the round."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A field it does not know (the project, the questionnaire) is refused, not ignored:
        # the caller must not believe it changed.
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("This cannot be changed on a round.")] for name in unknown}
            )
        return attrs


class RoundEditSchema(OpenApiSerializerExtension):
    """Keeps `version` required in the PATCH body: drf-spectacular makes every field of a
    PATCH body optional, and the API refuses an edit without it."""

    target_class = RoundEditSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["required"] = sorted({*schema.get("required", []), "version"})
        return schema


# --- Invitations -----------------------------------------------------------------------------
class InvitationSerializer(ContactDataForOfficers, serializers.ModelSerializer):
    """An invitation; its link's token is never part of the API (only its hash is stored).
    The invitee's name and e-mail are personal contact data: answered to officers only."""

    contact_fields = ("name", "email")

    # Any id is accepted here: the InvitationForm decides which agencies may be invited and
    # answers "not a valid choice" for anything else, exactly as on the page.
    agency = serializers.IntegerField(
        source="agency_id",
        min_value=1,
        help_text=_("A current member agency of the round's partnership."),
    )
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "agency",
            "agency_name",
            "name",
            "email",
            "language",
            "status",
            "created_at",
            "sent_at",
            "opened_at",
            "reminded_at",
            "revoked_at",
        ]
        read_only_fields = [
            "id",
            "agency_name",
            "status",
            "created_at",
            "sent_at",
            "opened_at",
            "reminded_at",
            "revoked_at",
        ]
        validators: list = []

    def get_status(self, invitation: Invitation) -> str:
        return invitation_status(invitation)


# --- Responses -------------------------------------------------------------------------------
ANSWER_VALUE_SCHEMA = {
    "oneOf": [
        {"type": "integer", "minimum": 1, "maximum": 5},
        {"type": "string"},
    ],
    "description": 'A Likert item: 1 to 5, or "dk" for don\'t know. A choice: its option code.',
}


@extend_schema_field(ANSWER_VALUE_SCHEMA)
class AnswerValueField(serializers.CharField):
    """1..5, "dk" or an option code. An integer is accepted as its digits; the form checks it."""


@extend_schema_field(ANSWER_VALUE_SCHEMA)
class StoredAnswerField(serializers.JSONField):
    """A stored answer as read: the Likert value as an integer, "dk", or a choice's code."""


class ResponseEntrySerializer(serializers.Serializer):
    """A complete paper questionnaire keyed in by an officer for one agency."""

    agency = serializers.IntegerField(
        min_value=1,
        help_text=_(
            "The agency it is from: one that is or has been a member of the round's partnership."
        ),
    )
    answers = serializers.DictField(
        child=AnswerValueField(),
        required=False,
        default=dict,
        help_text=_("Likert and choice answers keyed by question code."),
    )
    ranking = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text=_("Every option code of the ranking question, the highest priority first."),
    )
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        required=False,
        default=dict,
        help_text=_("Free-text answers keyed by question code."),
    )
    relationships = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        required=False,
        default=dict,
        help_text=_(
            "Working relationships: for other agencies that were members of the round's "
            "partnership when it opened, keyed by agency id, a level from 0 (no contact) to 5 "
            "(collaboration), or null for don't know."
        ),
    )


RELATIONSHIPS_ENTRY_SCHEMA = {
    "type": "object",
    "propertyNames": {"pattern": "^[0-9]+$"},
    "additionalProperties": {
        "oneOf": [{"type": "integer", "minimum": 0, "maximum": 5}, {"type": "null"}]
    },
}

LIKERT_ENTRY_SCHEMA = {
    "oneOf": [
        {"type": "integer", "minimum": 1, "maximum": 5},
        {"type": "string", "enum": ["1", "2", "3", "4", "5", "dk"]},
    ],
    "description": _('1 (strongly disagree) to 5 (strongly agree), or "dk" for don\'t know.'),
}
TEXT_MAX_LENGTH = 2000  # a free-text question without its own limit (QuestionnaireForm's)


def questionnaire_entry_schema(base: dict[str, Any], instrument: Instrument) -> dict[str, Any]:
    """The entry's schema for rounds using this questionnaire: its question codes, the values
    each takes, what it requires and the ranking's options, as QuestionnaireForm checks them."""
    questions = list(instrument.questions.all())
    answers: dict[str, Any] = {}
    comments: dict[str, Any] = {}
    rankings = []
    asks_relationships = False
    for question in questions:
        if question.type == QuestionType.RELATIONSHIPS:
            asks_relationships = True
        elif question.type == QuestionType.LIKERT:
            answers[question.code] = {**LIKERT_ENTRY_SCHEMA}
        elif question.type == QuestionType.CHOICE:
            codes = [option["code"] for option in question.options]
            answers[question.code] = {"type": "string", "enum": codes}
        elif question.type == QuestionType.TEXT:
            limit = question.max_length or TEXT_MAX_LENGTH
            comments[question.code] = {"type": "string", "maxLength": limit}
            if question.required:
                comments[question.code]["minLength"] = 1
        elif question.type == QuestionType.RANKING:
            rankings.append(question)
    needed_answers = [q.code for q in questions if q.required and q.code in answers]
    needed_comments = [q.code for q in questions if q.required and q.code in comments]
    properties = dict(base["properties"])
    properties["answers"] = {
        **properties["answers"],
        "properties": answers,
        "additionalProperties": False,
        **({"required": needed_answers} if needed_answers else {}),
    }
    properties["comments"] = {
        **properties["comments"],
        "properties": comments,
        "additionalProperties": False,
        **({"required": needed_comments} if needed_comments else {}),
    }
    nothing: dict[str, Any] = {"type": "array", "maxItems": 0}
    if not rankings:
        ranking = {**nothing, "description": _("This questionnaire has no ranking question.")}
    else:
        # The API takes the first ranking question; it is ranked all or not at all.
        codes = [option["code"] for option in rankings[0].options]
        every = {
            "type": "array",
            "items": {"type": "string", "enum": codes},
            "minItems": len(codes),
            "maxItems": len(codes),
            "uniqueItems": True,
        }
        ranking = every if rankings[0].required else {"anyOf": [nothing, every]}
        ranking["description"] = properties["ranking"]["description"]
    properties["ranking"] = ranking
    properties["relationships"] = (
        {**properties["relationships"], **RELATIONSHIPS_ENTRY_SCHEMA}
        if asks_relationships
        else {
            "type": "object",
            "maxProperties": 0,
            "description": _("This questionnaire does not ask about working relationships."),
        }
    )
    # The entry's own required fields (the agency; a correction's version), then the answers'.
    required = [n for n in base.get("required", []) if n not in ("answers", "comments", "ranking")]
    required += ["answers"] * bool(needed_answers) + ["comments"] * bool(needed_comments)
    required += ["ranking"] * bool(rankings and rankings[0].required)
    return {
        **base,
        "title": instrument.label,
        "description": _(
            "%(description)s This is the entry for a round that uses questionnaire %(label)s "
            "(GET /api/v1/instruments/%(id)s/ lists its questions)."
        )
        % {
            "description": base.get("description", ""),
            "label": instrument.label,
            "id": instrument.pk,
        },
        "properties": properties,
        "required": required,
    }


class ResponseEntrySchema(OpenApiSerializerExtension):
    """The questionnaires the database holds decide what an entry may hold: their question
    codes, values and required questions go into the schema (one alternative each)."""

    target_class = ResponseEntrySerializer

    def map_serializer(self, auto_schema, direction):
        base = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        questions = Question.objects.order_by("position")
        try:
            instruments = list(instruments_all().prefetch_related(Prefetch("questions", questions)))
        except DatabaseError:  # no database yet (a schema built on a fresh checkout)
            return base
        alternatives = [questionnaire_entry_schema(base, i) for i in instruments]
        if len(alternatives) == 1:
            return alternatives[0]
        if not alternatives:
            return base
        return {
            "anyOf": alternatives,
            "description": _(
                "%(description)s Its answers are those of the round's questionnaire: one "
                "alternative per questionnaire."
            )
            % {"description": base.get("description", "")},
        }


class ResponseSerializer(serializers.Serializer):
    """A submitted response, in the same shape as it is entered."""

    id = serializers.IntegerField(allow_null=True, help_text=_("Null in an anonymous round."))
    agency = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Null in an anonymous round for a row of an agency with fewer respondents than the "
            "round's k (pooled as other agencies)."
        ),
    )
    submitted_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Null in an anonymous round, which gives the day only.")
    )
    submitted_on = serializers.DateField()
    entered_by_officer = serializers.BooleanField()
    answers = serializers.DictField(child=StoredAnswerField())
    ranking = serializers.ListField(child=serializers.CharField())
    comments = serializers.DictField(child=serializers.CharField())
    relationships = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text=_("Agency id: level 0 to 5, or null for don't know."),
    )


VERSION_HELP = _(
    "The version of the paper entry this change is based on, as the entry's `version` gives it: "
    "a change based on an older version is refused (409)."
)


class PaperEntrySerializer(ResponseSerializer):
    """A paper questionnaire keyed in by an officer, as it can be corrected."""

    version = serializers.CharField(help_text=VERSION_HELP)


class PaperEntryListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    version = serializers.CharField(help_text=VERSION_HELP)


class PaperEntryChangeSerializer(ResponseEntrySerializer):
    """The corrected paper questionnaire, complete (a question left out is cleared)."""

    version = serializers.CharField(max_length=64, help_text=VERSION_HELP)


class PaperEntryWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500,
        help_text=_("Why it is withdrawn; kept in the audit trail. No answers, no personal data."),
    )
    version = serializers.CharField(max_length=64, help_text=VERSION_HELP)


class PaperEntryChangeSchema(ResponseEntrySchema):
    """A correction is an entry with its version: the same questionnaire-specific schema."""

    target_class = PaperEntryChangeSerializer
