"""The one codec between an answer as people give it and as it is stored.

An answer is given (on a page, in the API, on paper) and read back as one *value*:

* a Likert item: an integer 1..5, or ``DONT_KNOW`` ("dk");
* a choice: its option code;
* a free-text question: the text;
* the ranking: ``{option code: rank}``;
* working relationships: ``{agency id: level 0..5, or None for don't know}`` (an agency left
  unrated is not a key).

It is stored in the ``Answer`` columns ``value``, ``dont_know``, ``choice``, ``text``,
``ranking`` and ``relationships`` (whose JSON keys are the agency ids as strings). Every
reader and writer goes through ``answer_columns`` and ``answer_value``.
"""

from __future__ import annotations

from typing import Any

from .models import QuestionType

DONT_KNOW = "dk"
ANSWER_FIELDS = ["value", "dont_know", "choice", "text", "ranking", "relationships"]


def answer_columns(question_type: str, value: Any) -> dict[str, Any]:
    """The Answer columns for a value (validated by the form). All empty: no answer."""
    columns: dict[str, Any] = {
        "value": None,
        "dont_know": False,
        "choice": "",
        "text": "",
        "ranking": None,
        "relationships": None,
    }
    if question_type == QuestionType.LIKERT:
        if value == DONT_KNOW:
            columns["dont_know"] = True
        elif value not in (None, ""):
            columns["value"] = int(value)
    elif question_type == QuestionType.CHOICE:
        columns["choice"] = value or ""
    elif question_type == QuestionType.TEXT:
        columns["text"] = value or ""
    elif question_type == QuestionType.RANKING:
        columns["ranking"] = value or None
    elif question_type == QuestionType.RELATIONSHIPS and value:
        columns["relationships"] = {str(agency): level for agency, level in value.items()}
    return columns


def is_unanswered(columns: dict[str, Any]) -> bool:
    """No answer at all: such an answer is not stored (a cleared answer is deleted)."""
    return (
        columns["value"] is None
        and not columns["dont_know"]
        and not columns["choice"]
        and not columns["text"]
        and not columns["ranking"]
        and not columns["relationships"]
    )


def answer_value(
    question_type: str,
    *,
    value: int | None = None,
    dont_know: bool = False,
    choice: str = "",
    text: str = "",
    ranking: dict[str, int] | None = None,
    relationships: dict[str, int | None] | None = None,
) -> Any:
    """The value of stored columns (None: not answered)."""
    if question_type == QuestionType.LIKERT:
        return DONT_KNOW if dont_know else value
    if question_type == QuestionType.CHOICE:
        return choice or None
    if question_type == QuestionType.TEXT:
        return text or None
    if question_type == QuestionType.RELATIONSHIPS:
        return {int(agency): level for agency, level in (relationships or {}).items()} or None
    return ranking or None


def stored_answer_value(question_type: str, answer: Any) -> Any:
    """The value of an Answer row (None for no row)."""
    if answer is None:
        return None
    return answer_value(
        question_type,
        value=answer.value,
        dont_know=answer.dont_know,
        choice=answer.choice,
        text=answer.text,
        ranking=answer.ranking,
        relationships=answer.relationships,
    )


def ranking_order(ranking: dict[str, int] | None) -> list[str]:
    """A ranking's option codes, the highest priority first."""
    return sorted(ranking or {}, key=lambda code: (ranking or {})[code])
