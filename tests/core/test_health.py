"""/healthz and /readyz: what a load balancer calls, by a node's own address, over plain HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word: a hung database or broker."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()


def test_liveness_answers_without_the_database_from_any_host_over_plain_http(
    db, settings, django_assert_num_queries
):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["lens.example.gov.uk"]
    with django_assert_num_queries(0):
        response = Client().get("/healthz", HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response


def test_readiness_reports_each_dependency(db, settings):
    settings.CELERY_BROKER_URL = "memory://"  # eager tasks: no broker to ask
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/readyz", HTTP_HOST="10.0.3.7")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_readiness_with_a_real_broker_and_cache(db, settings, private_redis):
    settings.CELERY_BROKER_URL = private_redis
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis,
        }
    }
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_a_broker_and_cache_that_refuse_fail_readiness_naming_them_and_nothing_else(db, settings):
    port = _free_port()  # nothing listens there
    settings.CELERY_BROKER_URL = f"redis://:s3cret-password@127.0.0.1:{port}/3"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/3",
        }
    }
    started = time.monotonic()
    response = Client().get("/readyz")
    assert time.monotonic() - started < settings.READINESS_TIMEOUT_SECONDS + 1
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "failed", "broker": "failed"},
    }
    body = response.content.decode()
    assert "s3cret" not in body and str(port) not in body and "127.0.0.1" not in body


def test_a_hung_broker_fails_readiness_within_the_timeout(db, settings):
    settings.READINESS_TIMEOUT_SECONDS = 0.5
    with silent_server() as port:
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/3"
        started = time.monotonic()
        response = Client().get("/readyz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "failed"
    assert elapsed < 1.5


def _readiness_in_a_fresh_process(database_url: str) -> tuple[int, dict, float]:
    code = (
        "import json, time, django; django.setup()\n"
        "from django.test import Client\n"
        "started = time.monotonic()\n"
        "response = Client().get('/readyz')\n"
        "print(json.dumps([response.status_code, response.json(), time.monotonic() - started]))\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONNECT_TIMEOUT": "10",
        "READINESS_TIMEOUT_SECONDS": "0.8",
        "DJANGO_DEBUG": "1",
    }
    # Tasks run eagerly in that process (no broker to ask), whatever this run uses.
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "REQUIRE_CELERY_BROKER"):
        environment.pop(name, None)
    done = subprocess.run(  # noqa: S603  # our own interpreter, fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    status, body, elapsed = json.loads(done.stdout.splitlines()[-1])
    return status, body, elapsed


def test_a_stopped_database_fails_readiness_at_once():
    port = _free_port()
    status, body, elapsed = _readiness_in_a_fresh_process(f"postgres://nobody@127.0.0.1:{port}/x")
    assert status == 503
    assert body == {"status": "unavailable", "checks": {"database": "failed", "cache": "ok"}}
    assert elapsed < 1.0


def test_a_hung_database_fails_readiness_within_the_timeout():
    with silent_server() as port:
        status, body, elapsed = _readiness_in_a_fresh_process(
            f"postgres://nobody@127.0.0.1:{port}/x"
        )
    assert status == 503
    assert body["checks"] == {"database": "failed", "cache": "ok"}
    assert 0.8 <= elapsed < 1.5  # not the 10 s connect timeout


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_only_get_and_head_are_answered(db, path):
    assert Client().post(path).status_code == 405
    assert Client().head(path).status_code == 200
