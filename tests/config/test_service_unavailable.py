"""While the database is down, pages and the API answer 503 with Retry-After, not a 500.

The outage is simulated where it bites first in a real one: the session middleware reading
the session (pages), and the API's token authentication. Django's test client re-raises view
exceptions by default; these tests turn that off to see what a browser would get.
"""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.urls import reverse
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


@pytest.fixture
def browser(client):
    client.raise_request_exception = False
    return client


@pytest.fixture
def signed_in(browser, cast):
    # Signed in while the database is up; the outage comes after.
    browser.force_login(cast.alice)
    return browser


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    monkeypatch.setattr(SessionStore, "load", refuse)
    monkeypatch.setattr(TokenAuthentication, "authenticate_credentials", refuse)


def test_a_page_answers_503_with_retry_after(signed_in, database_down):
    response = signed_in.get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Service unavailable, try again shortly" in response.content.decode()


def test_the_503_page_is_the_sites_page_without_the_signed_in_menu(signed_in, database_down):
    page = signed_in.get(reverse("partnerships:partnership_list")).content.decode()
    # The site's layout (base.html), but nothing that would need the user from the database.
    assert 'id="main-content"' in page
    assert "Sign out" not in page
    assert "Traceback" not in page


def test_a_post_answers_503_too(signed_in, database_down):
    response = signed_in.post(reverse("partnerships:partnership_create"), {"name": "X"})
    assert response.status_code == 503


def test_a_lost_connection_counts_as_an_outage(signed_in, monkeypatch):
    def closed(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(SessionStore, "load", closed)
    assert signed_in.get(reverse("home")).status_code == 503


def test_the_api_answers_json_503_with_retry_after(browser, cast, database_down):
    token = Token.objects.create(user=cast.alice)
    response = browser.get("/api/v1/partnerships/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    assert response.json() == {"detail": "Service unavailable, try again shortly."}


def test_the_api_with_a_session_answers_json_503(signed_in, database_down):
    response = signed_in.get("/api/v1/partnerships/")
    assert response.status_code == 503
    assert response.json()["detail"] == "Service unavailable, try again shortly."


def test_other_errors_keep_the_500_page(signed_in, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(SessionStore, "load", broken)
    response = signed_in.get(reverse("home"))
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Sorry, there is a problem with the service" in response.content.decode()
