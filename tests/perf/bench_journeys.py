"""python -m tests.perf.bench_journeys: whole questionnaires completed per second.

What a council's capacity and a partner's wait depend on is the completed questionnaire, not
one request. 20 closed-loop clients each take a fresh invitation through every request of the
journey exactly as a browser does (the load test's journey: link, consent, the 9 section pages
read and posted, check your answers, submit, done), with no think time, against gunicorn (2
sync workers), PostgreSQL and a Celery worker on Redis on 127.0.0.1. Printed: completions per
second, requests per completion, p50 and p95 of a request and of a whole completion, and the
server time per completion: CPU seconds of the gunicorn workers, read from /proc before and
after, divided by the completions. Then every acknowledged completion is checked to be stored
once with exactly the answers posted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

from django.core.management.base import CommandError

from tests.perf import cli
from tests.perf.served import app_processes, percentile

DEFAULT_BROKER = "redis://127.0.0.1:6379/14"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def workers_cpu_seconds(master_pid: int, proc: Path = Path("/proc")) -> float:
    """User + system CPU seconds of the processes in the master's process group, the master
    itself left out (gunicorn's workers are its children and share its group)."""
    total = 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        pid = int(text.split(" ", 1)[0])
        # After the command's closing parenthesis: state, ppid, pgrp, ... utime (14), stime (15).
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[2]) == master_pid and pid != master_pid:
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def arguments() -> argparse.ArgumentParser:
    parser = cli.parser(
        "tests.perf.bench_journeys",
        "Benchmark whole questionnaires completed over HTTP by closed-loop clients (no think "
        "time), with the gunicorn workers' CPU time per completion; then check every "
        "acknowledged completion is stored once with the answers posted.",
    )
    parser.add_argument("--clients", type=int, default=20, help="closed-loop clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--time-limit", type=float, default=240.0, help="seconds, hard stop")
    parser.add_argument("--seed", type=int, default=18)
    return parser


def _ms(values: list[float], q: float) -> str:
    return f"{1000 * percentile(values, q):,.0f}" if values else "-"


def command(args: argparse.Namespace, out: cli.Output) -> None:
    from django.db import connection

    from tests.perf import data, load

    if connection.vendor != "postgresql":
        raise CommandError("The journeys benchmark needs PostgreSQL: set DATABASE_URL.")
    if args.clients < 1 or args.workers < 1:
        raise CommandError("--clients and --workers must be at least 1.")
    env = {
        **os.environ,
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", DEFAULT_BROKER),
        "SCORING_DELAY_SECONDS": "1",
        "RELIABILITY_DELAY_SECONDS": "1",
    }
    out.write("building the invitations...")
    round_ids, partners = load.build_workload(
        seed=args.seed, double_press_rate=0, revisit_rate=0, tag=data.bench_tag()
    )
    load_before = os.getloadavg()[0]
    with app_processes(env=env, workers=args.workers, name="journeys") as (port, gunicorn_pid):
        load.warm_up(port, args.workers)
        out.write(f"{len(partners)} journeys by {args.clients} clients...")
        cpu_before = workers_cpu_seconds(gunicorn_pid)
        outcome = load.drive(
            port,
            partners,
            clients=args.clients,
            ramp=0.0,
            think=(0.0, 0.0),
            time_limit=args.time_limit,
            seed=args.seed,
        )
        cpu = workers_cpu_seconds(gunicorn_pid) - cpu_before
        out.write("waiting for the scoring to catch up...")
        scored = load.wait_for_scoring(round_ids, seconds=60)
    stored = load.check_stored(round_ids, outcome.acknowledged)
    completions = outcome.finished
    requests = [hit.seconds for hit in outcome.hits]
    rows = [
        ("completions / planned", f"{completions} / {len(partners)}"),
        ("wall time (s)", f"{outcome.wall:.1f}"),
        ("completions per second", f"{completions / outcome.wall:.2f}"),
        ("requests per completion", f"{len(requests) / max(completions, 1):.1f}"),
        ("request p50 / p95 (ms)", f"{_ms(requests, 50)} / {_ms(requests, 95)}"),
        (
            "whole completion p50 / p95 (ms)",
            f"{_ms(outcome.journeys, 50)} / {_ms(outcome.journeys, 95)}",
        ),
        ("gunicorn workers' CPU (s)", f"{cpu:.1f}"),
        ("server time per completion (ms)", f"{1000 * cpu / max(completions, 1):.0f}"),
        (
            "server time per request (ms)",
            f"{1000 * cpu / max(len(requests), 1):.1f}",
        ),
        ("failed / unexpected requests", f"{sum(h.failed for h in outcome.hits)} / "
                                         f"{sum(h.unexpected for h in outcome.hits)}"),
        ("answers posted / stored", f"{stored['answers_posted']} / {stored['answers_stored']}"),
        ("every acknowledged completion stored once", "yes" if stored["ok"] else "NO"),
        ("scoring caught up within 60 s", "yes" if scored else "NO"),
    ]  # fmt: skip
    w = out.write
    w("")
    w("Whole questionnaires completed (issue 18)")
    w(
        f"workload: {len(partners)} fresh invitations in {len(round_ids)} rounds; "
        f"{args.clients} closed-loop clients, no think time, each journey every request a "
        f"browser makes (link, consent, 9 sections read and posted, check, submit, done); "
        f"gunicorn with {args.workers} sync workers, PostgreSQL and a Celery worker on Redis, "
        f"all on the same 2 cores as the clients; load average before: {load_before:.1f}"
    )
    width = max(len(name) for name, _value in rows) + 2
    for name, value in rows:
        w(f"{name:<{width}}{value:>16}")
    steps: dict[str, list[float]] = {}
    for hit in outcome.hits:
        steps.setdefault(hit.step, []).append(hit.seconds)
    w("")
    w(f"{'request':<14}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}")
    for step, seconds in steps.items():
        w(f"{step:<14}{len(seconds):>8}{_ms(seconds, 50):>10}{_ms(seconds, 95):>10}")
    if outcome.journeys:
        w(f"median journey: {statistics.median(outcome.journeys):.2f} s")
    if completions != len(partners) or not stored["ok"]:
        for reason in outcome.stopped[:5]:
            w(f"stopped journey: {reason}")
        raise CommandError(
            f"{len(partners) - completions} journeys did not finish or a completion was not "
            "stored exactly once with the answers posted"
        )


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(arguments(), command, argv)


if __name__ == "__main__":
    sys.exit(main())
