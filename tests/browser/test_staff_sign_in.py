"""The sign-in page with the council's button, in a real browser: an officer signs in through
the test OpenID provider (tests/oidc_provider); the sign-in page and a refusal pass axe."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_an_officer_signs_in_with_the_council_button(
    live_server, new_page, axe, transactional_db, cast, oidc, settings
):
    settings.OIDC_PROVIDER_NAME = "Northshire Council"
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    button = page.get_by_role("link", name="Sign in with your Northshire Council account")
    assert button.is_visible()
    # The password form is still there, under its own heading.
    assert page.get_by_role("heading", name="Or sign in with your password").is_visible()
    axe.check(page)

    button.click()
    page.wait_for_url(f"{oidc}/**")
    page.fill("input[name=login]", "alice")
    page.fill("input[name=password]", "any password")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(f"{live_server.url}/")
    main_navigation = page.get_by_role("navigation", name="Main")
    assert main_navigation.get_by_role("link", name="Team").is_visible()  # officers only
    axe.check(page)

    stranger = new_page()
    stranger.goto(f"{live_server.url}/accounts/login/")
    stranger.get_by_role("link", name="Sign in with your Northshire Council account").click()
    stranger.wait_for_url(f"{oidc}/**")
    stranger.fill("input[name=login]", "stranger")
    stranger.fill("input[name=password]", "any password")
    stranger.get_by_role("button", name="Sign-in").click()
    stranger.wait_for_url(f"{live_server.url}/accounts/oidc/callback/**")
    assert stranger.get_by_role("heading", name="You have not been signed in").is_visible()
    assert "invite you from the Team page" in stranger.inner_text("main")
    axe.check(stranger)
    assert axe.problems == []
    assert axe.pages_checked == 3
