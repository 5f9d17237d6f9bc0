"""Health endpoints for the load balancer: `/healthz` (alive) and `/readyz` (can serve).

Answered by a middleware placed first, before the host check, the HTTPS redirect, sessions and
sign-in: a balancer calls a node by its own address over plain HTTP, and neither check may
depend on anything but what it tests. `/healthz` touches nothing; `/readyz` asks the database,
the cache and the broker, each bounded by READINESS_TIMEOUT_SECONDS, and says only which of them
failed, never why (no host names, no error texts).
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from kombu import Connection

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
CACHE_KEY_PREFIX = "readyz:"


def check_database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            if cursor.fetchone() != (1,):
                raise RuntimeError("unexpected answer")
    finally:
        # The check runs in a thread of its own: its connection must not outlive it.
        connection.close()


def check_cache() -> None:
    key, value = CACHE_KEY_PREFIX + secrets.token_hex(8), secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not keep a value")
    finally:
        cache.delete(key)


def check_broker() -> None:
    timeout = settings.READINESS_TIMEOUT_SECONDS
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=timeout) as broker:
        broker.ensure_connection(max_retries=1, timeout=max(1, math.ceil(timeout)))


def readiness_checks() -> dict[str, Callable[[], None]]:
    checks = {"database": check_database, "cache": check_cache}
    if not settings.CELERY_BROKER_URL.startswith("memory://"):  # eager tasks: no broker
        checks["broker"] = check_broker
    return checks


def readiness() -> dict[str, bool]:
    """Each dependency: did it answer within the timeout? All are asked at once."""
    checks = readiness_checks()
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="readyz")
    futures = {name: pool.submit(check) for name, check in checks.items()}
    wait(futures.values(), timeout=settings.READINESS_TIMEOUT_SECONDS)
    # A check still running is a failure; its thread ends on its own (connect timeouts).
    pool.shutdown(wait=False, cancel_futures=True)
    return {
        name: future.done() and not future.cancelled() and future.exception() is None
        for name, future in futures.items()
    }


def _answer(status: int, body: dict[str, object]) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class HealthCheckMiddleware:
    """Answers the two health paths (GET or HEAD) before any other middleware runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if path not in (LIVENESS_PATH, READINESS_PATH):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _answer(405, {"status": "method not allowed"})
            response["Allow"] = "GET, HEAD"
            return response
        if path == LIVENESS_PATH:
            return _answer(200, {"status": "ok"})
        results = readiness()
        ready = all(results.values())
        return _answer(
            200 if ready else 503,
            {
                "status": "ok" if ready else "unavailable",
                "checks": {name: "ok" if ok else "failed" for name, ok in results.items()},
            },
        )
