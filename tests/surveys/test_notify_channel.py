"""Invitation e-mails through GOV.UK Notify (EMAIL_CHANNEL=notify), with the official client
talking HTTP to the local Notify server, which checks every request's JWT."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from surveys import services
from surveys.models import DeliveryStatus, Invitation
from surveys.tasks import NOTIFY_MAX_RETRIES
from tests import factories
from tests.conftest import NOTIFY_CALLBACK_TOKEN
from tests.notify_server import TEMPLATES
from tests.unchanged import nothing_written

CALLBACK = reverse("surveys:notify_callback")


@pytest.fixture(autouse=True)
def _retries_run_in_process():
    """Eager tasks that call retry() run again at once (the countdown is skipped), as a worker
    would run them later; with errors propagating, the first Retry would end the call."""
    from config.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """A POST whose on-commit callbacks (queueing the e-mails) run, as after a real commit."""

    def run(url):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url)

    return run


@pytest.fixture
def sent_round(cast):
    rnd = factories.survey_round(cast.project, title="Spring survey")
    first, first_token = factories.invitation(rnd, cast.agency, name="Ria", email="ria@example.org")
    second, _ = factories.invitation(rnd, cast.agency, name="Sol", email="sol@example.org")
    return rnd, first, first_token, second


def _send(client, cast, rnd, post):
    client.force_login(cast.alice)
    return post(reverse("surveys:invitations_send", args=[rnd.pk]))


def _callback(client, body, token=NOTIFY_CALLBACK_TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post(CALLBACK, json.dumps(body), content_type="application/json", headers=headers)


def test_sending_a_round_goes_through_notify_with_the_invitation_as_reference(
    client, cast, notify, sent_round, post
):
    rnd, first, first_token, second = sent_round
    assert _send(client, cast, rnd, post).status_code == 302
    assert mail.outbox == []  # nothing through Django's backend
    by_reference = {body["reference"]: body for body in notify.received}
    assert set(by_reference) == {str(first.pk), str(second.pk)}
    body = by_reference[str(first.pk)]
    assert body["template_id"] == TEMPLATES["invitation"]
    assert body["email_address"] == "ria@example.org"
    assert body["personalisation"]["name"] == "Ria"
    assert body["personalisation"]["round_title"] == "Spring survey"
    assert body["personalisation"]["link"].endswith(f"/r/{first_token}/")
    first.refresh_from_db()
    assert first.notify_id in notify.notifications
    assert first.delivery_status == DeliveryStatus.SENDING
    page = client.get(reverse("surveys:round_detail", args=[rnd.pk])).content.decode()
    assert "E-mail delivery" in page and "delivery-sending" in page
    # The partner follows the link Notify was given and reaches the questionnaire.
    partner = Client()
    path = "/" + body["personalisation"]["link"].split("://", 1)[1].split("/", 1)[1]
    assert partner.get(path, follow=True).status_code == 200
    assert "Spring survey" in partner.get(reverse("surveys:respond_start")).content.decode()


def test_rate_limits_and_server_errors_are_retried_until_notify_takes_the_email(
    client, cast, notify, sent_round, post
):
    rnd, first, _, second = sent_round
    services.invitation_revoke(actor=cast.alice, invitation=second)
    notify.next_statuses = [429, 500, 503]
    _send(client, cast, rnd, post)
    assert notify.requests == 4  # three refused, the fourth accepted
    assert len(notify.received) == 1
    first.refresh_from_db()
    assert first.delivery_status == DeliveryStatus.SENDING and first.notify_id


def test_a_notify_that_never_takes_it_is_recorded_as_a_technical_failure(
    client, cast, notify, sent_round, post
):
    rnd, first, _, second = sent_round
    services.invitation_revoke(actor=cast.alice, invitation=second)
    notify.next_statuses = [502] * (NOTIFY_MAX_RETRIES + 1)
    _send(client, cast, rnd, post)
    assert notify.requests == NOTIFY_MAX_RETRIES + 1
    first.refresh_from_db()
    assert first.delivery_status == DeliveryStatus.TECHNICAL_FAILURE
    assert first.notify_id == ""


def test_a_400_is_recorded_with_notifys_reason_and_never_retried(
    client, cast, notify, sent_round, post
):
    rnd, first, _, second = sent_round
    services.invitation_revoke(actor=cast.alice, invitation=second)
    notify.next_statuses = [400]
    _send(client, cast, rnd, post)
    assert notify.requests == 1
    first.refresh_from_db()
    assert first.delivery_status == DeliveryStatus.REJECTED
    assert first.delivery_detail == "Template not found"
    page = client.get(reverse("surveys:round_detail", args=[rnd.pk])).content.decode()
    assert "Not accepted" in page and "Template not found" in page


def test_the_jwt_is_checked_a_wrong_key_is_refused_and_recorded(
    client, cast, notify, sent_round, post, settings
):
    rnd, first, _, second = sent_round
    services.invitation_revoke(actor=cast.alice, invitation=second)
    service_id = settings.NOTIFY_API_KEY[-73:-37]
    settings.NOTIFY_API_KEY = f"wrong-{service_id}-00000000-0000-4000-8000-000000000000"
    _send(client, cast, rnd, post)
    assert notify.refused_tokens == 1 and notify.received == []
    first.refresh_from_db()
    assert first.delivery_status == DeliveryStatus.REJECTED
    assert "Invalid token" in first.delivery_detail


@pytest.mark.parametrize(
    ("status", "state", "label"),
    [
        ("delivered", DeliveryStatus.DELIVERED, "Delivered"),
        ("permanent-failure", DeliveryStatus.PERMANENT_FAILURE, "Address bounced"),
        ("temporary-failure", DeliveryStatus.TEMPORARY_FAILURE, "Inbox unavailable"),
        ("technical-failure", DeliveryStatus.TECHNICAL_FAILURE, "technical failure"),
    ],
)
def test_the_callback_records_what_became_of_the_email_and_the_round_page_shows_it(
    client, cast, notify, sent_round, post, status, state, label
):
    rnd, first, _, _second = sent_round
    _send(client, cast, rnd, post)
    first.refresh_from_db()
    answer = _callback(
        client, {"id": first.notify_id, "reference": str(first.pk), "status": status}
    )
    assert answer.status_code == 200 and answer.json() == {"recorded": True}
    first.refresh_from_db()
    assert first.delivery_status == state
    page = client.get(reverse("surveys:round_detail", args=[rnd.pk])).content.decode()
    assert label in page


@pytest.mark.parametrize("token", [None, "", "wrong-token-0123456789abcdef", "callback-token"])
def test_the_callback_refuses_a_missing_or_wrong_bearer_token_and_writes_nothing(
    client, cast, notify, sent_round, post, token
):
    rnd, first, _, _second = sent_round
    _send(client, cast, rnd, post)
    first.refresh_from_db()
    with nothing_written():
        answer = _callback(
            client,
            {"id": first.notify_id, "reference": str(first.pk), "status": "delivered"},
            token=token,
        )
    assert answer.status_code == 403


def test_with_no_callback_token_configured_every_callback_is_refused(client, db, settings):
    settings.NOTIFY_CALLBACK_TOKEN = ""
    assert _callback(client, {"id": "x", "status": "delivered"}, token="").status_code == 403


def test_a_callback_cannot_move_another_invitations_state(client, cast, notify, sent_round, post):
    rnd, first, _, second = sent_round
    _send(client, cast, rnd, post)
    first.refresh_from_db()
    with nothing_written():
        answer = _callback(
            client, {"id": first.notify_id, "reference": str(second.pk), "status": "delivered"}
        )
    assert answer.json() == {"recorded": False}


@pytest.mark.parametrize("body", ["not json", json.dumps([1]), json.dumps({"id": 3})])
def test_a_malformed_callback_is_a_400_saying_why(client, db, notify, body):
    answer = client.post(
        CALLBACK,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {NOTIFY_CALLBACK_TOKEN}"},
    )
    assert answer.status_code == 400
    assert answer.json()["detail"]


def test_reminders_skip_a_bounced_address(client, cast, notify, sent_round, post):
    rnd, first, _, second = sent_round
    _send(client, cast, rnd, post)
    first.refresh_from_db()
    _callback(
        client, {"id": first.notify_id, "reference": str(first.pk), "status": "permanent-failure"}
    )
    notify.received.clear()
    assert post(reverse("surveys:round_remind", args=[rnd.pk])).status_code == 302
    assert [(b["reference"], b["template_id"]) for b in notify.received] == [
        (str(second.pk), TEMPLATES["reminder"])
    ]
    page = client.get(reverse("surveys:round_detail", args=[rnd.pk])).content.decode()
    assert "Check the address: no reminder is sent to it." in page
    assert Invitation.objects.get(pk=first.pk).reminded_at is None


def test_on_the_default_channel_nothing_goes_to_notify(client, cast, sent_round, post):
    rnd, first, _, _second = sent_round
    _send(client, cast, rnd, post)
    assert len(mail.outbox) == 2
    first.refresh_from_db()
    assert first.delivery_status == "" and first.notify_id == ""
    page = client.get(reverse("surveys:round_detail", args=[rnd.pk])).content.decode()
    assert "E-mail delivery" not in page


def test_a_day_without_a_callback_the_hourly_poll_asks_notify(
    client, cast, notify, sent_round, post
):
    from django.utils import timezone

    from surveys.tasks import poll_notify_deliveries

    rnd, first, _, second = sent_round
    _send(client, cast, rnd, post)
    first.refresh_from_db()
    second.refresh_from_db()
    notify.notifications[first.notify_id]["status"] = "permanent-failure"
    notify.notifications[second.notify_id]["status"] = "delivered"
    # Only the first has waited a day; the second was sent a minute ago.
    Invitation.objects.filter(pk=first.pk).update(
        delivery_updated_at=timezone.now() - dt.timedelta(days=1, minutes=1)
    )
    before = notify.requests
    assert poll_notify_deliveries.delay().get() == 1
    assert notify.requests == before + 1 and notify.refused_tokens == 0
    assert Invitation.objects.get(pk=first.pk).delivery_status == DeliveryStatus.PERMANENT_FAILURE
    assert Invitation.objects.get(pk=second.pk).delivery_status == DeliveryStatus.SENDING


def test_the_poll_stops_when_notify_is_unavailable_and_records_nothing(
    client, cast, notify, sent_round, post
):
    from django.utils import timezone

    from surveys.tasks import poll_notify_deliveries

    rnd, first, _, second = sent_round
    _send(client, cast, rnd, post)
    Invitation.objects.update(delivery_updated_at=timezone.now() - dt.timedelta(days=2))
    notify.next_statuses = [503]
    before = notify.requests
    assert poll_notify_deliveries.delay().get() == 0
    assert notify.requests == before + 1  # stopped after the first refusal
    assert set(Invitation.objects.values_list("delivery_status", flat=True)) == {"sending"}
