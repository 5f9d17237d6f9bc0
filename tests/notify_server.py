"""A local stand-in for GOV.UK Notify on 127.0.0.1: the endpoints the product calls.

`POST /v2/notifications/email` and `GET /v2/notifications/<id>`, each checking the request's
JWT as Notify does (HS256, signed with the key's secret, `iss` the service id, `iat` within 30
seconds). The real client talks to it over HTTP. Tests can make it answer the next requests
with an error status (429, 5xx, 400) to drive the retry rules.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

SERVICE_ID = "3a3e8f4c-7a52-4d8e-9d63-1b2c3d4e5f60"
SECRET = "9b1c2d3e-4f50-4a6b-8c7d-e8f9a0b1c2d3"
API_KEY = f"lens_test-{SERVICE_ID}-{SECRET}"
TEMPLATES = {
    "invitation": "11111111-1111-4111-8111-111111111111",
    "reminder": "22222222-2222-4222-8222-222222222222",
    "team_invitation": "33333333-3333-4333-8333-333333333333",
    "password_reset": "44444444-4444-4444-8444-444444444444",
}
TOKEN_BOUND_SECONDS = 30


@dataclass
class FakeNotify:
    base_url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)  # each accepted send's body
    requests: int = 0  # every request, refused ones included
    refused_tokens: int = 0
    notifications: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_statuses: list[int] = field(default_factory=list)  # forced answers, in order
    lock: threading.Lock = field(default_factory=threading.Lock)

    def token_error(self, header: str) -> str | None:
        if not header.startswith("Bearer "):
            return "Unauthorized, authentication token must be provided"
        token = header.removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.InvalidTokenError:
            return "Invalid token: signature, api token not found"
        if jwt.get_unverified_header(token).get("typ") != "JWT":
            return "Invalid token: type"
        if claims.get("iss") != SERVICE_ID:
            return "Invalid token: iss"
        issued = claims.get("iat")
        if not isinstance(issued, int) or abs(time.time() - issued) > TOKEN_BOUND_SECONDS:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return None


def _handler(notify: FakeNotify) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  # quiet
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, error: str, message: str) -> None:
            self._answer(
                status,
                {"status_code": status, "errors": [{"error": error, "message": message}]},
            )

        def _authorised(self) -> bool:
            with notify.lock:
                notify.requests += 1
            problem = notify.token_error(self.headers.get("Authorization", ""))
            if problem:
                with notify.lock:
                    notify.refused_tokens += 1
                self._error(403, "AuthError", problem)
                return False
            return True

        def _forced(self) -> bool:
            with notify.lock:
                status = notify.next_statuses.pop(0) if notify.next_statuses else None
            if status is None:
                return False
            if status == 429:
                self._error(429, "RateLimitError", "Exceeded rate limit for key type LIVE")
            elif status == 400:
                self._error(400, "BadRequestError", "Template not found")
            else:
                self._error(status, "Exception", "Internal server error")
            return True

        def do_POST(self) -> None:  # noqa: N802  # the http.server name
            if self.path != "/v2/notifications/email":
                self._error(404, "NotFound", "Not found")
                return
            if not self._authorised() or self._forced():
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if body.get("template_id") not in TEMPLATES.values():
                self._error(400, "BadRequestError", "Template not found")
                return
            if "@" not in body.get("email_address", ""):
                self._error(400, "ValidationError", "email_address Not a valid email address")
                return
            notification_id = str(uuid.uuid4())
            with notify.lock:
                notify.received.append(body)
                notify.notifications[notification_id] = {
                    "id": notification_id,
                    "reference": body.get("reference"),
                    "email_address": body["email_address"],
                    "type": "email",
                    "status": "sending",
                    "template": {"id": body["template_id"], "version": 1},
                }
            self._answer(
                201,
                {
                    "id": notification_id,
                    "reference": body.get("reference"),
                    "content": {"subject": "Subject", "body": "Body", "from_email": "x@y"},
                    "uri": f"{notify.base_url}/v2/notifications/{notification_id}",
                    "template": {"id": body["template_id"], "version": 1, "uri": ""},
                },
            )

        def do_GET(self) -> None:  # noqa: N802
            prefix = "/v2/notifications/"
            if not self.path.startswith(prefix):
                self._error(404, "NotFound", "Not found")
                return
            if not self._authorised() or self._forced():
                return
            found = notify.notifications.get(self.path.removeprefix(prefix))
            if found is None:
                self._error(404, "NoResultFound", "No result found")
                return
            self._answer(200, found)

    return Handler


@contextmanager
def fake_notify() -> Iterator[FakeNotify]:
    notify = FakeNotify()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(notify))
    notify.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield notify
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
