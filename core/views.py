"""The language switch's target: remember the choice, go back to the page it came from."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import languages


@never_cache
@require_GET
def language_choose(request: HttpRequest, code: str) -> HttpResponse:
    """Open to everyone (a link in every page's header): only an offered language, and only a
    path on this site to go back to."""
    if not languages.is_offered(code):
        raise Http404
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not next_url.startswith("/"):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    languages.remember(request, response, code)
    return response
