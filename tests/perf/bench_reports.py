"""python -m tests.perf.bench_reports: the raw-answers CSV, the project dashboard and the
authority overview, timed on PostgreSQL against gunicorn on 127.0.0.1, with the workload stated.

Three workloads (data.csv_round_create, data.dashboard_project_create,
data.overview_authority_create), each in an authority of its own named with a fresh tag, so a
rerun (or another benchmark in the same database) never collides with it, and each deleted at
the end:

* a round of 10,000 submitted responses, exported as the CSV of raw answers;
* a project of 40 agencies with 10 scored rounds, whose dashboard is read;
* an authority of 1,000 partnerships, each with a project, a round and a scorecard, whose
  overview is read.

Pages are read by closed-loop clients on one event loop (as bench_submissions submits), so the
load generator stays cheap beside gunicorn and PostgreSQL on the same two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from tests.perf import cli
from tests.perf.served import (
    BASE_DIR,
    SERVED_ENV,
    async_get,
    fetch,
    free_port,
    gunicorn_command,
    percentile,
    start_process,
    stop_process,
    wait_for_port,
)

if TYPE_CHECKING:
    from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper

SOLO_REQUESTS = 50
FRESH_READS = 15
CSV_TARGET_S = 7.0
DASHBOARD_TARGET_MS = 150.0
OVERVIEW_TARGET_MS = 300.0


# --------------------------------------------------------------------------------------------
# Load


@dataclass(frozen=True)
class LoadResult:
    requests: int
    failures: int
    wall_s: float
    p50_ms: float
    p95_ms: float
    page_bytes: int

    @property
    def per_second(self) -> float:
        return self.requests / self.wall_s if self.wall_s else 0.0


async def get_closed_loop(
    port: int, path: str, cookie: str, *, clients: int, time_limit: float, max_requests: int
) -> LoadResult:
    """`clients` clients each send the next request as soon as their previous one is answered,
    until max_requests have been sent or time_limit has passed, whichever comes first."""
    latencies: list[float] = []
    failures: list[int] = []
    sizes: list[int] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + time_limit
    sent = 0

    async def client() -> None:
        nonlocal sent
        while sent < max_requests and loop.time() < deadline:
            sent += 1
            begun = time.perf_counter()
            try:
                status, size = await async_get(port, path, cookie)
            except (OSError, IndexError, ValueError):
                status, size = 0, 0
            elapsed = time.perf_counter() - begun
            if status == 200:
                latencies.append(elapsed)
                sizes.append(size)
            else:
                failures.append(status)

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    wall = time.perf_counter() - began
    return LoadResult(
        requests=len(latencies) + len(failures),
        failures=len(failures),
        wall_s=wall,
        p50_ms=1000 * statistics.median(latencies) if latencies else 0.0,
        p95_ms=1000 * percentile(latencies, 95) if latencies else 0.0,
        page_bytes=max(sizes, default=0),
    )


def _download_csv(port: int, path: str, cookie: str) -> tuple[int, int, float]:
    """Stream the CSV to the end: (status, lines, seconds from request to last byte)."""
    began = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Host": "127.0.0.1", "Cookie": cookie})
    response = conn.getresponse()
    lines = 0
    while chunk := response.read(65536):
        lines += chunk.count(b"\n")
    conn.close()
    return response.status, lines, time.perf_counter() - began


def fresh_reads(port: int, path: str, cookie: str, *, authority: str, reads: int) -> float:
    """Median ms of one client reading the page just after a change to what it shows (an agency
    of the authority touched), so nothing of it can come from the cache."""
    from partnerships.models import Agency

    latencies = []
    for _read in range(reads):
        Agency.objects.filter(authority__slug=authority).update(updated_at=timezone.now())
        began = time.perf_counter()
        status, _body = fetch(port, path, cookie)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        latencies.append(time.perf_counter() - began)
    return 1000 * statistics.median(latencies)


def csv_in_process(survey_round) -> tuple[int, float]:
    """Consume csv_lines(round_responses_rows(round)) fully: (data rows, seconds)."""
    from reports.exports import csv_lines, round_responses_rows

    began = time.perf_counter()
    lines = sum(1 for _line in csv_lines(round_responses_rows(survey_round)))
    return lines - 1, time.perf_counter() - began


# --------------------------------------------------------------------------------------------
# The run


def _gunicorn(port: int, workers: int):
    env = {**os.environ, **SERVED_ENV}
    return start_process(
        gunicorn_command(port, workers), env, BASE_DIR / "var" / "bench-reports-gunicorn.log"
    )


def _checked(port: int, path: str, cookie: str, marker: str, count: int = 1) -> None:
    """The page answers 200 and shows what was built, before anything is timed."""
    status, body = fetch(port, path, cookie)
    found = body.decode(errors="replace").count(marker)
    if status != 200 or found < count:
        raise RuntimeError(
            f"GET {path} answered {status} with {found} x {marker!r} (expected {count}); "
            "see var/bench-reports-gunicorn.log (did collectstatic run?)"
        )


def run(
    *,
    csv_responses: int,
    dashboard_agencies: int,
    dashboard_rounds: int,
    partnerships: int,
    clients: int,
    workers: int,
    time_limit: float,
    max_requests: int,
    trials_per_page: int,
    keep: bool,
    out,
) -> dict:
    from partnerships.models import User
    from reports.exports import round_responses_rows
    from tests.perf import data

    tag = data.bench_tag()
    slugs = [f"bench-reports-{purpose}-{tag}" for purpose in ("csv", "dashboard", "overview")]
    sessions: list[str] = []
    results: dict = {"tag": tag, "workers": workers, "clients": clients}
    server = None
    try:
        began = time.perf_counter()
        out.write(f"building the data (tag {tag})...")
        csv_round, results["csv_answers"] = data.csv_round_create(
            tag=tag, n_responses=csv_responses
        )
        project = data.dashboard_project_create(
            tag=tag, n_agencies=dashboard_agencies, n_rounds=dashboard_rounds
        )
        data.overview_authority_create(tag=tag, n_partnerships=partnerships)
        data.analyze()  # fresh planner statistics after the bulk load
        results["build_s"] = time.perf_counter() - began
        cookies = {}
        for slug in slugs:
            manager = User.objects.get(authority__slug=slug)
            sessions.append(data.session_cookie(manager))
            cookies[slug] = f"{settings.SESSION_COOKIE_NAME}={sessions[-1]}"
        csv_cookie, dashboard_cookie, overview_cookie = (cookies[s] for s in slugs)

        out.write("CSV in process...")
        results["csv_columns"] = len(next(round_responses_rows(csv_round)))
        results["csv_rows"], results["csv_s"] = csv_in_process(csv_round)

        port = free_port()
        server = _gunicorn(port, workers)
        wait_for_port(port)
        dashboard_path = f"/projects/{project.pk}/dashboard/"
        _checked(port, dashboard_path, dashboard_cookie, f"Round {dashboard_rounds}")
        # The network map's matrix: a row per member agency (the map is drawn with it).
        _checked(port, dashboard_path, dashboard_cookie, 'id="network-row-', dashboard_agencies)
        _checked(port, "/overview/", overview_cookie, '<th scope="row">', partnerships)

        out.write("CSV through HTTP...")
        status, lines, seconds = _download_csv(
            port, f"/rounds/{csv_round.pk}/responses.csv", csv_cookie
        )
        if status != 200:
            raise RuntimeError(f"the CSV download answered {status}")
        results["http_csv_rows"], results["http_csv_s"] = lines - 1, seconds

        for name, path, cookie, slug in (
            ("dashboard", dashboard_path, dashboard_cookie, slugs[1]),
            ("overview", "/overview/", overview_cookie, slugs[2]),
        ):
            out.write(f"{name}, first reads after a change...")
            results[f"{name}_fresh_ms"] = fresh_reads(
                port, path, cookie, authority=slug, reads=FRESH_READS
            )
            out.write(f"{name} under {clients} clients...")
            # Untimed warm-up: every worker has rendered the page before the clock starts.
            asyncio.run(
                get_closed_loop(
                    port, path, cookie, clients=clients, time_limit=10, max_requests=4 * workers
                )
            )
            # One client alone: the time a request takes when it waits for nothing.
            results[f"{name}_alone"] = asyncio.run(
                get_closed_loop(
                    port, path, cookie, clients=1, time_limit=5, max_requests=SOLO_REQUESTS
                )
            )
            # Several trials: this machine's speed drifts from one minute to the next, so the
            # trial with the median p95 is reported, with the range of all of them.
            trials = [
                asyncio.run(
                    get_closed_loop(
                        port,
                        path,
                        cookie,
                        clients=clients,
                        time_limit=time_limit,
                        max_requests=max_requests,
                    )
                )
                for _trial in range(trials_per_page)
            ]
            results[name] = sorted(trials, key=lambda t: t.p95_ms)[len(trials) // 2]
            results[f"{name}_p95_range"] = (
                min(t.p95_ms for t in trials),
                max(t.p95_ms for t in trials),
            )
    finally:
        if server is not None:
            stop_process(server)
        if keep:
            out.write(f"kept: authorities {', '.join(slugs)}")
        else:
            began = time.perf_counter()
            data.tenants_delete(slugs, sessions)
            results["cleanup_s"] = time.perf_counter() - began
    return results


# --------------------------------------------------------------------------------------------
# The command


def arguments() -> argparse.ArgumentParser:
    parser = cli.parser(
        "tests.perf.bench_reports",
        "Benchmark the reports: the CSV of a round's raw answers, and the project dashboard and "
        "authority overview under concurrent clients, against gunicorn and PostgreSQL on "
        "127.0.0.1 (bounded in count and time).",
    )
    parser.add_argument("--csv-responses", type=int, default=10_000)
    parser.add_argument("--dashboard-agencies", type=int, default=40)
    parser.add_argument("--dashboard-rounds", type=int, default=10)
    parser.add_argument("--partnerships", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=20)
    # One sync worker per core: pages are CPU-bound and share the two cores with PostgreSQL
    # and the clients; 4 workers answered about 130 dashboards a second here, 2 about 180.
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--time-limit", type=float, default=15.0, help="seconds per page")
    parser.add_argument("--max-requests", type=int, default=1_500, help="requests per trial")
    parser.add_argument("--trials", type=int, default=3, help="load trials per page")
    parser.add_argument(
        "--keep", action="store_true", help="leave the data in place (to profile it)"
    )
    return parser


def command(args: argparse.Namespace, out: cli.Output) -> None:
    from config.celery import app

    if connection.vendor != "postgresql":
        raise CommandError(
            "The reports benchmark needs PostgreSQL: set DATABASE_URL, for example "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/partnership_lens_bench."
        )
    # Nothing the benchmark does may reach a real broker and someone's worker.
    app.conf.task_always_eager = True
    r = run(
        csv_responses=args.csv_responses,
        dashboard_agencies=args.dashboard_agencies,
        dashboard_rounds=args.dashboard_rounds,
        partnerships=args.partnerships,
        clients=args.clients,
        workers=args.workers,
        time_limit=args.time_limit,
        max_requests=args.max_requests,
        trials_per_page=args.trials,
        keep=args.keep,
        out=out,
    )
    _print(out, r, args)


def _print(out: cli.Output, r: dict, args: argparse.Namespace) -> None:
    w = out.write
    pg_version = cast("PostgreSQLWrapper", connection).pg_version  # command() refused others
    bounds = (
        f"{r['clients']} closed-loop clients (each sends its next request when answered), "
        f"{args.trials} trials, each of {args.time_limit:.0f} s or "
        f"{args.max_requests:,} requests, whichever comes first (figures from the trial "
        f"with the median p95), after an untimed warm-up; nothing changes during the run, "
        f"so what the page shows comes from the fragment cache (reports.fragments), as it "
        f"does for every reader after the first one following a change"
    )
    w("")
    w("Reports benchmark")
    w(
        f"machine: {os.cpu_count()} CPU cores shared by PostgreSQL "
        f"{pg_version // 10000}, gunicorn ({r['workers']} sync workers, DEBUG off) "
        "and the load generator (one asyncio thread); all traffic on 127.0.0.1"
    )
    w(
        f"data: built in {r['build_s']:.1f} s (bulk inserts and INSERT ... SELECT), "
        + (f"deleted in {r['cleanup_s']:.1f} s" if "cleanup_s" in r else f"kept (tag {r['tag']})")
    )
    rows_per_s = r["csv_rows"] / r["csv_s"]
    http_rows_per_s = r["http_csv_rows"] / r["http_csv_s"]
    _table(
        out,
        "1. CSV of a round's raw answers",
        f"workload: one attributed round, {args.csv_responses:,} submitted responses "
        f"from 40 agencies, each 36 Likert answers (1 in 40 don't know), a ranking of 8 "
        f"outcomes and one choice: {r['csv_answers']:,} answers, {r['csv_columns']} columns",
        [
            (
                "in process: csv_lines(round_responses_rows) (s)",
                f"{r['csv_s']:.2f}",
                f"< {CSV_TARGET_S:.0f}",
                r["csv_s"] < CSV_TARGET_S,
            ),
            ("  rows written", f"{r['csv_rows']:,}", "", None),
            ("  rows per second", f"{rows_per_s:,.0f}", "", None),
            (
                "HTTP: GET /rounds/<id>/responses.csv, streamed (s)",
                f"{r['http_csv_s']:.2f}",
                f"< {CSV_TARGET_S:.0f}",
                r["http_csv_s"] < CSV_TARGET_S,
            ),
            ("  rows received", f"{r['http_csv_rows']:,}", "", None),
            ("  rows per second", f"{http_rows_per_s:,.0f}", "", None),
        ],
    )
    d = r["dashboard"]
    _table(
        out,
        "2. Project dashboard: GET /projects/<pk>/dashboard/",
        f"workload: {args.dashboard_agencies} member agencies, "
        f"{args.dashboard_rounds} scored rounds of 3 respondents per agency, each rating "
        f"every other agency (the latest shown with its network map, "
        f"{d.page_bytes / 1024:.0f} KB of HTML), read by a manager; {bounds}",
        _load_rows(
            d,
            r["dashboard_alone"],
            r["dashboard_fresh_ms"],
            r["dashboard_p95_range"],
            DASHBOARD_TARGET_MS,
        ),
    )
    o = r["overview"]
    _table(
        out,
        "3. Authority overview: GET /overview/",
        f"workload: {args.partnerships:,} partnerships of 5 agencies, each with a "
        f"project, a round and a scorecard ({o.page_bytes / 1024:.0f} KB of HTML), read by "
        f"a manager who sees the whole authority; {bounds}",
        _load_rows(
            o,
            r["overview_alone"],
            r["overview_fresh_ms"],
            r["overview_p95_range"],
            OVERVIEW_TARGET_MS,
        ),
    )


def _load_rows(
    result, alone, fresh_ms: float, p95_range: tuple[float, float], target_ms: float
) -> list[tuple[str, str, str, bool | None]]:
    lowest, highest = p95_range
    return [
        ("one client, first read after a change (median ms)", f"{fresh_ms:.1f}", "", None),
        ("one client, page unchanged (p50 ms)", f"{alone.p50_ms:.1f}", "", None),
        ("requests answered", f"{result.requests:,}", "", None),
        ("requests per second", f"{result.per_second:.1f}", "", None),
        ("p50 latency (ms)", f"{result.p50_ms:.1f}", "", None),
        (
            "p95 latency, median trial (ms)",
            f"{result.p95_ms:.1f}",
            f"< {target_ms:.0f}",
            result.p95_ms < target_ms,
        ),
        (
            "  p95 of every trial, lowest to highest (ms)",
            f"{lowest:.0f}-{highest:.0f}",
            "",
            None,
        ),
        ("failed requests (not 200)", str(result.failures), "0", result.failures == 0),
    ]


def _table(out: cli.Output, title: str, workload: str, rows) -> None:
    w = out.write
    w("")
    w(title)
    w(workload)
    w(f"{'figure':<52}{'value':>12}{'target':>10}  ")
    for name, value, target, met in rows:
        verdict = "" if met is None else ("met" if met else "MISSED")
        w(f"{name:<52}{value:>12}{target:>10}  {verdict}")


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(arguments(), command, argv)


if __name__ == "__main__":
    sys.exit(main())
