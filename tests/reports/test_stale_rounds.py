"""score_stale_rounds: the periodic catch-up for scoring requests that were lost."""

from __future__ import annotations

import datetime as dt

import kombu.exceptions
import pytest

from reports import tasks
from reports.models import Scorecard
from reports.services import round_score, round_scoring_request, stale_rounds
from surveys.models import Response, Round
from tests import factories
from tests.reports.test_round_score import agencies, scored


@pytest.fixture
def rnd(cast):
    return factories.survey_round(cast.project)


@pytest.fixture
def two_agencies(cast):
    return agencies(cast, ["Youth", "College"])


def stale_ids() -> set[int]:
    return set(stale_rounds().values_list("pk", flat=True))


def test_a_round_with_submissions_and_no_scorecard_is_stale(rnd, two_agencies):
    factories.submitted_response(rnd, two_agencies[0])
    assert stale_ids() == {rnd.pk}


def test_a_round_without_submissions_is_not_stale(rnd, cast):
    factories.survey_round(cast.project)
    draft = factories.submitted_response(rnd, agencies(cast, ["Youth"])[0])
    Response.objects.filter(pk=draft.pk).update(submitted_at=None)
    assert stale_ids() == set()


def test_a_round_scored_after_its_last_submission_is_fresh(rnd, two_agencies):
    factories.submitted_response(rnd, two_agencies[0])
    round_score(round_id=rnd.pk)
    assert stale_ids() == set()


def test_a_newer_submission_makes_a_round_stale(rnd, two_agencies):
    factories.submitted_response(rnd, two_agencies[0])
    round_score(round_id=rnd.pk)
    factories.submitted_response(rnd, two_agencies[1])
    assert stale_ids() == {rnd.pk}


def test_a_submission_committed_after_scoring_but_stamped_before_is_caught(rnd, two_agencies):
    # submitted_at is stamped before the commit, so a slow commit can carry a time older than
    # a scorecard that did not see it; the count of submissions still tells.
    factories.submitted_response(rnd, two_agencies[0])
    scorecard = scored(rnd.pk)
    late = factories.submitted_response(rnd, two_agencies[1])
    Response.objects.filter(pk=late.pk).update(
        submitted_at=scorecard.computed_at - dt.timedelta(seconds=1)
    )
    assert stale_ids() == {rnd.pk}


def test_a_round_whose_responses_were_all_withdrawn_is_stale(rnd, two_agencies):
    response = factories.submitted_response(rnd, two_agencies[0])
    round_score(round_id=rnd.pk)
    response.delete()
    assert stale_ids() == {rnd.pk}


def test_the_catch_up_rescores_what_the_broker_outage_missed(
    rnd, cast, two_agencies, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise kombu.exceptions.OperationalError("connection refused")

    monkeypatch.setattr(tasks.score_round_task, "apply_async", broker_down)
    fresh = factories.survey_round(cast.project)
    factories.submitted_response(fresh, two_agencies[0])
    round_score(round_id=fresh.pk)
    for agency in two_agencies:
        with django_capture_on_commit_callbacks(execute=True):
            factories.submitted_response(rnd, agency)
            round_scoring_request(round_id=rnd.pk)
    assert not Scorecard.objects.filter(round=rnd).exists()

    assert tasks.score_stale_rounds() == 1

    scorecard = Scorecard.objects.get(round=rnd)
    assert scorecard.status == "ok" and scorecard.submissions_seen == 2
    assert Scorecard.objects.filter(round=fresh).count() == 1  # a fresh round is left alone
    assert stale_ids() == set()


def test_the_catch_up_clears_a_flag_left_by_a_lost_task(rnd, two_agencies):
    factories.submitted_response(rnd, two_agencies[0])
    # The task was queued but its message was lost: the flag would block every later request.
    Round.objects.filter(pk=rnd.pk).update(scoring_queued=True)

    tasks.score_stale_rounds()

    assert Round.objects.get(pk=rnd.pk).scoring_queued is False
    assert Scorecard.objects.filter(round=rnd).exists()


def test_nothing_to_catch_up(db):
    assert tasks.score_stale_rounds() == 0
