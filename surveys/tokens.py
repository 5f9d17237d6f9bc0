"""Invitation link tokens.

A token is HMAC-SHA256(SECRET_KEY, a random 256-bit salt kept on the invitation), so the same
link can be e-mailed again in a reminder without the token itself ever being stored: the
database holds the salt and the SHA-256 of the token, and neither reveals the link without the
secret key. Lookups go by digest and are confirmed with a constant-time comparison.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings


def new_salt() -> str:
    return secrets.token_hex(32)


def token_for(salt: str) -> str:
    mac = hmac.new(
        settings.SECRET_KEY.encode("utf-8"), f"invitation-link:{salt}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_link() -> tuple[dict[str, str], str]:
    """A fresh invitation link: the fields an Invitation keeps for it, and the token itself
    (to put in the e-mail, never to store)."""
    salt = new_salt()
    token = token_for(salt)
    return {"token_salt": salt, "token_hash": token_digest(token)}, token


def digests_match(token: str, stored_digest: str) -> bool:
    return hmac.compare_digest(token_digest(token), stored_digest)
