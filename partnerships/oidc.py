"""Staff sign-in with the council's OpenID provider: discovery, signing keys, the ID token.

mozilla-django-oidc makes the authorization request (state, nonce and the PKCE verifier kept in
the session) and exchanges the code for tokens. It expects every endpoint in settings and does
not check an ID token's audience or issuer, so this module adds what a council deployment
needs: the endpoints discovered from OIDC_ISSUER (cached), the signing keys from the provider's
JWKS (cached, fetched again once for a key id not seen yet, which is how providers rotate), and
the whole ID token check: RS256 signature, issuer, audience, authorised party, expiry, nonce.

Which account the person gets is partnerships.staff_sign_in's rule. Nothing here logs a token,
a code, the client secret or an e-mail address.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify

from .models import User

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"
# Clocks of the provider and this server may differ by this many seconds.
LEEWAY_SECONDS = 60


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered something that is not what it must be."""


class TokenRefused(Exception):
    """The provider's answer fails a check: never sign anyone in on it. The reason is for the
    log (it names the check, never the token)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _cache_key(kind: str, value: str) -> str:
    return f"oidc:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"{url}: {type(exc).__name__}") from None
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    return document


def _local_or_https(url: object) -> bool:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return parts.scheme == "https" or (
        parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")
    )


def discovery() -> dict[str, Any]:
    """The issuer's OpenID configuration, cached for OIDC_DISCOVERY_CACHE_SECONDS.

    Its issuer must be exactly the configured one (OpenID Connect Discovery 4.3): a document
    naming another issuer is refused, so are endpoints that are not https.
    """
    issuer = settings.OIDC_ISSUER
    key = _cache_key("discovery", issuer)
    document: dict[str, Any] | None = cache.get(key)
    if document is not None:
        return document
    document = _get_json(f"{issuer}/.well-known/openid-configuration")
    if document.get("issuer") != issuer:
        raise ProviderUnavailable("the discovery document names another issuer")
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not _local_or_https(document.get(name)):
            raise ProviderUnavailable(f"the discovery document has no usable {name}")
    if ALGORITHM not in document.get("id_token_signing_alg_values_supported", [ALGORITHM]):
        raise ProviderUnavailable("the provider does not sign ID tokens with RS256")
    cache.set(key, document, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    return document


def _signing_keys(jwks_uri: str, *, fresh: bool = False) -> list[dict[str, Any]]:
    key = _cache_key("jwks", jwks_uri)
    keys: list[dict[str, Any]] | None = None if fresh else cache.get(key)
    if keys is None:
        found = _get_json(jwks_uri).get("keys")
        if not isinstance(found, list):
            raise ProviderUnavailable("the provider's JWKS has no keys")
        keys = [k for k in found if isinstance(k, dict) and k.get("kty") == "RSA"]
        cache.set(key, keys, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    return keys


def _key_for(jwks_uri: str, kid: object) -> Any:
    def match(keys: list[dict[str, Any]]) -> dict[str, Any] | None:
        for candidate in keys:
            if candidate.get("use", "sig") != "sig":
                continue
            if candidate.get("alg", ALGORITHM) != ALGORITHM:
                continue
            if kid is None or candidate.get("kid") == kid:
                return candidate
        return None

    found = match(_signing_keys(jwks_uri)) or match(_signing_keys(jwks_uri, fresh=True))
    if found is None:
        raise TokenRefused("signed with a key the provider does not publish")
    try:
        return jwt.PyJWK(found, algorithm=ALGORITHM).key
    except jwt.PyJWKError:
        raise TokenRefused("the provider published a key that cannot be read") from None


def verify_id_token(token: object, *, nonce: str) -> dict[str, Any]:
    """The ID token's claims, once every check has passed; TokenRefused otherwise."""
    if not isinstance(token, str) or not token:
        raise TokenRefused("no ID token")
    document = discovery()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise TokenRefused("not a JWT") from None
    if header.get("alg") != ALGORITHM:
        # Never "none", never an HMAC keyed with something public.
        raise TokenRefused(f"signed with {header.get('alg')!r}, not {ALGORITHM}")
    key = _key_for(document["jwks_uri"], header.get("kid"))
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=[ALGORITHM],
            audience=settings.OIDC_CLIENT_ID,
            issuer=document["issuer"],
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.InvalidSignatureError:
        raise TokenRefused("bad signature") from None
    except jwt.InvalidAudienceError:
        raise TokenRefused("issued for another audience") from None
    except jwt.InvalidIssuerError:
        raise TokenRefused("issued by another issuer") from None
    except jwt.ExpiredSignatureError:
        raise TokenRefused("expired") from None
    except jwt.InvalidTokenError as exc:
        raise TokenRefused(f"invalid: {type(exc).__name__}") from None
    audience = claims["aud"]
    several = isinstance(audience, list) and len(audience) > 1
    if several and claims.get("azp") != settings.OIDC_CLIENT_ID:
        raise TokenRefused("several audiences and we are not the authorised party")
    if not nonce or not constant_time_compare(str(claims.get("nonce", "")), nonce):
        raise TokenRefused("nonce does not match this sign-in")
    return claims


