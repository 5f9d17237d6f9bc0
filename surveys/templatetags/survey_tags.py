"""Template helpers for rendering questions and answers (presentation only, no logic)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from surveys.forms import LIKERT_CHOICES
from surveys.models import Answer, Question, QuestionType

register = template.Library()

LIKERT_LABELS = dict(LIKERT_CHOICES)


@register.inclusion_tag("surveys/partials/question.html")
def question_block(form, question: Question) -> dict:
    context = {"form": form, "question": question}
    if question.type == QuestionType.RANKING:
        context["rank_fields"] = form.rank_fields(question)
    else:
        context["field"] = form[question.code]
    return context


@register.simple_tag
def answer_display(question: Question, answer: Answer | None) -> str:
    if answer is None:
        return _("Not answered")
    if question.type == QuestionType.LIKERT:
        return str(LIKERT_LABELS["dk"] if answer.dont_know else LIKERT_LABELS[str(answer.value)])
    if question.type == QuestionType.CHOICE:
        labels = {o["code"]: o["label"] for o in question.options}
        return labels.get(answer.choice, answer.choice)
    if question.type == QuestionType.TEXT:
        return answer.text
    ranking = answer.ranking or {}
    labels = {o["code"]: o["label"] for o in question.options}
    ordered = sorted(ranking.items(), key=lambda item: item[1])
    return "; ".join(f"{rank}. {labels.get(code, code)}" for code, rank in ordered)
