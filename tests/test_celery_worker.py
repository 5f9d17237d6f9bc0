"""A real Celery worker, on the configured broker, runs a real task.

Skipped on the embedded default (no broker). CI's real-services run sets REQUIRE_CELERY_BROKER=1,
which turns a missing broker into a failure instead of a skip.
"""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from config.celery import app
from core.tasks import send_email
from tests.conftest import celery_broker_required


@pytest.fixture
def worker(transactional_db):
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        if celery_broker_required():
            pytest.fail("REQUIRE_CELERY_BROKER=1 but no CELERY_BROKER_URL is set")
        pytest.skip("no broker configured (CELERY_BROKER_URL); tasks run eagerly here")
    app.conf.task_always_eager = False
    app.control.purge()  # leftovers of an interrupted earlier run are not this test's tasks
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def _wait_for_mail(seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_task_runs_through_the_real_worker(worker):
    send_email.delay(subject="Hello", body="From the worker", to=["a@example.org"])
    _wait_for_mail()
    assert [m.subject for m in mail.outbox] == ["Hello"]


def test_invitation_emails_go_out_through_the_real_worker(worker, cast, client):
    from django.urls import reverse

    from tests import factories

    survey_round = factories.survey_round(cast.project)
    invitation, token = factories.invitation(survey_round, cast.agency)
    client.force_login(cast.alice)
    client.post(reverse("surveys:invitations_send", args=[survey_round.pk]))
    _wait_for_mail()
    assert [m.to for m in mail.outbox] == [[invitation.email]]
    assert f"/r/{token}/" in mail.outbox[0].body
