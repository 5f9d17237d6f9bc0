"""Which invitation this browser is answering: a signed cookie, not a server-side session.

The link's token is exchanged once for this cookie (a new value whenever the invitation
changes, so nobody can plant theirs in another's browser); the browser then moves to URLs
without the token. The cookie holds the invitation's id signed with the secret key and the time
it was set, is refused once older than the session age, and is HttpOnly, SameSite=Lax and
Secure over HTTPS. It grants nothing the invitation itself no longer allows: every page still
reads the invitation and refuses a withdrawn one, a closed round or a submitted response. What
it saves is a session row read on every page of the questionnaire (and written on the first).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SALT = "surveys.respondent"


def bound_invitation_id(request: HttpRequest) -> int | None:
    """The invitation this browser was bound to, if its cookie is genuine and not too old."""
    value = request.get_signed_cookie(
        settings.RESPONDENT_COOKIE_NAME,
        default=None,
        salt=SALT,
        max_age=settings.SESSION_COOKIE_AGE,
    )
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def bind(request: HttpRequest, invitation_id: int) -> None:
    """Bind this browser to the invitation on the way out (see sets_binding)."""
    if bound_invitation_id(request) != invitation_id:
        request.respondent_binding = invitation_id  # type: ignore[attr-defined]


def sets_binding(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorates the views that may bind the browser: the cookie goes on their response."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        invitation_id = getattr(request, "respondent_binding", None)
        if invitation_id is not None:
            response.set_signed_cookie(
                settings.RESPONDENT_COOKIE_NAME,
                str(invitation_id),
                salt=SALT,
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return wrapped
