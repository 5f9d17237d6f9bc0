"""Staff sign-in through the council's identity provider, end to end over real HTTP.

The provider is a real one (Node's oidc-provider, tests/oidc_provider) on 127.0.0.1; the app is
the live server; `requests` plays the browser: the app's redirect, the provider's sign-in form,
the redirect back with a code, the app exchanging it and checking the ID token against the
provider's published keys. Nothing is mocked.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests

from partnerships.models import AccountInvitation, AuditEvent, Role, User
from partnerships.team import invitation_create
from tests.oidc_provider import CLIENT_SECRET, free_port, provider_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def start(live_server, session: requests.Session, next_url: str = "") -> str:
    """The app's sign-in button: the authorization URL it sends the browser to."""
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    response = session.get(f"{live_server.url}/accounts/oidc/start/{query}", allow_redirects=False)
    assert response.status_code == 302, response.text[:300]
    return response.headers["Location"]


def sign_in(
    live_server, login: str, next_url: str = ""
) -> tuple[requests.Session, requests.Response]:
    """The whole journey as `login`; the app's answer to the callback, redirects followed."""
    session = requests.Session()
    back = provider_sign_in(session, start(live_server, session, next_url), login)
    return session, session.get(back.headers["Location"])


def signed_in_as(session: requests.Session, live_server) -> str:
    """Who the app's home page says is signed in ("" for nobody)."""
    page = session.get(f"{live_server.url}/", allow_redirects=False)
    if page.status_code != 200:
        return ""
    from django.contrib.sessions.models import Session

    data = Session.objects.get(session_key=session.cookies["sessionid"]).get_decoded()
    return User.objects.get(pk=data["_auth_user_id"]).username


