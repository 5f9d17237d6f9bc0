"""round_scoring_request: the hook submissions call, coalescing bursts into few tasks.

Most tests put a recorder in place of score_round_task.apply_async: it notes what would have
been published and publishes nothing. That isolates the coalescing logic (a conditional UPDATE
on Round.scoring_queued) from any broker; test_scoring_worker.py runs the same path through a
real broker and worker.
"""

from __future__ import annotations

import logging

import kombu.exceptions
import pytest
from django.db import transaction

from reports import tasks
from reports.models import InstrumentReliability, Scorecard
from reports.services import round_scoring_request, round_scoring_run
from surveys.models import Round
from tests import factories
from tests.reports.test_round_score import agencies


@pytest.fixture
def rnd(cast):
    return factories.survey_round(cast.project)


@pytest.fixture
def published(monkeypatch) -> list[dict]:
    calls: list[dict] = []

    def record(args=None, kwargs=None, **options):
        calls.append({"args": args, **options})

    monkeypatch.setattr(tasks.score_round_task, "apply_async", record)
    return calls


def flag(rnd) -> bool:
    return Round.objects.values_list("scoring_queued", flat=True).get(pk=rnd.pk)


def test_fifty_submissions_queue_one_task(rnd, published, django_capture_on_commit_callbacks):
    for _ in range(50):
        with django_capture_on_commit_callbacks(execute=True):
            round_scoring_request(round_id=rnd.pk)

    assert published == [{"args": [rnd.pk], "countdown": 10}]
    assert flag(rnd) is True


def test_the_delay_comes_from_settings(
    rnd, published, settings, django_capture_on_commit_callbacks
):
    settings.SCORING_DELAY_SECONDS = 3
    with django_capture_on_commit_callbacks(execute=True):
        round_scoring_request(round_id=rnd.pk)
    assert published[0]["countdown"] == 3


def test_a_request_after_the_task_started_queues_another(
    rnd, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round_scoring_request(round_id=rnd.pk)
    round_scoring_run(round_id=rnd.pk)  # what the worker does first: clear the flag
    assert flag(rnd) is False
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            round_scoring_request(round_id=rnd.pk)

    assert len(published) == 2


def test_the_last_task_sees_every_submission(
    rnd, cast, published, django_capture_on_commit_callbacks
):
    youth, college = agencies(cast, ["Youth", "College"])
    for agency in (youth, college, youth):
        with django_capture_on_commit_callbacks(execute=True):
            factories.submitted_response(rnd, agency)
            round_scoring_request(round_id=rnd.pk)
    assert len(published) == 1

    scorecard = round_scoring_run(round_id=rnd.pk)

    assert scorecard is not None and scorecard.submissions_seen == 3


def test_it_waits_for_the_submission_to_commit(rnd, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            round_scoring_request(round_id=rnd.pk)
        # Not committed yet: a worker must not be told about a submission it cannot read.
        assert published == [] and flag(rnd) is False
    for callback in callbacks:
        callback()
    assert len(published) == 1


def test_a_broker_outage_does_not_fail_the_submission(
    rnd, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(tasks.score_round_task, "apply_async", broker_down)
    with (
        caplog.at_level(logging.WARNING, logger="reports.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        round_scoring_request(round_id=rnd.pk)  # does not raise

    # The flag is clear again, so the next submission tries again (and the periodic catch-up
    # finds the round meanwhile, see test_stale_rounds.py).
    assert flag(rnd) is False
    assert f"Could not queue scoring of round {rnd.pk}" in caplog.text


def test_with_eager_tasks_the_scorecard_is_there_at_once(
    rnd, cast, django_capture_on_commit_callbacks
):
    # The embedded default (no broker): tasks run in-process, the countdown is ignored.
    youth, college = agencies(cast, ["Youth", "College"])
    factories.submitted_response(rnd, youth)
    factories.submitted_response(rnd, college)
    with django_capture_on_commit_callbacks(execute=True):
        round_scoring_request(round_id=rnd.pk)

    assert Scorecard.objects.get(round=rnd).status == "ok"
    assert flag(rnd) is False
    # The reliability refresh it requested ran in-process too.
    reliability = InstrumentReliability.objects.get(instrument=rnd.instrument)
    assert reliability.n_respondents == 2 and reliability.refresh_queued is False


def test_the_task_scores_the_round_by_id(rnd, cast):
    youth, college = agencies(cast, ["Youth", "College"])
    factories.submitted_response(rnd, youth)
    factories.submitted_response(rnd, college)
    Round.objects.filter(pk=rnd.pk).update(scoring_queued=True)

    scorecard_id = tasks.score_round_task(rnd.pk)

    assert scorecard_id is not None
    assert Scorecard.objects.get(pk=scorecard_id).round_id == rnd.pk
    assert flag(rnd) is False


def test_the_task_ignores_a_deleted_round(db):
    assert tasks.score_round_task(987_654) is None
    assert not Scorecard.objects.exists()


def test_a_task_redelivered_after_its_worker_died_scores_again(
    rnd, cast, published, django_capture_on_commit_callbacks
):
    # The first delivery cleared the flag and died before storing a scorecard (worker killed);
    # a submission came in meanwhile and queued another task. The redelivered message finds
    # the flag already clear: it must still score (the update matches the round whatever the
    # flag), and it sees the late submission too.
    youth, college = agencies(cast, ["Youth", "College"])
    factories.submitted_response(rnd, youth)
    Round.objects.filter(pk=rnd.pk).update(scoring_queued=False)  # the dead task's first act
    with django_capture_on_commit_callbacks(execute=True):
        factories.submitted_response(rnd, college)
        round_scoring_request(round_id=rnd.pk)
    assert len(published) == 1 and flag(rnd) is True

    redelivered = tasks.score_round_task(rnd.pk)
    queued_meanwhile = tasks.score_round_task(rnd.pk)

    assert redelivered is not None and queued_meanwhile is not None
    assert Scorecard.objects.get(pk=redelivered).submissions_seen == 2
    assert Scorecard.objects.get(pk=queued_meanwhile).submissions_seen == 2
    assert flag(rnd) is False


def test_a_task_lost_before_it_started_leaves_no_flag_behind_once_redelivered(
    rnd, cast, published, django_capture_on_commit_callbacks
):
    # Killed while the task waited for its countdown: the flag stays set (later submissions
    # queue nothing) until the redelivered message runs and clears it.
    youth, _college = agencies(cast, ["Youth", "College"])
    with django_capture_on_commit_callbacks(execute=True):
        factories.submitted_response(rnd, youth)
        round_scoring_request(round_id=rnd.pk)
    assert flag(rnd) is True

    tasks.score_round_task(rnd.pk)  # the redelivery

    assert flag(rnd) is False
    with django_capture_on_commit_callbacks(execute=True):
        round_scoring_request(round_id=rnd.pk)
    assert len(published) == 2  # the next submission queues a task again


@pytest.mark.parametrize(
    "task",
    [
        tasks.score_round_task,
        tasks.score_stale_rounds,
        tasks.refresh_reliability_task,
        tasks.build_export_task,
    ],
)
def test_queueing_a_reports_task_never_waits_on_the_result_store(task):
    # A stored result means subscribing to it on Redis before publishing; with Redis down that
    # held a partner's submission for ~20 s (make faults, broker-down). Nothing reads them.
    assert task.ignore_result is True
