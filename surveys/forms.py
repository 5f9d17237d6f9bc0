"""Forms for surveys. The questionnaire form is built from the instrument's questions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.csv_import import csv_upload_clean
from core.languages import LANGUAGE_CHOICES, NATIVE_NAMES, welsh_offered
from partnerships.models import Agency

from .answers import DONT_KNOW, stored_answer_value
from .models import (
    DEFAULT_MIN_GROUP_SIZE,
    INVITATION_MESSAGE_MAX,
    Answer,
    Instrument,
    Question,
    QuestionType,
    ReportingMode,
    Round,
)
from .round_edit import round_date_errors

LIKERT_CHOICES = [
    ("1", _("Strongly disagree")),
    ("2", _("Disagree")),
    ("3", _("Neither agree nor disagree")),
    ("4", _("Agree")),
    ("5", _("Strongly agree")),
    (DONT_KNOW, _("Don't know")),
]
RANK_SEPARATOR = "__rank__"
AGENCY_SEPARATOR = "__agency__"


def relationship_field_name(question: Question, agency_id: int) -> str:
    return f"{question.code}{AGENCY_SEPARATOR}{agency_id}"


class PairChoices(BaseChoiceIterator):
    """Choices that are already (value, label) pairs, Django's normalized form: a field given
    them keeps them as they are. Normalizing plain lists again, three times for each field, was
    half the cost of building a questionnaire page's form, on every page posted."""

    def __init__(self, pairs: Iterable[tuple[str, Any]]):
        self.pairs = tuple(pairs)

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


LIKERT_FIELD_CHOICES = PairChoices(LIKERT_CHOICES)


def relationship_choices(question: Question) -> list[tuple[str, Any]]:
    """The levels as the questionnaire describes them (0 to 5), then don't know."""
    levels = [(str(o["code"]), o["label"]) for o in question.local_options]
    return levels + [(DONT_KNOW, _("Don't know"))]


