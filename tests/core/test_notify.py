"""The e-mails that are not survey invitations, through GOV.UK Notify (EMAIL_CHANNEL=notify):
a colleague's account invitation and a password reset, each with its own template."""

from __future__ import annotations

from django.core import mail
from django.test import Client
from django.urls import reverse

from core.notify import retry_countdown
from core.tasks import send_email
from tests.notify_server import TEMPLATES


def test_a_team_invitation_goes_through_notify_with_its_link(
    client, cast, notify, django_capture_on_commit_callbacks
):
    client.force_login(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partnerships:team_invite"), {"email": "nia@example.org", "role": "officer"}
        )
    assert response.status_code == 302
    assert mail.outbox == []
    [body] = notify.received
    assert body["template_id"] == TEMPLATES["team_invitation"]
    assert body["email_address"] == "nia@example.org"
    link = body["personalisation"]["link"]
    assert "/accounts/invitation/" in link
    assert body["personalisation"]["authority"] == "Northshire"
    # The link Notify was given works: it opens the set-password page.
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert Client().get(path).status_code == 200


def test_a_password_reset_goes_through_notify_with_a_working_link(
    cast, notify, django_capture_on_commit_callbacks
):
    cast.alice.email = "alice@northshire.gov.uk"
    cast.alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("password_reset"), {"email": "alice@northshire.gov.uk"})
    [body] = notify.received
    assert body["template_id"] == TEMPLATES["password_reset"]
    link = body["personalisation"]["link"]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert Client().get(path, follow=True).status_code == 200
    assert "/accounts/reset/" in path


def test_a_refused_account_email_is_not_retried(notify):
    notify.next_statuses = [400]
    sent = send_email.delay(
        subject="s",
        body="b",
        to=["a@example.org"],
        notify_kind="password_reset",
        personalisation={"link": "http://x/"},
        reference="password-reset",
    ).get()
    assert sent == 0 and notify.requests == 1


def test_without_a_notify_kind_the_django_channel_still_carries_it(notify):
    send_email.delay(subject="Plain", body="b", to=["a@example.org"])
    assert [m.subject for m in mail.outbox] == ["Plain"] and notify.requests == 0


def test_the_backoff_doubles_up_to_ten_minutes():
    assert [retry_countdown(n) for n in range(7)] == [30, 60, 120, 240, 480, 600, 600]
