"""The signed cookie that binds a browser to its invitation (surveys.respondent_cookie)."""

from __future__ import annotations

import time
from unittest import mock

from django.contrib.sessions.models import Session
from django.core import signing
from django.test import Client
from django.urls import reverse

from surveys import respondent_cookie

START = reverse("surveys:respond_start")


def _signed(value: str, *, salt: str = respondent_cookie.SALT, key: str | None = None) -> str:
    """A value signed as Django's set_signed_cookie signs it (its salt: the name, then ours),
    or with another key."""
    if key is None:
        return signing.get_cookie_signer(salt="respondent" + salt).sign(value)
    return signing.TimestampSigner(key=key, salt="respondent" + salt).sign(value)


def test_the_link_sets_a_signed_httponly_cookie_and_no_session(survey):
    browser = Client()
    response = browser.get(reverse("surveys:respond_link", args=[survey.token]))
    assert response.status_code == 302
    cookie = response.cookies["respondent"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 8 * 60 * 60
    assert str(survey.invitation.pk) in cookie.value  # signed, not hidden: an id is no secret
    assert cookie.value != str(survey.invitation.pk)
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()
    assert browser.get(START).status_code == 200


def test_a_cookie_the_server_did_not_sign_opens_nothing(survey):
    pk = str(survey.invitation.pk)
    for forged in (
        pk,
        _signed(pk, salt="another purpose"),
        _signed(pk, key="not-the-secret-key"),
        _signed("not a number"),
    ):
        browser = Client()
        browser.cookies["respondent"] = forged
        response = browser.get(START)
        assert response.status_code == 403, forged
        assert "Open your invitation link again" in response.content.decode()
    # The control: the value the server signs opens the questionnaire.
    browser = Client()
    browser.cookies["respondent"] = _signed(pk)
    assert browser.get(START).status_code == 200


def test_a_cookie_older_than_a_session_is_refused(survey, settings):
    browser = Client()
    browser.get(reverse("surveys:respond_link", args=[survey.token]))
    assert browser.get(START).status_code == 200
    later = time.time() + settings.SESSION_COOKIE_AGE + 1
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert browser.get(START).status_code == 403


def test_another_invitations_link_rebinds_the_browser(survey, cast):
    from tests import factories

    other, other_token = factories.invitation(survey.round, cast.agency, name="Second person")
    browser = Client()
    browser.get(reverse("surveys:respond_link", args=[survey.token]))
    first = browser.cookies["respondent"].value
    browser.get(reverse("surveys:respond_link", args=[other_token]))
    assert browser.cookies["respondent"].value != first
    assert str(other.pk) in browser.cookies["respondent"].value
    # Opening the same link again writes no new cookie.
    again = browser.get(reverse("surveys:respond_link", args=[other_token]))
    assert "respondent" not in again.cookies
