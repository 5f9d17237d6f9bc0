"""Template helpers for rendering questions and answers (presentation only, no logic)."""

from __future__ import annotations

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from surveys.answers import ranking_order, stored_answer_value
from surveys.forms import LIKERT_CHOICES, relationship_choices
from surveys.models import Answer, Question, QuestionType, Round

register = template.Library()

LIKERT_LABELS = dict(LIKERT_CHOICES)


@register.inclusion_tag("surveys/partials/question.html")
def question_block(form, question: Question) -> dict:
    context = {"form": form, "question": question}
    if question.type == QuestionType.RANKING:
        context["rank_fields"] = form.rank_fields(question)
    elif question.type == QuestionType.RELATIONSHIPS:
        context["relationship_fields"] = form.relationship_fields(question)
        context["levels"] = relationship_choices(question)
    else:
        context["field"] = form[question.code]
    return context


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
