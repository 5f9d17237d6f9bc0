"""A real headless Chromium (Debian's package) driven by Playwright, with axe-core."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.oidc_provider import _oidc_providers, oidc, oidc_provider  # noqa: F401  (fixtures)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls that the tests
    # make between browser steps are still plain synchronous calls, so Django's guard is lifted
    # while the browser is up, and restored after.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser):
    """Pages in fresh browser contexts (a fresh context is another device: no cookies)."""
    contexts = []

    blocked: list[str] = []

    def make():
        context = browser.new_context(locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        # The Content-Security-Policy must never have to block anything the app itself sends.
        page.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()
    assert blocked == [], blocked


class AxeChecker:
    """Runs axe-core on each page it is given and keeps serious or critical violations."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.problems: list[str] = []
        self.pages_checked = 0

    def check(self, page) -> None:
        results = self.axe.run(page)
        self.pages_checked += 1
        for violation in results.response["violations"]:
            if violation["impact"] in SERIOUS:
                targets = [n["target"] for n in violation["nodes"]][:3]
                self.problems.append(f"{page.url}: {violation['id']} {targets}")


@pytest.fixture
def axe():
    return AxeChecker()


@pytest.fixture(scope="session")
def _plain_http_server_settings():
    # The live server builds its middleware once, before any per-test settings override, and
    # the suite runs with DEBUG off (HTTPS redirects on). The test server speaks plain HTTP.
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False


@pytest.fixture
def live_server(_plain_http_server_settings, live_server):
    return live_server
