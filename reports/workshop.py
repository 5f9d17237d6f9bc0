"""The workshop pack: a PDF per round for a facilitator's two-hour session with the partners,
built by a task with progress (reports.exports.export_build) from the dashboard's own parts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import get_language

from partnerships.models import User
from surveys.anonymity import round_group_labels
from surveys.models import Answer, Question, QuestionType, Round

from . import action_plans, dashboards, presenters

# The parts of the pack, in reading order; the export's progress counts them.
PARTS = (
    "agenda",
    "standing",
    "discussion",
    "network",  # a questionnaire without the relationships section has no page for it
    "outcomes",
    "comments",
    "guidance",
    "planning",
)
PLANNING_ROWS = 3  # the weakest components pre-filled on the action-planning sheet
TEMPLATE = "reports/pdf/workshop/{part}.html"


def round_comments(survey_round: Round) -> list[dict[str, Any]]:
    """Each free-text question with its answers, under the anonymity rules: no name, no agency,
    no time, sorted by their text; in an anonymous round only once it has closed, and only
    from the groups that count (surveys.anonymity)."""
    questions = list(
        Question.objects.filter(instrument_id=survey_round.instrument_id, type=QuestionType.TEXT)
        .order_by("position")
        .only("pk", "text")
    )
    if survey_round.is_anonymous and not survey_round.is_closed():
        return [{"question": q.text, "comments": [], "withheld": True} for q in questions]
    labels = round_group_labels(survey_round)
    counted = {agency for agency, label in labels.items() if label is not None}
    answers = Answer.objects.filter(
        response__round=survey_round,
        response__submitted_at__isnull=False,
        response__agency_id__in=counted,
        question__in=questions,
    ).exclude(text="")
    by_question: dict[int, list[str]] = {}
    for question_id, text in answers.values_list("question_id", "text"):
        if text.strip():
            by_question.setdefault(question_id, []).append(text.strip())
    return [
        {"question": q.text, "comments": sorted(by_question.get(q.pk, [])), "withheld": False}
        for q in questions
    ]


def workshop_context(user: User, survey_round: Round) -> dict[str, Any]:
    dashboard = dashboards.project_dashboard(user, survey_round.project_id, survey_round.pk)
    context = presenters.sections_context(dashboard)
    weakest = sorted(
        (value, code, label) for code, label, value in dashboard.components if value is not None
    )[:PLANNING_ROWS]
    return {
        **context,
        "pdf": True,
        "actions": action_plans.actions_block(dashboard),
        "comments": round_comments(survey_round),
        "planning_rows": [(label, value) for value, _code, label in weakest],
        "language": get_language() or "en-gb",
    }


def workshop_pack_html(*, user: User, survey_round: Round, on_part: Callable[[int], object]) -> str:
    """The whole document: each part rendered in turn (progress after each), then the frame
    that gives the PDF its title, language and reading order."""
    context = workshop_context(user, survey_round)
    parts = []
    for number, part in enumerate(PARTS, start=1):
        parts.append(render_to_string(TEMPLATE.format(part=part), context))
        on_part(number)
    return render_to_string("reports/pdf/workshop_pack.html", {**context, "parts": parts})
