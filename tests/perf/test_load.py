"""python -m tests.perf.load: its answers are pages the real form accepts, its check reads them
back, its workload is the one stated, and its recomputation of a scorecard is the service's.

The load run itself (`make load`) is not part of the suite; these hold its helpers to what the
app does, so a load run that passes means what it says.
"""

from __future__ import annotations

import json
import random
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from partnerships.models import LocalAuthority
from reports import scoring
from reports.services import round_score, scoring_instrument
from surveys import services
from surveys.forms import QuestionnaireForm
from surveys.models import Answer, Invitation, ReportingMode, Round
from tests import factories
from tests.perf import data
from tests.perf.load import (
    WORKLOAD,
    build_workload,
    expected_answers,
    section_payload,
    stored_answer,
    wait_for_scoring,
)


@pytest.fixture
def survey(cast):
    rnd = factories.survey_round(cast.project, title="Spring 2026 survey")
    invitation, _token = factories.invitation(rnd, cast.agency, name="Ria Respondent")
    return SimpleNamespace(round=rnd, invitation=invitation)


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


def _plans(round_ids, partners):
    # Everything planned for each partner but the token (random by design), rounds by position.
    return [
        (round_ids.index(p.round_id), p.pages, p.expected, p.revisit, p.press_twice)
        for p in partners
    ]


def test_the_workload_is_the_one_stated_and_the_same_for_the_same_seed(db):
    with transaction.atomic():
        round_ids, partners = build_workload(seed=7, double_press_rate=0.1, revisit_rate=0.1)

        rounds = Round.objects.filter(pk__in=round_ids).order_by("pk")
        assert len(partners) == Invitation.objects.count() == sum(p.partners for p in WORKLOAD)
        assert len({p.token for p in partners}) == len(partners)
        assert rounds.count() == len(WORKLOAD) == 6
        assert rounds.values("project__partnership__authority").distinct().count() == 2
        assert rounds.values("project__partnership").distinct().count() == 3
        assert rounds.filter(reporting_mode=ReportingMode.ANONYMOUS, min_group_size=5).count() == 1
        for plan, survey_round in zip(WORKLOAD, rounds, strict=True):
            assert survey_round.project.name == plan.project
            assert survey_round.invitations.count() == plan.partners
            assert survey_round.project.partnership.memberships.count() == plan.agencies
        first = _plans(round_ids, partners)
        transaction.set_rollback(True)

    # The same seed plans the same answers, in the same order, in a database built afresh.
    again_ids, again = build_workload(seed=7, double_press_rate=0.1, revisit_rate=0.1)
    assert _plans(again_ids, again) == first


def test_two_tagged_workloads_share_one_database(db):
    # make bench builds the workload twice in its database: profile_journey, then bench_journeys.
    first_ids, _ = build_workload(seed=7, double_press_rate=0, revisit_rate=0, tag="a")
    second_ids, _ = build_workload(seed=7, double_press_rate=0, revisit_rate=0, tag="b")
    assert not set(first_ids) & set(second_ids)
    assert LocalAuthority.objects.filter(name__startswith="Northshire (load test").count() == 2


def test_a_round_respondents_score_as_the_scoring_service_scores_them(db):
    # The load test's check (and the scoring benchmark) read respondents with
    # data.round_respondents: the scorecard they compute must be the one the service stores.
    survey_round, _n = data.csv_round_create(tag="t", n_responses=12, n_agencies=4)
    stored = round_score(round_id=survey_round.pk)
    assert stored is not None

    respondents = data.round_respondents(survey_round.pk)
    fresh = scoring.score_round(scoring_instrument(survey_round.instrument), respondents)

    assert len(respondents) == 12
    assert any(None in r.answers.values() for r in respondents)  # a "don't know" is missing
    assert all(r.ranking for r in respondents)
    assert stored.data == json.loads(json.dumps(fresh.to_dict()))
    assert stored.submissions_seen == len(respondents)


def test_scoring_has_caught_up_once_each_round_that_may_be_scored_is(db):
    # The wait after the drive (load and cluster checks): an open anonymous round stores
    # nothing, so it must not hold the wait up; an attributed one must be scored.
    survey_round, _n = data.csv_round_create(tag="w", n_responses=6, n_agencies=3)
    assert not wait_for_scoring([survey_round.pk], seconds=0.1)  # submitted, not scored

    round_score(round_id=survey_round.pk)
    assert wait_for_scoring([survey_round.pk], seconds=0.1)

    other, _n = data.csv_round_create(tag="x", n_responses=6, n_agencies=3)
    Round.objects.filter(pk=other.pk).update(reporting_mode=ReportingMode.ANONYMOUS)
    assert wait_for_scoring([survey_round.pk, other.pk], seconds=0.1)  # open: nothing due
    Round.objects.filter(pk=other.pk).update(closed_at=timezone.now())
    assert not wait_for_scoring([survey_round.pk, other.pk], seconds=0.1)  # closed: due
