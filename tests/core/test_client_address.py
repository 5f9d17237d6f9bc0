"""Behind the reverse proxy every limit keys on the client's address, never one it chose.

The attacks: a client behind the proxy writes its own X-Forwarded-For to escape the link-guess
limit or the sign-in lockout (or to lock someone else out); a client talking to the app
directly sends the header at all.
"""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from core.client_address import client_ip
from tests import factories
from tests.factories import PASSWORD

PROXY = "10.0.0.1"  # every request that came through the proxy has this REMOTE_ADDR


def behind_proxy(address: str, *, sent_by_client: str = "") -> Client:
    """A browser at `address` behind the proxy, which appends `address` to what it was sent."""
    forwarded = f"{sent_by_client}, {address}" if sent_by_client else address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def link(token: str) -> str:
    return reverse("surveys:respond_link", args=[token])


@pytest.fixture
def token(cast) -> str:
    """A genuine invitation link's token."""
    rnd = factories.survey_round(cast.project)
    return factories.invitation(rnd, cast.agency)[1]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, None, PROXY),
        (0, "203.0.113.5", PROXY),  # no proxy: the header is the client's own, ignored
        (1, None, PROXY),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.7, 203.0.113.5", "203.0.113.5"),  # only what the proxy appended
        (1, "not-an-address, 203.0.113.5", "203.0.113.5"),
        (2, "198.51.100.7, 203.0.113.5, 192.0.2.10", "203.0.113.5"),
        (2, "203.0.113.5", PROXY),  # fewer entries than proxies: not a proxied request
    ],
)
def test_the_client_address_is_counted_from_the_right(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **extra)
    assert client_ip(request) == expected


def test_two_clients_behind_one_proxy_are_limited_separately(token, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LINK_GUESS_LIMIT = 3
    guesser = behind_proxy("203.0.113.5")
    for n in range(3):
        assert guesser.get(link(f"guess-{n}")).status_code == 404
    assert guesser.get(link("guess-3")).status_code == 429
    # Another respondent behind the same proxy still opens their link.
    respondent = behind_proxy("203.0.113.6")
    assert respondent.get(link(token)).status_code == 302


def test_a_client_behind_the_proxy_cannot_spoof_its_way_past_the_link_limit(token, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LINK_GUESS_LIMIT = 3
    for n in range(3):
        guesser = behind_proxy("203.0.113.5", sent_by_client=f"198.51.100.{n}")
        assert guesser.get(link(f"guess-{n}")).status_code == 404
    spoofer = behind_proxy("203.0.113.5", sent_by_client="198.51.100.99")
    assert spoofer.get(link("guess-next")).status_code == 429
    # Nor can it name a neighbour's address to get the neighbour blocked.
    assert behind_proxy("203.0.113.6").get(link(token)).status_code == 302


def test_a_direct_client_sending_x_forwarded_for_is_still_limited(token, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.LINK_GUESS_LIMIT = 3
    for n in range(3):
        direct = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert direct.get(link(f"guess-{n}")).status_code == 404
    direct = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert direct.get(link(token)).status_code == 429


def sign_in(client: Client, password: str) -> int:
    return client.post(reverse("login"), {"username": "alice", "password": password}).status_code


def test_the_sign_in_lockout_is_per_real_client_address_behind_the_proxy(cast, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        # The attacker varies the header it sends; the proxy appends its real address.
        attacker = behind_proxy("203.0.113.5", sent_by_client=f"198.51.100.{n}")
        assert sign_in(attacker, "wrong") == (200 if n < 4 else 429)
    assert sign_in(behind_proxy("203.0.113.5", sent_by_client="198.51.100.99"), PASSWORD) == 429
    # Alice, at her own address behind the same proxy, is not locked out by it.
    assert sign_in(behind_proxy("203.0.113.6"), PASSWORD) == 302


def test_a_direct_client_cannot_escape_the_lockout_with_x_forwarded_for(cast, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        attacker = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert sign_in(attacker, "wrong") == (200 if n < 4 else 429)
    attacker = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert sign_in(attacker, PASSWORD) == 429
    assert sign_in(Client(REMOTE_ADDR="203.0.113.6"), PASSWORD) == 302