def _helper(label: str | Promise) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.add_input(Submit("submit", label))
    return helper


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):
        # A date input takes its value as YYYY-MM-DD whatever the page's language: in the
        # locale's format it would show empty when editing a round.
        super().__init__(attrs, format=format or "%Y-%m-%d")


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = [
            "title",
            "instrument",
            "opens_on",
            "closes_on",
            "reporting_mode",
            "min_group_size",
            "introduction",
            "introduction_cy",
        ]
        widgets = {
            "opens_on": DateInput,
            "closes_on": DateInput,
            "reporting_mode": forms.RadioSelect,
            "introduction": forms.Textarea(attrs={"rows": 5}),
            "introduction_cy": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instrument = cast(forms.ModelChoiceField, self.fields["instrument"])  # the model's FK
        instrument.queryset = Instrument.objects.order_by("code", "-version")
        instrument.empty_label = None
        self.fields["introduction"].help_text = _(
            "Shown to every respondent before they start. Say whether answers are attributed "
            "to agencies or anonymous. Leave empty to use the questionnaire's default text."
        )
        self.fields["introduction"].required = False
        if welsh_offered():
            self.fields["introduction_cy"].help_text = _(
                "Shown to respondents who answer in Welsh. Leave empty to use the "
                "questionnaire's Welsh default text (when you kept its English default)."
            )
        else:
            del self.fields["introduction_cy"]
        self.helper = _helper(_("Open the round"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what clean() returns, typed as never None
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The closing date must be on or after the opening date."))
        instrument = cleaned.get("instrument")
        if instrument and not cleaned.get("introduction"):
            if cleaned.get("reporting_mode") == ReportingMode.ANONYMOUS:
                k = cleaned.get("min_group_size") or DEFAULT_MIN_GROUP_SIZE
                cleaned["introduction"] = instrument.intro_anonymous.replace("{k}", str(k))
            else:
                cleaned["introduction"] = instrument.intro_attributed
        return cleaned


class RoundEditForm(forms.ModelForm):
    """What may still change of a round. Fields that are fixed by now are shown disabled, with
    the reason. The rule and the date checks are surveys.round_edit's, under the round's lock:
    their errors come back onto the fields."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Round
        fields = [
            "title",
            "opens_on",
            "closes_on",
            "reporting_mode",
            "min_group_size",
            "introduction",
        ]
        widgets = RoundForm.Meta.widgets

    def __init__(self, *args, locked: Mapping[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["closes_on"].help_text = _(
            "Move it later to give people more time, or earlier (today at the soonest)."
        )
        for name, reason in locked.items():
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = reason
        self.helper = _helper(_("Save changes"))

    def clean(self) -> dict[str, Any]:
        # Checked here too, before the model's own date constraint would answer for the
        # whole form: the same rule, so the error is on the date that is wrong.
        super().clean()
        cleaned = self.cleaned_data
        changes = {
            name: cleaned[name]
            for name in ("opens_on", "closes_on")
            if name in cleaned and cleaned[name] != getattr(self.instance, name)
        }
        if "opens_on" in cleaned and "closes_on" in cleaned:
            for name, message in round_date_errors(self.instance, changes).items():
                self.add_error(name, message)
        return cleaned


class InvitationMessageForm(forms.Form):
    invitation_message = forms.CharField(
        label=_("Your message to the people you invite (optional)"),
        help_text=_(
            "Shown in every invitation and reminder of this round, as plain text, at most "
            "%(n)s characters."
        )
        % {"n": INVITATION_MESSAGE_MAX},
        max_length=INVITATION_MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, survey_round: Round, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "invitation_message": survey_round.invitation_message,
                "version": survey_round.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save the message and preview again"))


class InvitationImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("A .csv file with a header row (name, email, agency), at most 200 kB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Check the file"))

    def clean_file(self):
        return csv_upload_clean(self.cleaned_data["file"])


class InvitationForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(
        label=_("Language of their e-mails"),
        choices=[("", _("Not known: Welsh and English together")), *LANGUAGE_CHOICES],
        required=False,
    )

    def __init__(self, *args, survey_round: Round, **kwargs):
        super().__init__(*args, **kwargs)
        if not welsh_offered():
            del self.fields["language"]
        partnership = survey_round.project.partnership
        agency = cast(forms.ModelChoiceField, self.fields["agency"])
        agency.queryset = Agency.objects.filter(
            authority_id=partnership.authority_id,
            memberships__partnership=partnership,
            memberships__left_on__isnull=True,
        ).order_by("name")
        agency.empty_label = _("Choose an agency")
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.helper = _helper(_("Add invitee"))


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_("I have read this and I agree to take part"),
        error_messages={"required": _("Tick the box to say you agree to take part")},
    )
    language = forms.ChoiceField(
        label=_("Which language do you want to answer in?"),
        choices=[],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, languages: list[str], current: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["language"])
        # Each language named in itself, as the language switch shows it.
        field.choices = [(code, NATIVE_NAMES[code]) for code in languages]
        field.initial = current
        if len(languages) < 2:
            del self.fields["language"]

    def chosen_language(self, default: str) -> str:
        return self.cleaned_data.get("language") or default


def _rank_field_name(question: Question, option_code: str) -> str:
    return f"{question.code}{RANK_SEPARATOR}{option_code}"


class QuestionnaireForm(forms.Form):
    """The fields for some questions of an instrument: one page, or all of them on paper."""

    def __init__(
        self,
        *args,
        questions: Iterable[Question],
        answers: Mapping[int, Answer] | None = None,
        enforce_required: bool = False,
        relationship_agencies: Sequence[Agency] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.enforce_required = enforce_required
        # The agencies a working-relationships question asks about (surveys.selectors).
        self.relationship_agencies = list(relationship_agencies)
        answers = answers or {}
        for question in self.questions:
            self._add_fields(question, answers.get(question.pk))

    def _add_fields(self, question: Question, answer: Answer | None) -> None:
        required = self.enforce_required and question.required
        saved = stored_answer_value(question.type, answer)
        if question.type == QuestionType.LIKERT:
            field = forms.ChoiceField(
                label=question.local_text,
                help_text=question.local_help,
                choices=LIKERT_FIELD_CHOICES,
                required=required,
                widget=forms.RadioSelect,
            )
            if saved is not None:
                field.initial = str(saved)
            self.fields[question.code] = field
        elif question.type == QuestionType.CHOICE:
            field = forms.ChoiceField(
                label=question.local_text,
                help_text=question.local_help,
                choices=PairChoices((o["code"], o["label"]) for o in question.local_options),
                required=required,
                widget=forms.RadioSelect,
            )
            if saved is not None:
                field.initial = saved
            self.fields[question.code] = field
        elif question.type == QuestionType.TEXT:
            limit = question.max_length or 2000
            text = forms.CharField(
                label=question.local_text,
                help_text=question.local_help,
                required=required,
                max_length=limit,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={
                    "max_length": _(
                        "Your answer must be %(limit_value)d characters or fewer "
                        "(it has %(show_value)d)."
                    )
                },
            )
            text.strip = True
            if saved is not None:
                text.initial = saved
            self.fields[question.code] = text
        elif question.type == QuestionType.RANKING:
            n = len(question.options)
            choices = PairChoices([("", _("Choose"))] + [(str(i), str(i)) for i in range(1, n + 1)])
            ranks = saved or {}
            for option in question.local_options:
                field = forms.TypedChoiceField(
                    label=option["label"],
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
                if option["code"] in ranks:
                    field.initial = str(ranks[option["code"]])
                self.fields[_rank_field_name(question, option["code"])] = field
        elif question.type == QuestionType.RELATIONSHIPS:
            levels = saved or {}
            levels_choices = PairChoices(relationship_choices(question))
            for agency in self.relationship_agencies:
                field = forms.ChoiceField(
                    label=agency.name,
                    choices=levels_choices,
                    required=False,
                    widget=forms.RadioSelect,
                )
                if agency.pk in levels:
                    level = levels[agency.pk]
                    field.initial = DONT_KNOW if level is None else str(level)
                self.fields[relationship_field_name(question, agency.pk)] = field

    def relationship_fields(self, question: Question) -> list[tuple[Agency, forms.BoundField]]:
        return [
            (agency, self[relationship_field_name(question, agency.pk)])
            for agency in self.relationship_agencies
        ]

    def rank_fields(self, question: Question) -> list[forms.BoundField]:
        return [self[_rank_field_name(question, o["code"])] for o in question.options]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what clean() returns, typed as never None
        for question in self.questions:
            if question.type == QuestionType.RANKING:
                self._clean_ranking(question, cleaned)
            elif question.type == QuestionType.RELATIONSHIPS:
                self._clean_relationships(question, cleaned)
        return cleaned

    def _clean_relationships(self, question: Question, cleaned: dict[str, Any]) -> None:
        """{agency id: level or None for don't know}; an agency left blank is not rated."""
        levels: dict[int, int | None] = {}
        for agency in self.relationship_agencies:
            value: str = cleaned.get(relationship_field_name(question, agency.pk)) or ""
            if value == DONT_KNOW:
                levels[agency.pk] = None
            elif value:
                levels[agency.pk] = int(value)
        cleaned[question.code] = levels

    def _clean_ranking(self, question: Question, cleaned: dict[str, Any]) -> None:
        """A ranking is all or nothing: every option a different number from 1 to n."""
        names = [_rank_field_name(question, o["code"]) for o in question.options]
        if any(name in self.errors for name in names):
            return
        ranks = {o["code"]: cleaned.get(n) for o, n in zip(question.options, names, strict=True)}
        given = [r for r in ranks.values() if r is not None]
        n = len(question.options)
        if not given:
            if self.enforce_required and question.required:
                self.add_error(names[0], _("Rank every outcome from 1 to %(n)s") % {"n": n})
            cleaned[question.code] = None
            return
        if len(given) < n:
            for name, rank in zip(names, ranks.values(), strict=True):
                if rank is None:
                    self.add_error(name, _("Give this outcome a number from 1 to %(n)s") % {"n": n})
            return
        seen: dict[int, str] = {}
        for name, rank in zip(names, given, strict=True):  # every option has a rank here
            if rank in seen:
                self.add_error(
                    name,
                    _("%(rank)s is used more than once: give each outcome a different number")
                    % {"rank": rank},
                )
            seen.setdefault(rank, name)
        if sorted(given) == list(range(1, n + 1)):
            cleaned[question.code] = ranks

    def answer_values(self) -> dict[str, Any]:
        """Cleaned values keyed by question code, as the save services expect."""
        values = {}
        for question in self.questions:
            if question.code in self.cleaned_data:
                values[question.code] = self.cleaned_data[question.code]
        return values


class PaperResponseAgencyForm(forms.Form):
    agency: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(
        label=_("Agency this questionnaire is from"), queryset=None
    )

    def __init__(self, *args, survey_round: Round, **kwargs):
        super().__init__(*args, **kwargs)
        partnership = survey_round.project.partnership
        agency = cast(forms.ModelChoiceField, self.fields["agency"])
        agency.queryset = Agency.objects.filter(
            authority_id=partnership.authority_id, memberships__partnership=partnership
        ).order_by("name")
        agency.empty_label = _("Choose an agency")


class PaperEntryVersionForm(forms.Form):
    """The version of a paper entry a correction or withdrawal is based on (surveys.corrections):
    a change based on an older one is refused, never silently overwritten."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=64)


class PaperEntryWithdrawForm(PaperEntryVersionForm):
    reason = forms.CharField(
        label=_("Why is this paper questionnaire withdrawn?"),
        help_text=_(
            "Kept in the audit trail. Do not copy the answers or anyone's personal details here."
        ),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Withdraw this paper questionnaire"))
