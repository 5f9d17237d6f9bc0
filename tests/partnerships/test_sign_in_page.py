"""The sign-in page: the council's button only when OIDC is configured, and the password form
unless PASSWORD_SIGN_IN=0 (then a posted password is refused as well)."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(settings):
    # Only the page is asked for here: nothing talks to this issuer.
    settings.OIDC_ISSUER = "https://login.microsoftonline.com/tenant/v2.0"
    settings.OIDC_CLIENT_ID = "app"
    settings.OIDC_CLIENT_SECRET = "secret"
    settings.OIDC_ENABLED = True


def test_without_oidc_the_page_is_the_password_form_only(client):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert b"data-oidc-sign-in" not in page.content
    assert b'name="password"' in page.content


def test_with_oidc_the_council_button_is_beside_the_password_form(client, configured):
    page = client.get("/accounts/login/?next=/team/")
    html = page.content.decode()
    assert 'href="/accounts/oidc/start/?next=/team/"' in html
    assert "Sign in with your council account" in html
    assert "Or sign in with your password" in html
    assert 'name="password"' in html


def test_the_button_names_the_council_when_told(client, configured, settings):
    settings.OIDC_PROVIDER_NAME = "Northshire Council"
    page = client.get("/accounts/login/")
    assert "Sign in with your Northshire Council account" in page.content.decode()


def test_password_sign_in_can_be_turned_off(client, configured, settings, cast):
    settings.PASSWORD_SIGN_IN = False
    page = client.get("/accounts/login/")
    html = page.content.decode()
    assert "data-oidc-sign-in" in html
    assert 'name="password"' not in html
    assert "Forgotten your password?" not in html
    refused = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert refused.status_code == 405
    assert "_auth_user_id" not in client.session


def test_password_sign_in_still_works_beside_oidc(client, configured, cast):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.alice.pk)
