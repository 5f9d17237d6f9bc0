"""The sign-in page, and staff sign-in through the council's identity provider.

Start: mozilla-django-oidc's authorization request (state, nonce, PKCE in the session) sent to
the discovered endpoint. Callback: the state must be one this session started (used once),
the code is exchanged and the ID token checked (partnerships.oidc), then the account rule
(partnerships.staff_sign_in) and the same lockout as password sign-in (django-axes, keyed on
the address from this client address). Every refusal is a page that says why, never a crash.
"""

from __future__ import annotations

import logging
from typing import Any

# django-axes ships no type information.
from axes.handlers.proxy import AxesProxyHandler  # type: ignore[import-untyped]
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from . import staff_sign_in
from .oidc import (
    ProviderUnavailable,
    StaffOIDCBackend,
    TokenRefused,
    discovery,
    email_is_verified,
)

logger = logging.getLogger(__name__)

BACKEND = "partnerships.oidc.StaffOIDCBackend"

# Reasons a sign-in did not happen, beyond the account rule's own.
UNAVAILABLE = "unavailable"
STATE = "state"
CANCELLED = "cancelled"
UNTRUSTED = "untrusted"

REFUSALS = {
    UNAVAILABLE: (
        503,
        _(
            "Your council's sign-in service cannot be reached just now. Try again in a few "
            "minutes; if it keeps happening, tell your IT team."
        ),
    ),
    STATE: (
        400,
        _(
            "This sign-in was not started on this device, or it was already used. Start "
            "again from the sign-in page."
        ),
    ),
    CANCELLED: (
        400,
        _("Your council's sign-in service did not sign you in (it was cancelled or refused)."),
    ),
    UNTRUSTED: (
        400,
        _(
            "The answer from your council's sign-in service could not be trusted, so you "
            "have not been signed in. If it keeps happening, tell your IT team."
        ),
    ),
    staff_sign_in.UNVERIFIED: (
        403,
        _(
            "Your council account does not show a verified e-mail address, so it cannot be "
            "matched to an account here. Ask your IT team to check your account's e-mail."
        ),
    ),
    staff_sign_in.UNKNOWN: (
        403,
        _(
            "There is no account here for your council account's e-mail address. Ask an "
            "officer of your authority to invite you from the Team page."
        ),
    ),
    staff_sign_in.AMBIGUOUS: (
        403,
        _(
            "More than one account here has your e-mail address. Ask an officer of your "
            "authority to sort this out."
        ),
    ),
    staff_sign_in.DEACTIVATED: (
        403,
        _(
            "Your account here has been deactivated. Ask an officer of your authority if "
            "you need it again."
        ),
    ),
    staff_sign_in.NOT_STAFF: (
        403,
        _(
            "Signing in with a council account is for officers and managers. Partners "
            "answering a questionnaire use the link in their invitation e-mail."
        ),
    ),
}


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    status, message = REFUSALS[reason]
    logger.warning("Staff sign-in through the identity provider refused: %s", reason)
    return render(
        request,
        "registration/oidc_refused.html",
        {"message": message, "password_sign_in": settings.PASSWORD_SIGN_IN},
        status=status,
    )


class SignInView(auth_views.LoginView):
    """Django's sign-in page, with the council's button when OIDC is configured; with
    PASSWORD_SIGN_IN=0 the password form is gone and a posted password refused."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["oidc_provider_name"] = settings.OIDC_PROVIDER_NAME
        context["password_sign_in"] = settings.PASSWORD_SIGN_IN
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.PASSWORD_SIGN_IN:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)


class SignInStart(OIDCAuthenticationRequestView):
    """Off to the council's provider. The endpoint comes from discovery, per request (cached),
    so a provider that is down makes this page say so, not the server fail to start."""

    def __init__(self, **kwargs: Any) -> None:
        # Not the parent's __init__: it reads the endpoint from settings.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponseBase:
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = discovery()["authorization_endpoint"]
        except ProviderUnavailable as exc:
            logger.warning("The identity provider is unavailable: %s", exc)
            return _refused(request, UNAVAILABLE)
        response: HttpResponseBase = super().get(request)
        return response


def _locked_out(request: HttpRequest, username: str) -> bool:
    return bool(AxesProxyHandler.is_locked(request, {"username": username}))


def _failed(request: HttpRequest, username: str) -> None:
    # The signal password sign-in sends: django-axes counts it for this name and address.
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def _lockout_page(request: HttpRequest) -> HttpResponse:
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)


@require_GET
def sign_in_callback(request: HttpRequest) -> HttpResponse:
    if not settings.OIDC_ENABLED:
        raise Http404
    states = request.session.get("oidc_states") or {}
    state = request.GET.get("state", "")
    started = states.pop(state, None) if state else None
    # Used once, whatever happens next: a replayed callback finds nothing.
    request.session["oidc_states"] = states
    if not isinstance(started, dict) or not started.get("nonce"):
        return _refused(request, STATE)
    code = request.GET.get("code", "")
    if request.GET.get("error") or not code:
        return _refused(request, CANCELLED)
    if "iss" in request.GET and request.GET["iss"] != settings.OIDC_ISSUER:
        # RFC 9207: the answer names the provider that sent it; another one's is a mix-up.
        logger.warning("The identity provider's answer was refused: another issuer's code")
        return _refused(request, UNTRUSTED)
    try:
        claims = StaffOIDCBackend().claims_for(
            request,
            code=code,
            nonce=str(started["nonce"]),
            code_verifier=started.get("code_verifier"),
        )
    except ProviderUnavailable as exc:
        logger.warning("The identity provider is unavailable: %s", exc)
        return _refused(request, UNAVAILABLE)
    except TokenRefused as exc:
        logger.warning("The identity provider's answer was refused: %s", exc.reason)
        return _refused(request, UNTRUSTED)
    email = staff_sign_in.normalised_email(claims.get("email"))
    if email and _locked_out(request, email):
        return _lockout_page(request)
    try:
        user = staff_sign_in.staff_sign_in(
            email=email,
            email_verified=email_is_verified(claims),
            first_name=str(claims.get("given_name") or ""),
            last_name=str(claims.get("family_name") or ""),
        )
    except staff_sign_in.SignInRefused as exc:
        if email:
            _failed(request, email)
        return _refused(request, exc.reason)
    if user.get_username().lower() != email and _locked_out(request, user.get_username()):
        # Locked by failed passwords under its user name: the same lock holds here.
        return _lockout_page(request)
    next_url = request.session.pop("oidc_login_next", None)
    auth.login(request, user, backend=BACKEND)
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)