def email_is_verified(claims: dict[str, Any]) -> bool:
    """True when one of OIDC_EMAIL_VERIFIED_CLAIMS is true (a JSON true, or "true").

    The standard claim is email_verified. Microsoft Entra ID never sends it: its `email` claim
    can be any address an account's owner typed in, unless Entra says the domain is verified
    for the tenant, which it does with the optional claim xms_edov.
    """
    for name in settings.OIDC_EMAIL_VERIFIED_CLAIMS:
        value = claims.get(name)
        if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
            return True
    return False


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with discovered endpoints and a full ID token check.

    It never authenticates through django.contrib.auth.authenticate(): the only way in is
    claims_for(), called by the callback view, which then applies the account rule and the
    lockout. Listed in AUTHENTICATION_BACKENDS so that a session it started finds its user.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Not the parent's __init__: it reads endpoints from settings; ours are discovered.
        self.UserModel = User
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> None:
        return None

    def get_user(self, user_id: Any) -> User | None:
        # ModelBackend's: a deactivated account's session ends at its next request.
        return ModelBackend.get_user(self, user_id)

    def claims_for(
        self, request: HttpRequest, *, code: str, nonce: str, code_verifier: str | None
    ) -> dict[str, Any]:
        """Exchange the code, check the ID token, and add userinfo when the token has no
        e-mail (Entra puts it in the token; many providers only at userinfo)."""
        document = discovery()
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        payload = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": absolutify(request, reverse(settings.OIDC_AUTHENTICATION_CALLBACK_URL)),
        }
        if code_verifier:
            payload["code_verifier"] = code_verifier
        try:
            tokens = self.get_token(payload)
        except requests.HTTPError as exc:
            # The provider refused the code (used, expired, another client's, wrong verifier).
            status = exc.response.status_code if exc.response is not None else "?"
            raise TokenRefused(f"the token endpoint answered {status}") from None
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnavailable(f"token endpoint: {type(exc).__name__}") from None
        if not isinstance(tokens, dict):
            raise TokenRefused("the token endpoint did not answer a JSON object")
        claims = verify_id_token(tokens.get("id_token"), nonce=nonce)
        userinfo_endpoint = document.get("userinfo_endpoint")
        access_token = tokens.get("access_token")
        if "email" not in claims and _local_or_https(userinfo_endpoint) and access_token:
            info = self._userinfo(str(userinfo_endpoint), str(access_token))
            if info.get("sub") != claims["sub"]:
                raise TokenRefused("userinfo is about someone else")
            # The signed token's claims win over the userinfo answer's.
            claims = {**info, **claims}
        return claims

    def _userinfo(self, url: str, access_token: str) -> dict[str, Any]:
        try:
            response = requests.get(
                url,
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=settings.OIDC_TIMEOUT,
            )
            response.raise_for_status()
            info = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnavailable(f"userinfo: {type(exc).__name__}") from None
        if not isinstance(info, dict):
            raise TokenRefused("userinfo is not a JSON object")
        return info
