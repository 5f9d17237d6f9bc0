"""Submission benchmark: complete questionnaires submitted by concurrent clients.

Runs against gunicorn, PostgreSQL and a Celery worker on Redis, all on 127.0.0.1, bounded in
count and time. The data is built here: a round with one invitation per submission, every
answer already saved page by page, so the timed request is the one that submits a complete
questionnaire (locks it, checks it is complete, stamps it, queues the scoring).
"""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess  # nosec B404  # the benchmarks start our own gunicorn and celery
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

BASE_DIR = Path(settings.BASE_DIR)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def build_round(n_invitations: int, n_agencies: int = 20):
    """One authority, n agencies in a partnership, a round, invitations with saved answers."""
    from partnerships.models import Agency, LocalAuthority, Membership, Partnership, Project
    from reports.instrument_loader import instrument_load_all
    from surveys.models import Answer, Invitation, QuestionType, Response, Round
    from surveys.tokens import new_link

    instrument = instrument_load_all()[0][0]
    stamp = time.strftime("%Y%m%d%H%M%S")
    with transaction.atomic():
        authority = LocalAuthority.objects.create(name=f"Bench {stamp}", slug=f"bench-{stamp}")
        partnership = Partnership.objects.create(
            authority=authority, name="Bench partnership", level="operational"
        )
        agencies = Agency.objects.bulk_create(
            Agency(authority=authority, name=f"Agency {i}", agency_type="other")
            for i in range(n_agencies)
        )
        Membership.objects.bulk_create(
            Membership(partnership=partnership, agency=a) for a in agencies
        )
        project = Project.objects.create(partnership=partnership, name="Bench project")
        today = timezone.localdate()
        survey_round = Round.objects.create(
            project=project,
            instrument=instrument,
            title="Bench round",
            opens_on=today,
            closes_on=today,
            introduction="Bench",
        )
    questions = list(instrument.questions.all())
    tokens = []
    for start in range(0, n_invitations, 500):
        batch = range(start, min(start + 500, n_invitations))
        with transaction.atomic():
            invitations = []
            for i in batch:
                link, token = new_link()
                tokens.append(token)
                invitations.append(
                    Invitation(
                        round=survey_round,
                        agency=agencies[i % n_agencies],
                        name=f"Person {i}",
                        email=f"person{i}@bench.example.org",
                        sent_at=timezone.now(),
                        **link,
                    )
                )
            Invitation.objects.bulk_create(invitations)
            responses = Response.objects.bulk_create(
                Response(
                    round=survey_round,
                    agency_id=inv.agency_id,
                    invitation=inv,
                    consented_at=timezone.now(),
                    last_section=9,
                )
                for inv in invitations
            )
            answers = []
            for n, response in enumerate(responses):
                for q in questions:
                    if q.type == QuestionType.LIKERT:
                        answers.append(
                            Answer(response=response, question=q, value=1 + (n + q.position) % 5)
                        )
                    elif q.type == QuestionType.RANKING:
                        codes = [o["code"] for o in q.options]
                        shift = n % len(codes)
                        codes = codes[shift:] + codes[:shift]
                        answers.append(
                            Answer(
                                response=response,
                                question=q,
                                ranking={c: r for r, c in enumerate(codes, start=1)},
                            )
                        )
            Answer.objects.bulk_create(answers, batch_size=5000)
    return survey_round, tokens


def start_process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # Our own gunicorn and celery binaries with fixed arguments: nothing comes from outside.
    return subprocess.Popen(  # noqa: S603  # nosec B603  # see the comment above
        args,
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port}")


# How the benchmarks serve the app: production settings over plain HTTP on 127.0.0.1, quiet logs,
# kept database connections.
SERVED_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_HTTPS": "0",
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "WARNING",
    "DATABASE_CONN_MAX_AGE": "60",
}