def test_the_authorization_request_uses_pkce_state_and_nonce(oidc, live_server):
    query = parse_qs(urlsplit(start(live_server, requests.Session())).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # a SHA-256, base64url
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["redirect_uri"] == [f"{live_server.url}/accounts/oidc/callback/"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}


def test_an_officer_with_a_verified_address_signs_in_with_her_role(oidc, live_server, cast):
    session, page = sign_in(live_server, "alice")
    assert page.status_code == 200
    assert urlsplit(page.url).path == "/"
    assert signed_in_as(session, live_server) == "alice"
    # Roles stay in the product: the provider said nothing about them.
    assert User.objects.get(username="alice").role == Role.OFFICER
    # An officer's pages open (the team page is officers only).
    assert session.get(f"{live_server.url}/team/").status_code == 200
    event = AuditEvent.objects.get(action="auth.signed_in")
    assert (event.actor, event.object_id, event.data) == (
        cast.alice,
        str(cast.alice.pk),
        {"method": "oidc"},
    )
    assert event.authority == cast.authority


def test_a_manager_signs_in_and_keeps_the_managers_limits(oidc, live_server, cast):
    session, page = sign_in(live_server, "mo")
    assert page.status_code == 200
    assert signed_in_as(session, live_server) == "mo"
    assert session.get(f"{live_server.url}/team/").status_code == 403


def test_the_page_asked_for_is_where_the_sign_in_ends(oidc, live_server, cast):
    session, page = sign_in(live_server, "alice", next_url="/team/")
    assert urlsplit(page.url).path == "/team/"
    # Another site is never a destination.
    session, page = sign_in(live_server, "alice", next_url="https://evil.example/")
    assert urlsplit(page.url).netloc == urlsplit(live_server.url).netloc


def test_entra_ids_domain_verified_claim_counts_as_a_verified_address(oidc, live_server, cast):
    session, page = sign_in(live_server, "bob-entra")
    assert page.status_code == 200
    assert signed_in_as(session, live_server) == "bob"


@pytest.mark.parametrize("login", ["alice-unverified", "alice-unsaid", "bob-entra-unverified"])
def test_an_address_the_provider_does_not_say_is_verified_is_refused(
    oidc, live_server, cast, login
):
    session, page = sign_in(live_server, login)
    assert page.status_code == 403
    assert "does not show a verified e-mail address" in page.text
    assert signed_in_as(session, live_server) == ""
    assert not AuditEvent.objects.filter(action="auth.signed_in").exists()


def test_an_unknown_address_is_refused_and_no_account_is_made(oidc, live_server, cast):
    before = User.objects.count()
    session, page = sign_in(live_server, "stranger")
    assert page.status_code == 403
    assert "There is no account here for your council account" in page.text
    assert "invite you from the Team page" in page.text
    assert User.objects.count() == before
    assert signed_in_as(session, live_server) == ""


def test_a_deactivated_account_is_refused_and_the_refusal_audited(oidc, live_server, cast):
    User.objects.filter(pk=cast.alice.pk).update(is_active=False)
    session, page = sign_in(live_server, "alice")
    assert page.status_code == 403
    assert "has been deactivated" in page.text
    assert signed_in_as(session, live_server) == ""
    event = AuditEvent.objects.get(action="auth.sign_in_refused")
    assert event.actor is None
    assert (event.object_id, event.data) == (
        str(cast.alice.pk),
        {"method": "oidc", "reason": "deactivated"},
    )


@pytest.mark.parametrize("login", ["priya", "sam"])
def test_partners_and_administrators_without_an_authority_are_refused(
    oidc, live_server, cast, login
):
    session, page = sign_in(live_server, login)
    assert page.status_code == 403
    assert "for officers and managers" in page.text
    assert signed_in_as(session, live_server) == ""


def test_two_accounts_with_the_address_are_refused(oidc, live_server, cast):
    User.objects.filter(pk=cast.bob.pk).update(email="ALICE@example.org")
    session, page = sign_in(live_server, "alice")
    assert page.status_code == 403
    assert "More than one account here has your e-mail address" in page.text


def test_a_usable_invitation_makes_the_account_with_the_invited_role(oidc, live_server, cast):
    invitation = invitation_create(
        actor=cast.alice,
        email="newcomer@example.org",
        role=Role.MANAGER,
        sees_whole_authority=True,
    )
    session, page = sign_in(live_server, "newcomer")
    assert page.status_code == 200
    user = User.objects.get(email="newcomer@example.org")
    assert (user.role, user.authority, user.sees_whole_authority) == (
        Role.MANAGER,
        cast.authority,
        True,
    )
    assert (user.first_name, user.last_name) == ("Nia", "Newcomer")
    assert not user.has_usable_password()
    assert signed_in_as(session, live_server) == "newcomer@example.org"
    invitation.refresh_from_db()
    assert invitation.used_at is not None and invitation.user == user
    joined = AuditEvent.objects.get(action="team.joined")
    assert joined.data == {"invitation": invitation.pk, "role": "manager", "method": "oidc"}


def test_a_withdrawn_invitation_is_not_honoured(oidc, live_server, cast):
    invitation = invitation_create(
        actor=cast.alice, email="newcomer@example.org", role=Role.OFFICER
    )
    from partnerships.team import invitation_withdraw

    invitation_withdraw(actor=cast.alice, invitation=invitation)
    session, page = sign_in(live_server, "newcomer")
    assert page.status_code == 403
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_a_partners_invitation_is_not_honoured(oidc, live_server, cast):
    invitation_create(
        actor=cast.alice, email="newcomer@example.org", role=Role.PARTNER, agency=cast.agency
    )
    session, page = sign_in(live_server, "newcomer")
    assert page.status_code == 403
    assert not User.objects.filter(email="newcomer@example.org").exists()
    assert AccountInvitation.objects.get().used_at is None


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_a_tampered_state_is_refused(oidc, live_server, cast):
    session = requests.Session()
    back = provider_sign_in(session, start(live_server, session), "alice")
    page = session.get(with_query(back.headers["Location"], state="x" * 32))
    assert page.status_code == 400
    assert "not started on this device" in page.text
    assert signed_in_as(session, live_server) == ""


def test_a_callback_is_used_once(oidc, live_server, cast):
    session = requests.Session()
    back = provider_sign_in(session, start(live_server, session), "alice")
    first = session.get(back.headers["Location"], allow_redirects=False)
    assert first.status_code == 302
    session.cookies.clear()
    # Replayed, even in the session that started it, it finds no state.
    replay = requests.Session()
    replay.cookies.update(session.cookies)
    assert replay.get(back.headers["Location"]).status_code == 400


def test_a_callback_from_another_browser_is_refused(oidc, live_server, cast):
    # Login CSRF: a victim's browser is sent the attacker's code and state.
    attacker = requests.Session()
    back = provider_sign_in(attacker, start(live_server, attacker), "alice")
    victim = requests.Session()
    victim.get(f"{live_server.url}/accounts/login/")
    page = victim.get(back.headers["Location"])
    assert page.status_code == 400
    assert signed_in_as(victim, live_server) == ""


def test_a_code_without_its_pkce_verifier_is_refused_by_the_provider(oidc, live_server, cast):
    # The state (and so the PKCE verifier) of one sign-in, the code of another browser's:
    # the provider refuses the exchange, and the app says the answer could not be trusted.
    session = requests.Session()
    first = provider_sign_in(session, start(live_server, session), "alice")
    other = requests.Session()
    second = provider_sign_in(other, start(live_server, other), "alice")
    code = parse_qs(urlsplit(second.headers["Location"]).query)["code"][0]
    page = session.get(with_query(first.headers["Location"], code=code))
    assert page.status_code == 400
    assert "could not be trusted" in page.text
    assert signed_in_as(session, live_server) == ""


@pytest.mark.parametrize(
    "login", ["alice-wrong-audience", "alice-wrong-issuer", "alice-bad-signature"]
)
def test_an_id_token_failing_a_check_is_refused(oidc, live_server, cast, login, caplog):
    session, page = sign_in(live_server, login)
    assert page.status_code == 400
    assert "could not be trusted" in page.text
    assert signed_in_as(session, live_server) == ""
    reason = {
        "alice-wrong-audience": "issued for another audience",
        "alice-wrong-issuer": "issued by another issuer",
        "alice-bad-signature": "bad signature",
    }[login]
    assert reason in caplog.text


def test_a_provider_cancelling_the_sign_in_is_said_so(oidc, live_server, cast):
    session = requests.Session()
    authorization = start(live_server, session)
    state = parse_qs(urlsplit(authorization).query)["state"][0]
    page = session.get(
        f"{live_server.url}/accounts/oidc/callback/?"
        + urlencode({"error": "access_denied", "state": state})
    )
    assert page.status_code == 400
    assert "did not sign you in" in page.text


def test_an_unreachable_provider_is_a_clear_page(oidc, live_server, settings, cast):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    page = requests.get(f"{live_server.url}/accounts/oidc/start/", timeout=30)
    assert page.status_code == 503
    assert "cannot be reached just now" in page.text


def test_a_discovery_document_naming_another_issuer_is_refused(oidc, live_server, settings, cast):
    # The same provider, configured as localhost: its document says 127.0.0.1.
    settings.OIDC_ISSUER = oidc.replace("127.0.0.1", "localhost")
    page = requests.get(f"{live_server.url}/accounts/oidc/start/", timeout=30)
    assert page.status_code == 503


def test_the_discovery_document_is_cached(oidc, live_server, cast):
    from django.core.cache import cache

    from partnerships.oidc import _cache_key

    assert cache.get(_cache_key("discovery", oidc)) is None
    start(live_server, requests.Session())
    document = cache.get(_cache_key("discovery", oidc))
    assert document["issuer"] == oidc
    assert cache.get(_cache_key("jwks", document["jwks_uri"])) is None  # keys: at the callback
    sign_in(live_server, "alice")
    assert cache.get(_cache_key("jwks", document["jwks_uri"]))[0]["kty"] == "RSA"


def test_refused_sign_ins_count_towards_the_lockout(oidc, live_server, settings, cast):
    settings.AXES_FAILURE_LIMIT = 2
    User.objects.filter(pk=cast.alice.pk).update(is_active=False)
    assert sign_in(live_server, "alice")[1].status_code == 403
    # As with passwords, the failure that reaches the limit already answers the lockout page.
    assert sign_in(live_server, "alice")[1].status_code == 429
    User.objects.filter(pk=cast.alice.pk).update(is_active=True)
    session, page = sign_in(live_server, "alice")
    assert page.status_code == 429
    assert "Too many failed sign-in attempts" in page.text
    assert signed_in_as(session, live_server) == ""
    # Another address from the same place is not locked.
    assert sign_in(live_server, "mo")[1].status_code == 200


def test_no_secret_token_or_code_reaches_the_logs(oidc, live_server, cast, caplog):
    caplog.set_level("DEBUG")
    session = requests.Session()
    back = provider_sign_in(session, start(live_server, session), "alice")
    code = parse_qs(urlsplit(back.headers["Location"]).query)["code"][0]
    assert session.get(back.headers["Location"]).status_code == 200
    sign_in(live_server, "stranger")
    sign_in(live_server, "alice-wrong-audience")
    assert caplog.records
    assert CLIENT_SECRET not in caplog.text
    assert code not in caplog.text
    assert "eyJ" not in caplog.text  # no JWT (an ID token's header starts so)
    ours = [r.getMessage().lower() for r in caplog.records if r.name.startswith("partnerships")]
    assert ours and not any("@example.org" in message for message in ours)


@pytest.mark.parametrize("who", ["anonymous", "priya", "mo", "alice", "oscar", "sam"])
def test_every_role_may_start_a_sign_in_and_none_passes_a_callback_it_did_not_start(
    oidc, live_server, cast, client, who
):
    # The permission table's row for these URLs, with OIDC configured: starting a sign-in is
    # open to anyone (it only leads to the provider); a callback without this session's
    # state signs nobody in and changes nobody's session.
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    started = client.get("/accounts/oidc/start/")
    assert started.status_code == 302
    assert started["Location"].startswith(f"{oidc}/auth?")
    callback = client.get("/accounts/oidc/callback/?code=abc&state=def")
    assert callback.status_code == 400
    me = client.get("/").wsgi_request.user
    assert (me.username if me.is_authenticated else "anonymous") == who


def test_the_callback_names_the_issuer_and_another_ones_is_refused(oidc, live_server, cast):
    # oidc-provider names itself in the redirect (RFC 9207); a code said to be another
    # provider's (a mix-up) is not exchanged.
    session = requests.Session()
    back = provider_sign_in(session, start(live_server, session), "alice")
    assert parse_qs(urlsplit(back.headers["Location"]).query)["iss"] == [oidc]
    page = session.get(with_query(back.headers["Location"], iss="https://idp.example"))
    assert page.status_code == 400
    assert "could not be trusted" in page.text
    assert signed_in_as(session, live_server) == ""


def test_keys_the_cache_does_not_hold_are_fetched_again(oidc, live_server, cast):
    # A provider rotates its key: the cached JWKS lacks the new key id, so it is fetched anew.
    from django.core.cache import cache

    from partnerships.oidc import _cache_key

    jwks_uri = requests.get(f"{oidc}/.well-known/openid-configuration", timeout=10).json()[
        "jwks_uri"
    ]
    cache.set(
        _cache_key("jwks", jwks_uri), [{"kty": "RSA", "kid": "retired", "n": "x", "e": "AQAB"}]
    )
    session, page = sign_in(live_server, "alice")
    assert page.status_code == 200
    assert signed_in_as(session, live_server) == "alice"
    assert [k["kid"] for k in cache.get(_cache_key("jwks", jwks_uri))] == ["test-signing-key"]
