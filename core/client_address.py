"""The client's address: the one function every per-address limit keys on.

The sign-in lockout (django-axes, through AXES_CLIENT_IP_CALLABLE) and the invitation
link-guess limit both call ``client_ip``. Behind a reverse proxy REMOTE_ADDR is the proxy's
address, the same for everyone, so TRUSTED_PROXY_COUNT says how many proxies stand in front of
the app, each appending the address it received the request from to X-Forwarded-For (nginx's
``$proxy_add_x_forwarded_for``). The client is then the TRUSTED_PROXY_COUNT-th address from the
right: the one our outermost proxy appended. Everything to its left was sent by the client
and is never read, so a client cannot pick another address by sending its own header.

With TRUSTED_PROXY_COUNT = 0 (the default) the header is ignored altogether: REMOTE_ADDR.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

FORWARDED_HEADER = "HTTP_X_FORWARDED_FOR"


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent this request, as far as our proxies vouch for it."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    # django-ipware counts the proxies listed in the header after the client: our outermost
    # proxy appends the client's address and is itself not listed, so one fewer. Only this one
    # header is read (no ranking against other headers or REMOTE_ADDR), and strict=False lets
    # the client prepend whatever it likes, never moving the position counted from the right.
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxies - 1,
        request_header_order=(FORWARDED_HEADER,),
        strict=False,
    )
    # No header (a request that bypassed the proxy, or a health check from the proxy host) or
    # too few entries: the connection's own address, never something the client wrote.
    return address or remote
