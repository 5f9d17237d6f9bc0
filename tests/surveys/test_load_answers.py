"""The load test's answers: pages the real form accepts, and a check that reads them back.

The load run itself (`make load`) is not part of the suite; these hold its two pure helpers to
what the app does, so a load run that passes means what it says.
"""

from __future__ import annotations

import random

from surveys import services
from surveys.forms import QuestionnaireForm
from surveys.load import expected_answers, section_payload, stored_answer
from surveys.models import Answer


def _pages(survey_round):
    return [
        list(section.questions.order_by("position"))
        for section in survey_round.instrument.sections.order_by("position")
    ]


def test_every_generated_page_is_accepted_by_the_questionnaire_form(survey):
    rng = random.Random(1)
    for mood in (1.0, 2.5, 4.8):
        for questions in _pages(survey.round):
            payload = section_payload(questions, rng, mood=mood)
            form = QuestionnaireForm(payload, questions=questions, enforce_required=True)
            assert form.is_valid(), form.errors


def test_a_generated_ranking_uses_every_rank_once(survey):
    ranking = next(q for qs in _pages(survey.round) for q in qs if q.type == "ranking")
    payload = section_payload([ranking], random.Random(2), mood=3.0)
    assert sorted(int(v) for v in payload.values()) == list(range(1, len(ranking.options) + 1))


def test_the_same_seed_gives_the_same_answers(survey):
    pages = _pages(survey.round)
    first = [section_payload(qs, random.Random(5), mood=3.0) for qs in pages]
    again = [section_payload(qs, random.Random(5), mood=3.0) for qs in pages]
    assert first == again


def test_saved_pages_read_back_as_the_answers_expected(survey):
    # The load run's "stored exactly as posted" check compares these two shapes: saving real
    # pages through the service must make them equal, blanks and "don't know" included.
    response = services.response_start(invitation=survey.invitation)
    rng = random.Random(3)
    expected, untouched = {}, set()
    for number, questions in enumerate(_pages(survey.round), start=1):
        payload = section_payload(questions, rng, mood=3.0)
        if questions[0].type != "ranking":
            payload[questions[0].code] = ""  # one field left untouched on the page
            untouched.add(questions[0].code)
        form = QuestionnaireForm(payload, questions=questions)
        assert form.is_valid(), form.errors
        services.response_save_section(
            response=response,
            section_position=number,
            questions=questions,
            values=form.answer_values(),
        )
        expected.update(expected_answers(questions, payload))
    stored = {
        a.question.code: stored_answer(a)
        for a in Answer.objects.filter(response=response).select_related("question")
    }
    assert stored == expected
    assert untouched.isdisjoint(stored)
    assert len(stored) > 30  # nearly every question answered, as in the load run
