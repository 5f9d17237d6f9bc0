"""A real OpenID provider for the staff sign-in tests: Node's oidc-provider (OpenID-certified),
run by provider.mjs beside this file on a free port of 127.0.0.1, one per test session.

`make test` installs it (npm ci here). The people it knows are ACCOUNTS: the login name typed
into its sign-in form, and the claims it vouches for. The cast's e-mail addresses are
<username>@example.org; the provider spells some in other cases, as directories do.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

HERE = Path(__file__).resolve().parent
CLIENT_ID = "partnership-lens"
CLIENT_SECRET = "test-client-secret-that-must-never-be-logged"

ACCOUNTS = {
    "alice": {"email": "Alice@Example.ORG", "email_verified": True, "given_name": "Alice"},
    "mo": {"email": "mo@example.org", "email_verified": True},
    "priya": {"email": "priya@example.org", "email_verified": True},
    "sam": {"email": "sam@example.org", "email_verified": True},
    "stranger": {"email": "stranger@example.org", "email_verified": True},
    # Alice's address, but the provider does not say it is verified (or says it is not).
    "alice-unverified": {"email": "alice@example.org", "email_verified": False},
    "alice-unsaid": {"email": "alice@example.org"},
    # Microsoft Entra ID's way: no email_verified, xms_edov (domain owner verified) instead.
    "bob-entra": {"email": "BOB@example.org", "xms_edov": True},
    "bob-entra-unverified": {"email": "bob@example.org", "xms_edov": False},
    "newcomer": {
        "email": "Newcomer@Example.org",
        "email_verified": True,
        "given_name": "Nia",
        "family_name": "Newcomer",
    },
    # A provider that misbehaves: the ID token is re-signed with one thing wrong.
    "alice-wrong-audience": {
        "email": "alice@example.org",
        "email_verified": True,
        "tamper": "audience",
    },
    "alice-wrong-issuer": {
        "email": "alice@example.org",
        "email_verified": True,
        "tamper": "issuer",
    },
    "alice-bad-signature": {
        "email": "alice@example.org",
        "email_verified": True,
        "tamper": "signature",
    },
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_provider(redirect_uri: str) -> tuple[subprocess.Popen, str]:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(
            "The test OpenID provider is not installed: `make test` runs "
            "`npm ci --prefix tests/oidc_provider` (needs Node.js)."
        )
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PORT": str(port),
        "ISSUER": issuer,
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URI": redirect_uri,
        "ACCOUNTS": json.dumps(ACCOUNTS),
    }
    process = subprocess.Popen(  # noqa: S603  # the machine's node, our own script
        [node, str(HERE / "provider.mjs")],
        cwd=HERE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("READY"):
        process.kill()
        pytest.fail(f"The test OpenID provider did not start: {line!r}")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    return process, issuer


@pytest.fixture(scope="session")
def _oidc_providers():
    """Providers started in this session, by the callback URL they redirect to (one per live
    server, in practice one), stopped at its end."""
    started: dict[str, tuple[subprocess.Popen, str]] = {}
    yield started
    for process, _issuer in started.values():
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def oidc_provider(_oidc_providers, live_server) -> str:
    """The provider's issuer URL; its one client redirects to the live server's callback."""
    redirect_uri = f"{live_server.url}/accounts/oidc/callback/"
    if redirect_uri not in _oidc_providers:
        _oidc_providers[redirect_uri] = start_provider(redirect_uri)
    return _oidc_providers[redirect_uri][1]


@pytest.fixture
def oidc(settings, oidc_provider) -> str:
    """The app configured for the test provider, as OIDC_ISSUER/CLIENT_ID/SECRET would."""
    settings.OIDC_ISSUER = oidc_provider
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ENABLED = True
    return oidc_provider


FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def provider_sign_in(
    session: requests.Session, authorization_url: str, login: str
) -> requests.Response:
    """At the provider: its sign-in form, filled in as `login` (any password), then every
    redirect up to, not including, the one back to the app; returns that redirect."""
    page = session.get(authorization_url)
    assert page.status_code == 200, page.text[:500]
    action = FORM_ACTION.search(page.text)
    assert action, page.text[:500]
    response = session.post(
        urljoin(page.url, unescape(action.group(1))),
        data={"prompt": "login", "login": login, "password": "any password"},
        allow_redirects=False,
    )
    while response.is_redirect:
        location = urljoin(response.url, response.headers["Location"])
        if "/accounts/oidc/callback/" in location:
            return response
        response = session.get(location, allow_redirects=False)
    raise AssertionError(f"the provider did not send the browser back: {response.status_code}")


@pytest.fixture(scope="session")
def _oidc_plain_http():
    # The live server builds its middleware once, before any per-test settings override, and
    # the suite runs with DEBUG off (HTTPS redirects on). The test server speaks plain HTTP.
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
