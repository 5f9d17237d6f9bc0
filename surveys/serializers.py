"""API shapes for surveys. Input is checked for shape here and validated by the surveys forms,
so the API accepts exactly what the officer pages accept."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partnerships.models import Project

from .models import Instrument, Invitation, Question, Round
from .selectors import invitation_status


# --- Instruments (read only) -----------------------------------------------------------------
class OptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    participant_defined = serializers.BooleanField()


class QuestionSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.code", read_only=True)
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
            for o in question.options
        ]


class InstrumentSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)
    weights = serializers.DictField(child=serializers.FloatField(), read_only=True)

    class Meta:
        model = Instrument
        fields = ["id", "code", "version", "title", "description", "weights", "questions"]


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
            "closed_at",
            "is_open",
            "created_at",
        ]
        read_only_fields = ["id", "closed_at", "is_open", "created_at"]

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if projects is not None:
            self.fields["project"].queryset = projects

    def get_is_open(self, survey_round: Round) -> bool:
        return survey_round.is_open()


# --- Invitations -----------------------------------------------------------------------------
class InvitationSerializer(serializers.ModelSerializer):
    """An invitation; its link's token is never part of the API (only its hash is stored)."""

    # Any id is accepted here: the InvitationForm decides which agencies may be invited and
    # answers "not a valid choice" for anything else, exactly as on the page.
    agency = serializers.IntegerField(source="agency_id", min_value=1)
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

    agency = serializers.IntegerField(min_value=1, help_text=_("The agency it is from."))
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
