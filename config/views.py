"""Project-wide error pages: a database outage, and an expired form (the CSRF failure view).

The one that matters: when the database is down or restarting, every page and API call fails
with a django.db OperationalError or InterfaceError, often before any view runs (the session
and authentication middleware read the database). Those land in handler500, which Django calls
inside its ``except`` block, so ``sys.exc_info()`` says what went wrong. A database outage gets
a 503 with Retry-After (JSON under /api/) instead of the generic 500 page; anything else keeps
the 500.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views import defaults

from surveys.respond_views import csrf_failure_on_section

RETRY_AFTER_SECONDS = 30


def database_unavailable() -> bool:
    """True inside the handling of a database outage (connection refused, lost, closed)."""
    error = sys.exc_info()[1]
    return isinstance(error, OperationalError | InterfaceError)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    message = _("Service unavailable, try again shortly.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        # Rendered without the request: its context processors would read the user and the
        # messages from the session, that is from the database that is down.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    if database_unavailable():
        return service_unavailable(request)
    return defaults.server_error(request, template_name=template_name)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """An expired form. On a questionnaire page, show it again with what was typed."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match and match.view_name == "surveys:respond_section":
        return csrf_failure_on_section(request, match.kwargs["number"])
    return render(request, "403_csrf.html", status=403)
