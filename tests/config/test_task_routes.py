"""Celery queues by kind of work: mail, scoring, exports.

Routing is by task name in settings; these tests read where each task goes from Celery's own
router, then publish to a real Redis (the test run's own) and run a real worker that takes
only the mail queue, to show a slow export or scoring backlog never holds up an e-mail.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]
QUEUES = {"mail", "scoring", "exports"}


def _our_tasks() -> list[str]:
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def _queue_of(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def test_every_task_of_the_product_is_routed_by_name_to_one_of_the_three_queues():
    tasks = _our_tasks()
    assert len(tasks) >= 8
    assert set(tasks) <= set(settings.CELERY_TASK_ROUTES)  # none left to the default
    assert {_queue_of(name) for name in tasks} == QUEUES


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("core.tasks.send_email", "mail"),
        ("surveys.tasks.send_due_reminders", "mail"),
        ("reports.tasks.score_round_task", "scoring"),
        ("reports.tasks.refresh_reliability_task", "scoring"),
        ("reports.tasks.score_stale_rounds", "scoring"),
        ("reports.tasks.build_export_task", "exports"),
    ],
)
def test_each_kind_of_work_has_its_queue(task, queue):
    assert _queue_of(task) == queue


def test_a_worker_without_a_queue_option_takes_all_three():
    assert set(app.amqp.queues) == QUEUES
    assert settings.CELERY_TASK_DEFAULT_QUEUE in QUEUES


@pytest.fixture
def broker(private_redis):
    store = redis.Redis.from_url(private_redis)
    store.flushdb()
    yield store
    store.flushdb()


def test_a_mail_worker_sends_mail_while_scoring_and_exports_wait(
    broker, private_redis, tmp_path, monkeypatch
):
    # Celery prefers the environment's CELERY_BROKER_URL (set on the PostgreSQL run) to the
    # broker named here: this app must use the private Redis only.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)
    # Not the current app: the product's tasks must stay bound to config.celery.app.
    sender = Celery("routes-test", broker=private_redis, set_as_current=False)
    sender.conf.update(
        task_queues=settings.CELERY_TASK_QUEUES,
        task_default_queue=settings.CELERY_TASK_DEFAULT_QUEUE,
        task_routes=settings.CELERY_TASK_ROUTES,
        task_serializer="json",
    )
    sender.send_task("reports.tasks.build_export_task", args=[1])
    sender.send_task("reports.tasks.score_round_task", args=[1])
    sender.send_task(
        "core.tasks.send_email",
        kwargs={"subject": "Queued on mail", "body": "Hello", "to": ["a@example.org"]},
    )
    # Redis keeps each queue as a list under its own name.
    assert {q: broker.llen(q) for q in QUEUES} == {"mail": 1, "scoring": 1, "exports": 1}

    log = tmp_path / "worker.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CELERY_BROKER_URL": private_redis,
        "CELERY_RESULT_BACKEND": private_redis,
        "DJANGO_VAR_DIR": str(tmp_path),
        "EMAIL_URL": "consolemail://",
    }
    command = [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker"]
    with log.open("w") as out:
        worker = subprocess.Popen(  # noqa: S603  # our own celery, fixed arguments
            [*command, "-Q", "mail", "--pool", "solo", "--loglevel", "INFO", "--without-mingle"],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while "Queued on mail" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert "Queued on mail" in log.read_text()  # the console backend printed the e-mail
    assert {q: broker.llen(q) for q in QUEUES} == {"mail": 0, "scoring": 1, "exports": 1}
