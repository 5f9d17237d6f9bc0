"""The languages a deployment offers, the reader's choice of one, and bilingual messages.

Only languages in settings.LANGUAGES (those LANGUAGES_OFFERED names) are ever activated, from a
signed-in person's stored preference, the language cookie or the browser's Accept-Language, in
that order; anything else is English. So `<html lang>` always names the language the page is
written in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

WELSH = "cy"
ENGLISH = "en-gb"
# Each language named in itself, as the GOV.UK language switch shows it.
NATIVE_NAMES = {ENGLISH: "English", WELSH: "Cymraeg"}


def offered_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def is_offered(code: str | None) -> bool:
    return bool(code) and code in offered_codes()


def welsh_offered() -> bool:
    return is_offered(WELSH)


def current() -> str:
    """The active language's code, always one offered (English outside a request)."""
    code = translation.get_language()
    return code if is_offered(code) else settings.LANGUAGE_CODE


def in_welsh() -> bool:
    return current() == WELSH


def activate(request: HttpRequest, code: str) -> None:
    """Make `code` the language of the rest of this request (it must be offered)."""
    translation.activate(code)
    request.LANGUAGE_CODE = code


def asked_for(request: HttpRequest) -> str | None:
    """The offered language an Accept-Language header asks for, if it names one."""
    header = request.headers.get("Accept-Language", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            continue
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def apply_preference(request: HttpRequest, user: Any) -> None:
    """A signed-in person's stored preference beats the cookie and the browser's language; an
    API client's explicit Accept-Language beats the preference (it asked for that language)."""
    preferred = getattr(user, "language", "") if user and user.is_authenticated else ""
    if not is_offered(preferred) or preferred == translation.get_language():
        return
    if request.path.startswith("/api/") and asked_for(request):
        return
    activate(request, preferred)


class UserLanguageMiddleware:
    """After authentication (sessions): the stored preference; token-authenticated API calls
    get theirs from core.api.TokenAuthentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        apply_preference(request, getattr(request, "user", None))
        return self.get_response(request)


def remember(request: HttpRequest, response: HttpResponse, code: str) -> None:
    """Keep the reader's choice: a cookie for everyone, and the signed-in person's preference."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "language", code) != code:
        user.language = code
        user.save(update_fields=["language"])


@contextmanager
def language_of(code: str | None) -> Iterator[str]:
    """Render inside this block in `code` if it is offered, else in the default language."""
    chosen = code if code and is_offered(code) else settings.LANGUAGE_CODE
    with translation.override(chosen):
        yield chosen


def languages_for(recorded: str | None) -> list[str]:
    """The languages a message to someone goes out in: theirs if recorded, else every one
    offered, Welsh first (a bilingual message in Wales leads with Welsh)."""
    if recorded and is_offered(recorded):
        return [recorded]
    return sorted(offered_codes(), key=lambda code: code != WELSH)


BILINGUAL_DIVIDER = "\n\n" + "-" * 40 + "\n\n"


def message_in(recorded: str | None, render: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """An e-mail ({"subject", "body", ...}) in the recipient's language, or, when it is not
    known, one e-mail with every offered language: the subjects joined by " / ", the bodies one
    after the other. `render` builds the e-mail in the active language."""
    parts = []
    for code in languages_for(recorded):
        with translation.override(code):
            parts.append(render())
    message = dict(parts[0])
    message["subject"] = " / ".join(part["subject"] for part in parts)
    message["body"] = BILINGUAL_DIVIDER.join(part["body"].strip() for part in parts) + "\n"
    return message


# Stored with a person, a contact, an invitation or a response: "" means not known.
LANGUAGE_CHOICES = [(ENGLISH, "English"), (WELSH, "Cymraeg")]
