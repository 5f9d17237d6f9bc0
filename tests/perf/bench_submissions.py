"""python -m tests.perf.bench_submissions: complete questionnaires submitted by concurrent
clients.

Runs against gunicorn, PostgreSQL and a Celery worker on Redis, all on 127.0.0.1, bounded in
count and time. The data (data.saved_round_create) is a round with one invitation per
submission, every answer already saved page by page, so the timed request is the one that
submits a complete questionnaire (locks it, checks it is complete, stamps it, queues the
scoring).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Sequence

from django.db import connection

from tests.perf import cli
from tests.perf.served import (
    Client,
    Session,
    app_servers,
    async_post,
    open_questionnaires,
    percentile,
)


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
            status, location = await async_post(
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


def run(*, submissions: int, clients: int, workers: int, time_limit: float, rate: float) -> dict:
    """rate: the offered load in submissions per second shared by the clients (0 = flat out)."""
    from reports.models import Scorecard
    from surveys.models import Response
    from tests.perf import data

    if connection.vendor != "postgresql":
        raise SystemExit("The submission benchmark needs PostgreSQL: set DATABASE_URL.")
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
    survey_round, tokens = data.saved_round_create(submissions)
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "CELERY_BROKER_URL": broker,
    }
    with app_servers(env=env, workers=workers, name="bench") as port:
        client = Client(port)
        # Untimed: each respondent opens their link and their last page (as before submitting).
        sessions = open_questionnaires(client, tokens, survey_round.instrument.sections.count())

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


def arguments() -> argparse.ArgumentParser:
    parser = cli.parser(
        "tests.perf.bench_submissions",
        "Benchmark: complete questionnaires submitted by concurrent clients against gunicorn, "
        "PostgreSQL and a Celery worker on 127.0.0.1 (bounded in count and time).",
    )
    parser.add_argument("--submissions", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument(
        "--rate",
        type=float,
        default=75.0,
        help="offered submissions per second across all clients; 0 sends flat out",
    )
    return parser


def command(args: argparse.Namespace, out: cli.Output) -> None:
    r = run(
        submissions=args.submissions,
        clients=args.clients,
        workers=args.workers,
        time_limit=args.time_limit,
        rate=args.rate,
    )
    w = out.write
    w("")
    w("Questionnaire submissions")
    w(
        f"workload: {r['submissions']} complete questionnaires (36 Likert answers, a ranking "
        f"of 8, one choice) submitted by {r['clients']} concurrent clients; gunicorn with "
        f"{r['gunicorn_workers']} workers, PostgreSQL and a Celery worker on Redis, 127.0.0.1; "
        + (
            f"offered load {r['offered_rate']:.0f} per second"
            if r["offered_rate"]
            else "clients send flat out"
        )
    )
    w(f"{'figure':<44}{'value':>12}{'target':>12}")
    rows = [
        ("submissions per second", f"{r['per_second']:.1f}", ">= 70"),
        ("p50 latency of the submit request (ms)", f"{r['p50_ms']:.1f}", ""),
        ("p95 latency of the submit request (ms)", f"{r['p95_ms']:.1f}", "< 100"),
        ("failed requests", str(r["failures"]), "0"),
        ("every acknowledged submission stored once", str(r["stored_once"]), "True"),
        ("second presses answered without a duplicate", str(r["repeats_harmless"]), ""),
        ("scorecards computed (coalesced)", str(r["scorecards"]), "few"),
        ("submissions seen by the last scorecard", str(r["last_scorecard_saw"]), "all"),
    ]
    for name, value, target in rows:
        w(f"{name:<44}{value:>12}{target:>12}")


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(arguments(), command, argv)


if __name__ == "__main__":
    sys.exit(main())
