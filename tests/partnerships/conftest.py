"""The test OpenID provider's fixtures (tests/oidc_provider), for the staff sign-in tests."""

from __future__ import annotations

import pytest

from tests.oidc_provider import (  # noqa: F401  (fixtures)
    _oidc_plain_http,
    _oidc_providers,
    oidc,
    oidc_provider,
)


@pytest.fixture
def live_server(_oidc_plain_http, live_server):  # noqa: F811  (the fixture, requested)
    return live_server
