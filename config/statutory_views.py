"""The pages every UK public-sector service publishes: accessibility, privacy, cookies.

Anyone may read them, signed in or not, with or without an invitation link. They name the
authority the visitor belongs to (a signed-in person's, or that of the round whose link the
browser's session holds), or the deployment's own settings for a visitor with neither.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from partnerships.models import User
from partnerships.selectors import ServiceOwner, service_owner
from surveys.respondent_cookie import bound_invitation_id
from surveys.selectors import visitor_authority


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    lasts: str


def _owner(request: HttpRequest) -> dict[str, object]:
    """The page's `owner` (who runs the service for this visitor) and how to name them."""
    user: User = request.user  # type: ignore[assignment]  # AnonymousUser reads as not signed in
    owner: ServiceOwner = service_owner(visitor_authority(user, bound_invitation_id(request)))
    return {
        "owner": owner,
        "owner_name": owner.name or _("the local authority that runs the survey"),
    }


def _duration(seconds: int) -> str:
    now = timezone.now()
    return timeuntil(now + dt.timedelta(seconds=seconds), now)


def cookies_set() -> list[Cookie]:
    """The cookies this deployment sets, by the names its settings give them."""
    cookies = [
        Cookie(
            settings.SESSION_COOKIE_NAME,
            _("Keeps you signed in."),
            _("%(duration)s, or until you sign out")
            % {"duration": _duration(settings.SESSION_COOKIE_AGE)},
        ),
        Cookie(
            settings.RESPONDENT_COOKIE_NAME,
            _(
                "When you opened a questionnaire from your link, remembers which questionnaire "
                "is yours so the link never has to appear again."
            ),
            _duration(settings.SESSION_COOKIE_AGE),
        ),
    ]
    if not settings.CSRF_USE_SESSIONS:
        cookies.append(
            Cookie(
                settings.CSRF_COOKIE_NAME,
                _("Stops other websites from sending forms to this service in your name."),
                _duration(settings.CSRF_COOKIE_AGE),
            )
        )
    if settings.MESSAGE_STORAGE in (
        "django.contrib.messages.storage.fallback.FallbackStorage",
        "django.contrib.messages.storage.cookie.CookieStorage",
    ):
        cookies.append(
            Cookie(
                CookieStorage.cookie_name,
                _('Carries a confirmation such as "Agency updated." to the next page you see.'),
                _("Until that page is shown"),
            )
        )
    try:
        reverse("set_language")
    except NoReverseMatch:
        pass
    else:
        cookies.append(
            Cookie(
                settings.LANGUAGE_COOKIE_NAME,
                _("Remembers the language you chose (English or Welsh)."),
                _duration(settings.LANGUAGE_COOKIE_AGE)
                if settings.LANGUAGE_COOKIE_AGE
                else _("Until you close your browser"),
            )
        )
    return cookies


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "statutory/accessibility.html",
        {
            **_owner(request),
            "tested_on": settings.ACCESSIBILITY_TESTED_ON,
            "review_on": settings.ACCESSIBILITY_REVIEW_ON,
        },
    )


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "statutory/privacy.html",
        {
            **_owner(request),
            "retention_days": settings.RESPONSE_RETENTION_DAYS,
            "export_retention_days": settings.EXPORT_RETENTION_DAYS,
            "invitation_hours": settings.ACCOUNT_INVITATION_HOURS,
            "email_through_notify": settings.EMAIL_CHANNEL == "notify",
        },
    )


@require_GET
def cookies(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "statutory/cookies.html",
        {**_owner(request), "cookies": cookies_set()},
    )
