"""python -m tests.perf.bench_submissions (and the fault scenarios): the round it builds has one
invitation per submission, every answer saved page by page and nothing submitted yet."""

from __future__ import annotations

from surveys.models import Answer, Invitation, QuestionType, Response
from tests.perf.data import saved_round_create


def test_every_invitation_has_its_answers_saved_and_nothing_is_submitted(db):
    survey_round, tokens = saved_round_create(7, n_agencies=3)

    invitations = Invitation.objects.filter(round=survey_round)
    assert invitations.count() == len(set(tokens)) == 7
    assert invitations.values("agency").distinct().count() == 3
    assert survey_round.project.partnership.memberships.count() == 3
    responses = Response.objects.filter(round=survey_round)
    assert responses.count() == 7 and not responses.filter(submitted_at__isnull=False).exists()
    sections = survey_round.instrument.sections.count()
    assert set(responses.values_list("last_section", flat=True)) == {sections}
    answers = Answer.objects.filter(response__round=survey_round)
    likert = survey_round.instrument.questions.filter(type=QuestionType.LIKERT).count()
    assert answers.filter(question__type=QuestionType.LIKERT).count() == 7 * likert
    assert answers.filter(question__type=QuestionType.RANKING).count() == 7
    assert set(answers.exclude(value=None).values_list("value", flat=True)) <= {1, 2, 3, 4, 5}
