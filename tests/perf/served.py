"""How the harness serves the app and talks to it.

Our own gunicorn and Celery processes on free ports of 127.0.0.1, with production settings over
plain HTTP, stopped whatever happens; and small HTTP clients: a blocking one that keeps a
session's cookies (the respondent journey, the fault scenarios) and one-connection asyncio
requests (cheap load generators beside gunicorn and PostgreSQL on the same two cores).

Nothing here reads Django's settings: the fault scenarios start their processes before Django
is set up (their private servers' addresses are settings).
"""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import signal
import socket
import subprocess  # the harness starts our own gunicorn and celery, nothing else
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
BIN_DIR = Path(sys.executable).parent
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# How the harness serves the app: production settings over plain HTTP on 127.0.0.1, quiet logs,
# kept database connections.
SERVED_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_HTTPS": "0",
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "WARNING",
    "DATABASE_CONN_MAX_AGE": "60",
}


# --------------------------------------------------------------------------------------------
# Ports and processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not listening(port):
        if time.monotonic() >= deadline:
            raise RuntimeError(f"nothing listening on 127.0.0.1:{port}")
        time.sleep(0.1)


def start_process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """A process in a process group of its own (stop_process stops it with its children)."""
    # Our own gunicorn and celery binaries with fixed arguments: nothing comes from outside.
    return subprocess.Popen(  # noqa: S603  # see the comment above
        args,
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM to the whole process group, SIGKILL if it has not gone within 20 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def gunicorn_command(port: int, workers: int, *options: str) -> list[str]:
    """Our gunicorn serving config.wsgi on 127.0.0.1:port with `workers` sync workers."""
    return [
        str(BIN_DIR / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        *options,
        "--log-level",
        "warning",
    ]


def celery_worker_command(*options: str) -> list[str]:
    return [str(BIN_DIR / "celery"), "-A", "config", "worker", *options]


def celery_beat_command(*options: str) -> list[str]:
    return [str(BIN_DIR / "celery"), "-A", "config", "beat", *options]


@contextmanager
def app_servers(*, env: dict[str, str], workers: int, name: str) -> Iterator[int]:
    """gunicorn (`workers` processes) and one Celery worker on 127.0.0.1; yields the port."""
    with app_processes(env=env, workers=workers, name=name) as (port, _gunicorn_pid):
        yield port


@contextmanager
def app_processes(*, env: dict[str, str], workers: int, name: str) -> Iterator[tuple[int, int]]:
    """As app_servers, yielding the port and gunicorn's pid too (its workers' process group).

    Production settings over plain HTTP, logs in var/<name>-gunicorn.log and
    var/<name>-celery.log; both process groups are stopped on the way out, whatever happens.
    """
    port = free_port()
    env = {**env, **SERVED_ENV}
    logs = BASE_DIR / "var"
    server = start_process(gunicorn_command(port, workers), env, logs / f"{name}-gunicorn.log")
    worker = start_process(
        celery_worker_command("--pool", "solo", "--loglevel", "WARNING"),
        env,
        logs / f"{name}-celery.log",
    )
    try:
        wait_for_port(port)
        yield port, server.pid
    finally:
        stop_process(server)
        stop_process(worker)


# --------------------------------------------------------------------------------------------
# HTTP


@dataclass
class Session:
    token: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""


class Client:
    """A tiny HTTP client over http.client: cookies, form posts, no redirects followed."""

    def __init__(self, port: int):
        self.port = port

    def request(self, method: str, path: str, session: Session, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": "127.0.0.1"}
        if session.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                session.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response.getheader("Location"), payload


def fetch(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    """One GET with a Cookie header: (status, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Host": "127.0.0.1", "Cookie": cookie})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


async def async_get(port: int, path: str, cookie: str) -> tuple[int, int]:
    """One HTTP/1.1 GET on its own connection (gunicorn's sync workers close it anyway);
    returns (status, bytes received)."""
    head = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: {cookie}\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    return int(raw.split(b" ", 2)[1]), len(raw)


async def async_post(port: int, path: str, session: Session, body: dict) -> tuple[int, str]:
    """One HTTP/1.1 POST on its own connection; returns (status, Location)."""
    payload = urllib.parse.urlencode(body).encode()
    cookies = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Cookie: {cookies}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head + payload)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    status_line, _, rest = raw.partition(b"\r\n")
    status = int(status_line.split()[1])
    location = ""
    for line in rest.split(b"\r\n"):
        if line.lower().startswith(b"location:"):
            location = line.split(b":", 1)[1].strip().decode()
    return status, location


class NotOpened(RuntimeError):
    def __init__(self, status: int):
        super().__init__(f"could not open a questionnaire (HTTP {status})")
        self.status = status


def open_questionnaires(client: Client, tokens: list[str], last_section: int) -> list[Session]:
    """Each respondent opens their link and their last page, as just before pressing Submit;
    their sessions, with the page's CSRF token. NotOpened if a questionnaire does not open."""
    sessions = []
    for token in tokens:
        session = Session(token)
        client.request("GET", f"/r/{token}/", session)
        status, _location, body = client.request(
            "GET", f"/respond/section/{last_section}/", session
        )
        match = CSRF_INPUT.search(body.decode())
        if status != 200 or not match:
            raise NotOpened(status)
        session.csrf = match.group(1)
        sessions.append(session)
    return sessions


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]
