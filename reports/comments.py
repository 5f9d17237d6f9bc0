"""What partners wrote: a round's free-text answers, grouped by question, as readers may see them.

An attributed round shows every comment with its agency. An anonymous round keeps its promise
(specification 1.1) the way its scores do:

- Comments are shown only once the round's results are published, and only those of the
  responses its published scorecard was computed from: a late paper questionnaire adds its
  comment when, and only when, the published results change (at least k more people), so two
  reads around one entry show the same page.
- Only the groups that count (surveys.anonymity, applied to that same set of responses) are
  read: a small group left out of the scores is left out here too.
- A question's comments are shown only when at least k people answered it.
- No agency, no date, no order of submission: each question's comments are sorted by content.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from surveys.anonymity import group_labels
from surveys.models import Answer, Question, QuestionType, Response, Round

from .models import Scorecard

# Why an anonymous round shows no comments.
NOT_PUBLISHED = "not_published"
UPDATING = "updating"
DELETED = "deleted"  # the round's responses were deleted (retention)


@dataclass
class QuestionComments:
    question: Question
    n_answered: int | None  # None when not shown: no figure about fewer than k people
    shown: bool  # False: fewer than k people answered it, in an anonymous round
    comments: list[tuple[str, str]] = field(default_factory=list)  # (agency name or "", text)


@dataclass
class RoundComments:
    round: Round
    withheld: str = ""  # NOT_PUBLISHED, UPDATING or DELETED: nothing of the round is shown
    questions: list[QuestionComments] = field(default_factory=list)


def _published_responses(survey_round: Round) -> tuple[list[tuple[int, int]], str]:
    """(response id, agency id) of the responses an anonymous round's published scorecard read,
    those of the groups that count only; or a reason why none may be read."""
    scorecard = (
        Scorecard.objects.of_round(survey_round).only("computed_at", "submissions_seen").first()
    )
    if scorecard is None:
        return [], NOT_PUBLISHED
    # A scorecard reads the answers after stamping computed_at; a response is part of it when
    # it was submitted by then. Were the counts ever to disagree (a submission committing while
    # the scorecard read), nothing is shown rather than a state that was never published.
    read = list(
        Response.objects.filter(
            round=survey_round,
            submitted_at__isnull=False,
            submitted_at__lte=scorecard.computed_at,
        ).values_list("pk", "agency_id")
    )
    if len(read) != scorecard.submissions_seen:
        return [], UPDATING
    labels = group_labels(Counter(agency for _pk, agency in read), survey_round.min_group_size)
    return [(pk, agency) for pk, agency in read if labels[agency] is not None], ""


def round_comments(survey_round: Round) -> RoundComments:
    """The round's comments as any reader of it may see them: four queries at most."""
    result = RoundComments(round=survey_round)
    if survey_round.responses_deleted_at is not None:
        result.withheld = DELETED
        return result
    anonymous = survey_round.is_anonymous
    questions = list(
        Question.objects.filter(
            instrument_id=survey_round.instrument_id, type=QuestionType.TEXT
        ).order_by("position")
    )
    answers = Answer.objects.filter(
        response__round=survey_round,
        response__submitted_at__isnull=False,
        question__in=questions,
    ).exclude(text="")
    if anonymous:
        counted, withheld = _published_responses(survey_round)
        if withheld:
            result.withheld = withheld
            return result
        answers = answers.filter(response_id__in=[pk for pk, _agency in counted])
    rows = answers.values_list("question_id", "response__agency__name", "text")
    by_question: dict[int, list[tuple[str, str]]] = {q.pk: [] for q in questions}
    for question_id, agency_name, text in rows:
        by_question[question_id].append(("" if anonymous else agency_name, text))
    k = survey_round.min_group_size
    for question in questions:
        comments = by_question[question.pk]
        shown = not anonymous or len(comments) >= k
        # By content (anonymous: nothing else); attributed: by agency, then content.
        comments.sort(key=lambda c: (c[0].casefold(), c[1].casefold(), c[1]))
        result.questions.append(
            QuestionComments(
                question=question,
                n_answered=len(comments) if shown else None,
                shown=shown,
                comments=comments if shown else [],
            )
        )
    return result
