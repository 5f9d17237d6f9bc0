"""GOV.UK Notify's delivery-status callback: what became of each invitation e-mail.

Notify POSTs JSON with the bearer token set in its callback settings (NOTIFY_CALLBACK_TOKEN);
without that token, or with no token configured, the request is refused (403) and nothing read.
"""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import delivery

MAX_BODY_BYTES = 10_000


def _authorised(request: HttpRequest) -> bool:
    expected: str = settings.NOTIFY_CALLBACK_TOKEN
    given = request.headers.get("Authorization", "")
    if not expected or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given.removeprefix("Bearer ").encode(), expected.encode())


@csrf_exempt  # a server-to-server call authenticated by its bearer token, never by a cookie
@require_POST
def notify_callback(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        return JsonResponse({"detail": "A valid bearer token is required."}, status=403)
    if len(request.body) > MAX_BODY_BYTES:
        return JsonResponse({"detail": "The body is too large."}, status=400)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"detail": "The body is not JSON."}, status=400)
    if not isinstance(body, dict) or not all(
        isinstance(body.get(key), str) for key in ("id", "status")
    ):
        return JsonResponse({"detail": "id and status (strings) are required."}, status=400)
    reference = body.get("reference")
    recorded = delivery.invitation_delivery_record(
        notification_id=body["id"],
        status=body["status"],
        reference=reference if isinstance(reference, str) else "",
    )
    # Notify retries anything but a 2xx: an e-mail that is not an invitation (a team
    # invitation, a password reset) is acknowledged too, and simply not recorded.
    return JsonResponse({"recorded": recorded}, status=200)
