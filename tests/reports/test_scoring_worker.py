"""End to end: submissions reach a scorecard through the real broker and a real worker.

Skipped on the embedded default (no broker); CI's real-services run sets
REQUIRE_CELERY_BROKER=1, which turns a missing broker into a failure (as test_celery_worker.py).
"""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings

from config.celery import app
from reports import scoring, tasks  # noqa: F401  (tasks: registers them with the worker)
from reports.models import InstrumentReliability, Scorecard
from reports.selectors import latest_scorecard
from reports.services import round_scoring_request
from surveys.models import Round
from tests import factories
from tests.conftest import celery_broker_required
from tests.reports.test_round_score import agencies

pytestmark = pytest.mark.celery_worker


@pytest.fixture
def worker(transactional_db, settings):
    if django_settings.CELERY_BROKER_URL.startswith("memory://"):
        if celery_broker_required():
            pytest.fail("REQUIRE_CELERY_BROKER=1 but no CELERY_BROKER_URL is set")
        pytest.skip("no broker configured (CELERY_BROKER_URL); tasks run eagerly here")
    settings.SCORING_DELAY_SECONDS = 1
    settings.RELIABILITY_DELAY_SECONDS = 1
    app.conf.task_always_eager = False
    app.control.purge()  # leftovers of an interrupted earlier run are not this test's tasks
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the worker did not finish scoring in time")
        time.sleep(0.1)


def test_a_submission_is_scored_by_the_worker(worker, cast):
    rnd = factories.survey_round(cast.project)
    youth, college = agencies(cast, ["Youth", "College"])
    factories.submitted_response(rnd, youth, likert=5)
    factories.submitted_response(rnd, college, likert=4)

    round_scoring_request(round_id=rnd.pk)  # committed already: no transaction here

    wait_for(lambda: Scorecard.objects.filter(round=rnd).exists())
    scorecard = Scorecard.objects.get(round=rnd)
    assert scorecard.status == "ok" and scorecard.submissions_seen == 2
    assert Round.objects.get(pk=rnd.pk).scoring_queued is False


def test_a_burst_of_fifty_submissions_is_scored_a_handful_of_times(worker, cast):
    rnd = factories.survey_round(cast.project)
    team = agencies(cast, ["Youth", "College", "Health", "Housing", "Police"])
    for i in range(50):
        factories.submitted_response(rnd, team[i % 5], likert=1 + i % 5)
        round_scoring_request(round_id=rnd.pk)

    def settled() -> bool:
        latest = latest_scorecard(rnd)
        return (
            latest is not None
            and latest.submissions_seen == 50
            and not Round.objects.get(pk=rnd.pk).scoring_queued
        )

    wait_for(settled)
    # One task per countdown window, not one per submission; the last one read all fifty.
    assert 1 <= Scorecard.objects.filter(round=rnd).count() <= 10
    latest = latest_scorecard(rnd)
    assert latest is not None and latest.n_agencies == 5
    # Then the questionnaire's reliability, refreshed by its own coalesced task.
    wait_for(
        lambda: InstrumentReliability.objects.filter(
            instrument=rnd.instrument, n_respondents=50, refresh_queued=False
        ).exists()
    )
    alpha = InstrumentReliability.objects.get(instrument=rnd.instrument).alpha
    assert set(alpha) == set(scoring.DIMENSIONS)
