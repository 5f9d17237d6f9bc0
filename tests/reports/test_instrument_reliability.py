"""Cronbach's alpha per dimension over every submitted respondent of a questionnaire version.

The service pools per-round sums instead of re-reading every answer; these tests hold it to
scoring.alpha_by_dimension on the same respondents read straight from the database.
"""

from __future__ import annotations

import itertools

import pytest

from reports import scoring, tasks
from reports.models import InstrumentReliability
from reports.scoring import instrument_alpha
from reports.services import (
    instrument_reliability_refresh,
    rescore,
    round_score,
    scoring_instrument,
)
from surveys.models import Response
from tests import factories
from tests.reports.test_round_score import agencies, answers_at, everywhere


def varied_answers(instrument, seed: int) -> dict[str, int]:
    # Fixed, varied answers: alpha needs spread between respondents and between items.
    values = itertools.cycle([1, 2, 2, 3, 4, 4, 5, 3, 5, 1, 4][seed % 11 :] + [2, 5])
    return {
        q.code: next(values)
        for q in instrument.questions.filter(type="likert").order_by("position")
    }


def respondents_from_db(instrument) -> list[scoring.Respondent]:
    return [
        scoring.Respondent(
            agency=r.agency_id,
            answers={a.question.code: a.value for a in r.answers.filter(question__type="likert")},
        )
        for r in Response.objects.filter(round__instrument=instrument, submitted_at__isnull=False)
    ]


def expected_alpha(instrument) -> dict[str, float | None]:
    return scoring.alpha_by_dimension(
        scoring_instrument(instrument), respondents_from_db(instrument)
    )


@pytest.fixture
def instrument(db):
    return factories.default_instrument()


@pytest.fixture
def two_rounds(cast, instrument):
    first = factories.survey_round(cast.project, instrument)
    second = factories.survey_round(cast.project, instrument)
    youth, college, health = agencies(cast, ["Youth", "College", "Health"])
    seed = 0
    for rnd, agency in [(first, youth), (first, college), (second, college), (second, health)]:
        for _ in range(3):
            seed += 1
            factories.submitted_response(rnd, agency, likert=varied_answers(instrument, seed))
    # One "don't know" in the aims block: that respondent drops out of aims' alpha only.
    response = Response.objects.filter(round=first).first()
    assert response is not None
    answer = response.answers.get(question__code="aims_2")
    answer.value, answer.dont_know = None, True
    answer.save()
    return first, second


def test_scoring_a_round_refreshes_alpha_after_the_commit(
    instrument, two_rounds, django_capture_on_commit_callbacks
):
    first, second = two_rounds
    with django_capture_on_commit_callbacks(execute=True):
        round_score(round_id=first.pk)
    with django_capture_on_commit_callbacks(execute=True):
        round_score(round_id=second.pk)

    reliability = InstrumentReliability.objects.get(instrument=instrument)
    expected = expected_alpha(instrument)
    assert reliability.n_respondents == 12 and reliability.refresh_queued is False
    assert all(value is not None for value in expected.values())
    assert reliability.alpha == pytest.approx(expected, abs=1e-4)


def test_rescoring_a_round_again_does_not_count_it_twice(instrument, two_rounds):
    first, second = two_rounds
    for _ in range(3):
        round_score(round_id=first.pk)
    round_score(round_id=second.pk)
    assert instrument_reliability_refresh(instrument_id=instrument.pk).n_respondents == 12


def test_bulk_rescore_refreshes_reliability_too(instrument, two_rounds):
    list(rescore())
    reliability = InstrumentReliability.objects.get(instrument=instrument)
    assert reliability.alpha == pytest.approx(expected_alpha(instrument), abs=1e-4)


def test_refresh_requests_coalesce(
    instrument, two_rounds, monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(
        tasks.refresh_reliability_task,
        "apply_async",
        lambda args=None, **options: published.append((args, options)),
    )
    first, second = two_rounds
    for rnd in (first, second, first):
        with django_capture_on_commit_callbacks(execute=True):
            round_score(round_id=rnd.pk)

    assert published == [([instrument.pk], {"countdown": 60})]
    assert InstrumentReliability.objects.get(instrument=instrument).refresh_queued is True
    assert tasks.refresh_reliability_task(instrument.pk) == 12
    assert InstrumentReliability.objects.get(instrument=instrument).refresh_queued is False


def test_no_alpha_below_ten_respondents():
    sums = {"aims": [9, 30, 120, 10, 20, 30, 50]}
    n, alpha = instrument_alpha([(9, sums)])
    assert n == 9 and alpha == dict.fromkeys(scoring.DIMENSIONS)


def test_alpha_is_none_when_every_total_is_the_same(cast, instrument):
    rnd = factories.survey_round(cast.project, instrument)
    for agency in agencies(cast, ["Youth", "College"]):
        for _ in range(5):
            factories.submitted_response(rnd, agency, likert=answers_at(instrument, everywhere(4)))
    round_score(round_id=rnd.pk)
    reliability = instrument_reliability_refresh(instrument_id=instrument.pk)
    # No variance at all: alpha is undefined, exactly as scoring.cronbach_alpha says.
    assert reliability.n_respondents == 10
    assert reliability.alpha == dict.fromkeys(scoring.DIMENSIONS)