@contextmanager
def app_servers(*, env: dict[str, str], workers: int, name: str) -> Iterator[int]:
    """gunicorn (`workers` processes) and one Celery worker on 127.0.0.1; yields the port.

    Production settings over plain HTTP, logs in var/<name>-gunicorn.log and
    var/<name>-celery.log; both process groups are stopped on the way out, whatever happens.
    """
    port = free_port()
    env = {**env, **SERVED_ENV}
    bin_dir = Path(sys.executable).parent
    logs = BASE_DIR / "var"
    server = start_process(
        [
            str(bin_dir / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env,
        logs / f"{name}-gunicorn.log",
    )
    worker = start_process(
        [
            str(bin_dir / "celery"),
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
        ],
        env,
        logs / f"{name}-celery.log",
    )
    try:
        wait_for_port(port)
        yield port
    finally:
        stop_process(server)
        stop_process(worker)


async def _post(port: int, path: str, session: Session, body: dict) -> tuple[int, str]:
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


async def submit_all(
    port: int, sessions: list[Session], *, clients: int, rate: float, time_limit: float
):
    """`clients` concurrent clients submit every session once, paced to `rate` per second.

    One event loop drives the clients so the load generator itself stays cheap; with a rate,
    each client waits `clients / rate` seconds between its submissions (an offered load, as
    people pressing the button), otherwise they send flat out.
    """
    latencies: list[float] = []
    acknowledged: list[str] = []
    failures: list[int] = []
    queue = list(sessions)
    interval = clients / rate if rate else 0.0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + time_limit

    async def client(offset: float):
        next_at = loop.time() + offset
        while queue and loop.time() < deadline:
            if interval:
                await asyncio.sleep(max(0.0, next_at - loop.time()))
                next_at += interval
            if not queue:
                return
            session = queue.pop()
            begun = time.perf_counter()
            status, location = await _post(
                port, "/respond/submit/", session, {"csrfmiddlewaretoken": session.csrf}
            )
            elapsed = time.perf_counter() - begun
            if status == 302 and location == "/respond/done/":
                latencies.append(elapsed)
                acknowledged.append(session.token)
            else:
                failures.append(status)

    began = time.perf_counter()
    # Clients start spread over one interval, so arrivals are even rather than in bursts.
    await asyncio.gather(*(client(i * interval / clients) for i in range(clients)))
    return latencies, acknowledged, failures, time.perf_counter() - began


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def run(
    *, submissions: int, clients: int, workers: int, time_limit: float, rate: float, out
) -> dict:
    """rate: the offered load in submissions per second shared by the clients (0 = flat out)."""
    from reports.models import Scorecard
    from surveys.models import Response

    if connection.vendor != "postgresql":
        raise SystemExit("The submission benchmark needs PostgreSQL: set DATABASE_URL.")
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
    survey_round, tokens = build_round(submissions)
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "CELERY_BROKER_URL": broker,
    }
    with app_servers(env=env, workers=workers, name="bench") as port:
        client = Client(port)
        # Untimed: each respondent opens their link and their last page (as before submitting).
        last = survey_round.instrument.sections.count()
        sessions = []
        for token in tokens:
            session = Session(token)
            client.request("GET", f"/r/{token}/", session)
            status, _loc, body = client.request("GET", f"/respond/section/{last}/", session)
            match = CSRF_INPUT.search(body.decode())
            if status != 200 or not match:
                raise RuntimeError(f"could not open a questionnaire (HTTP {status})")
            session.csrf = match.group(1)
            sessions.append(session)

        latencies, acknowledged, failures, wall = asyncio.run(
            submit_all(port, sessions, clients=clients, rate=rate, time_limit=time_limit)
        )

        # A second press of the button by a fifth of them: it must not submit anything twice.
        repeats = 0
        for session in sessions[: len(acknowledged) // 5]:
            status, _l, _b = client.request(
                "POST", "/respond/submit/", session, {"csrfmiddlewaretoken": session.csrf}
            )
            repeats += status == 302
        stored = Response.objects.filter(round=survey_round, submitted_at__isnull=False).count()

        # Scoring catches up through the worker: the last scorecard sees every submission.
        scored_deadline = time.monotonic() + 60
        seen = 0
        while time.monotonic() < scored_deadline:
            latest = Scorecard.objects.filter(round=survey_round).order_by("-id").first()
            seen = latest.submissions_seen if latest else 0
            if seen == stored:
                break
            time.sleep(1)
        scorecards = Scorecard.objects.filter(round=survey_round).count()

    return {
        "submissions": len(acknowledged),
        "failures": len(failures),
        "clients": clients,
        "offered_rate": rate,
        "gunicorn_workers": workers,
        "wall_s": wall,
        "per_second": len(acknowledged) / wall if wall else 0.0,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
        "p95_ms": 1000 * percentile(latencies, 95) if latencies else 0.0,
        "stored_once": stored == len(acknowledged),
        "repeats_harmless": repeats,
        "scorecards": scorecards,
        "last_scorecard_saw": seen,
    }
