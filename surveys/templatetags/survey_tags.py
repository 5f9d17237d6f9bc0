"""Template helpers for rendering questions and answers (presentation only, no logic)."""

from __future__ import annotations

from django import forms, template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from surveys.answers import DONT_KNOW, ranking_order, stored_answer_value
from surveys.forms import LIKERT_CHOICES, relationship_choices
from surveys.models import Answer, Question, QuestionType, Round

register = template.Library()

LIKERT_LABELS = dict(LIKERT_CHOICES)


QUESTION_TEMPLATE = "surveys/partials/question.html"
PRISTINE_BLOCKS = "_pristine_blocks"  # on a question instance: its unanswered markup by language


@register.simple_tag
def question_block(form, question: Question) -> SafeString:
    """One question of a QuestionnaireForm, rendered with surveys/partials/question.html.

    A question nobody has answered yet, on a page not posted, looks the same for everyone in
    one language, and that is how every page of a questionnaire is first seen: its markup is
    kept on the question instance (those of the journey are shared per process, see
    surveys.structure) instead of being rendered again on every request.
    """
    context = {"form": form, "question": question}
    if question.type == QuestionType.RANKING:
        context["rank_fields"] = form.rank_fields(question)
    elif question.type == QuestionType.RELATIONSHIPS:
        context["relationship_fields"] = form.relationship_fields(question)
        context["levels"] = relationship_choices(question)
    else:
        context["field"] = form[question.code]
    pristine = not form.is_bound and _unanswered(question, context)
    if pristine:
        blocks = question.__dict__.setdefault(PRISTINE_BLOCKS, {})
        language = translation.get_language()
        if language in blocks:
            return blocks[language]
    html = render_to_string(QUESTION_TEMPLATE, context)  # already safe: the template escaped it
    if pristine:
        blocks[language] = html
    return html


def _unanswered(question: Question, context: dict) -> bool:
    """No value shown on any of the question's fields; never for working relationships, whose
    rows are the round's agencies."""
    if question.type == QuestionType.RELATIONSHIPS:
        return False
    fields = context["rank_fields"] if question.type == QuestionType.RANKING else [context["field"]]
    return all(field.value() in (None, "") for field in fields)


RADIO = (
    '<div class="{}">\n<input class="form-check-input" type="radio" name="{}" id="{}" value="{}"{}>'
    '\n<label class="{}" for="{}">{}</label>\n</div>\n'
)


@register.simple_tag
def radio_options(
    field: forms.BoundField, option_class: str, label_class: str, numbered: bool = False
) -> SafeString:
    """A choice field's radio buttons, one ``<div class=option_class>`` each, the saved or
    posted one checked; ``numbered`` puts each level's number before its label (not before
    "don't know"). Built here rather than in a template loop, which cost most of a question
    page's time; ids are the ones Django's RadioSelect gives (``<auto_id>_<index>``)."""
    value = field.value()
    current = "" if value is None else str(value)
    name, auto_id = field.html_name, field.auto_id
    return format_html_join(
        "",
        RADIO,
        (
            (
                option_class,
                name,
                f"{auto_id}_{index}",
                choice,
                " checked" if str(choice) == current else "",
                label_class,
                f"{auto_id}_{index}",
                format_html("{} {}", choice, label) if numbered and choice != DONT_KNOW else label,
            )
            for index, (choice, label) in enumerate(field.field.choices)  # type: ignore[attr-defined]
        ),
    )


@register.simple_tag
def answer_display(question: Question, answer: Answer | None) -> str:
    value = stored_answer_value(question.type, answer)
    if value is None:
        return _("Not answered")
    if question.type == QuestionType.LIKERT:
        return str(LIKERT_LABELS[str(value)])
    labels = {o["code"]: o["label"] for o in question.local_options}
    if question.type == QuestionType.CHOICE:
        return labels.get(value, value)
    if question.type == QuestionType.TEXT:
        return value
    if question.type == QuestionType.RELATIONSHIPS:
        return _("%(n)s agencies rated") % {"n": len(value)}
    return "; ".join(f"{value[code]}. {labels.get(code, code)}" for code in ranking_order(value))


@register.simple_tag
def relationship_answers(
    question: Question, answer: Answer | None, names: dict[int, str]
) -> list[tuple[str, str]]:
    """(agency name, the level in words) for each agency rated, by name, for check-your-answers;
    ``names``: the round's agencies (surveys.selectors.round_agency_names)."""
    value = stored_answer_value(question.type, answer) or {}
    labels = {str(o["code"]): f"{o['code']} {o['label']}" for o in question.local_options}
    rows = [
        (names.get(agency, str(agency)), _("Don't know") if level is None else labels[str(level)])
        for agency, level in value.items()
    ]
    return sorted(rows)


@register.simple_tag
def round_state(survey_round: Round) -> str:
    """A round's state in words, wherever it appears: Not yet open, Open, Closed (on a date)."""
    closed_on = survey_round.closed_on()
    if closed_on is not None:
        return _("Closed (on %(date)s)") % {"date": date_format(closed_on, "j F Y")}
    if survey_round.is_open():
        return _("Open")
    return _("Not yet open")
