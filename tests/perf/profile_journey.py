"""python -m tests.perf.profile_journey: each request of the respondent journey, in process.

The load test's journey (link, consent, the 9 section pages read and posted, check your answers,
submit, done) is driven through Django's handler with the test client, CSRF enforced, on the
database of DATABASE_URL, with the served app's settings (DEBUG off). Each request is timed from
the handler's call to its answer and its queries are counted (a cheap execute wrapper, not
Django's debug cursor). Printed per kind of request: the median and p95 in milliseconds and the
queries, and the median whole journey (the sum of its requests' times). ``--profile STEP`` adds
a cProfile of that kind of request, sorted by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from tests.perf import cli

SECTION_TARGET_MS = 5.0
SECTION_QUERY_TARGET = 3
JOURNEY_TARGET_MS = 120.0
# Transaction control is not counted as a query (SQLite begins with BEGIN IMMEDIATE).
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")


@dataclass
class Measured:
    """Times (seconds) and query counts per step name ("section GET", ...)."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    cpu: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    queries: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    journeys: list[float] = field(default_factory=list)
    journeys_cpu: list[float] = field(default_factory=list)


class InProcessClient:
    """The load test's client interface (request -> status, location, body) over Django's test
    client with CSRF enforced; each request timed and its queries counted."""

    def __init__(
        self, client, measured: Measured, profiler: cProfile.Profile | None, profiled: str
    ):
        client.cookies.clear()  # a fresh browser; the handler (and its middleware) stays loaded
        self.client = client
        self.measured = measured
        self.profiler = profiler
        self.profiled = profiled
        self.journey_seconds = 0.0
        self.journey_cpu = 0.0

    def request(self, method: str, path: str, session, body: dict | None = None):
        from django.db import connection

        step = f"{_step_name(path)} {method}"
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += not sql.startswith(TRANSACTION_CONTROL)
            return execute(sql, params, many, context)

        profile = self.profiler if step == self.profiled else None
        with connection.execute_wrapper(counting):
            began, began_cpu = time.perf_counter(), time.thread_time()
            if profile:
                profile.enable()
            if method == "GET":
                response = self.client.get(path)
            else:
                # As a browser posts a form (the test client's default is multipart).
                response = self.client.post(
                    path, urlencode(body or {}), content_type="application/x-www-form-urlencoded"
                )
            if profile:
                profile.disable()
            seconds = time.perf_counter() - began
            cpu = time.thread_time() - began_cpu
        self.measured.seconds[step].append(seconds)
        self.measured.cpu[step].append(cpu)
        self.journey_cpu += cpu
        self.measured.queries[step].append(count)
        self.journey_seconds += seconds
        cookies: SimpleCookie = response.cookies
        for name, morsel in cookies.items():
            session.cookies[name] = morsel.value
        return response.status_code, response.headers.get("Location"), response.content


def _step_name(path: str) -> str:
    if path.startswith("/r/"):
        return "link"
    if path.startswith("/respond/section/"):
        return "section"
    name = path.strip("/").split("/")[-1]
    return {"respond": "consent"}.get(name, name)


def arguments() -> argparse.ArgumentParser:
    parser = cli.parser(
        "tests.perf.profile_journey",
        "Time and count the queries of each request of the respondent journey in process.",
    )
    parser.add_argument("--journeys", type=int, default=60, help="journeys measured")
    parser.add_argument("--warm", type=int, default=5, help="journeys run first, not measured")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument(
        "--profile",
        default="",
        metavar="STEP",
        help='cProfile one kind of request, e.g. "section GET" or "section POST"',
    )
    parser.add_argument("--profile-lines", type=int, default=45)
    parser.add_argument(
        "--profile-sort", default="cumulative", help="pstats sort key (cumulative, tottime)"
    )
    return parser


def command(args: argparse.Namespace, out: cli.Output) -> None:
    from django.conf import settings
    from django.core.management.base import CommandError
    from django.db import connection
    from django.test import Client

    from tests.perf import data, load

    if settings.DEBUG:
        raise CommandError("Profile the served settings: set DJANGO_DEBUG=0.")
    if args.journeys < 1:
        raise CommandError("--journeys must be at least 1.")
    out.write("building the invitations...")
    _round_ids, partners = load.build_workload(
        seed=args.seed, double_press_rate=0, revisit_rate=0, tag=data.bench_tag()
    )
    needed = args.warm + args.journeys
    if len(partners) < needed:
        raise CommandError(f"The workload has {len(partners)} partners, fewer than {needed}.")
    measured = Measured()
    profiler = cProfile.Profile() if args.profile else None
    # One test client, as one server process: building its handler loads the middleware, and
    # WhiteNoise then reads the whole static tree, which a served app does once, at start-up.
    django_client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    for number, partner in enumerate(partners[:needed]):
        warm = number < args.warm
        sink = Measured() if warm else measured
        client = InProcessClient(django_client, sink, None if warm else profiler, args.profile)
        journey = load.Journey(
            client=client,  # type: ignore[arg-type]  # the same interface, in process
            partner=partner,
            deadline=time.monotonic() + 600,
            think=lambda: 0.0,
            record=lambda _hit: None,
        )
        journey.run()
        if not journey.acknowledged:
            raise CommandError("A journey was not acknowledged.")
        sink.journeys.append(client.journey_seconds)
        sink.journeys_cpu.append(client.journey_cpu)
    _report(out, args, measured, connection.vendor)
    if profiler is not None:
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats(args.profile_sort).print_stats(
            args.profile_lines
        )
        out.write(stream.getvalue())


def _median_ms(values: Sequence[float]) -> float:
    return 1000 * statistics.median(values)


def _report(out: cli.Output, args: argparse.Namespace, measured: Measured, vendor: str) -> None:
    from tests.perf.served import percentile

    w = out.write
    w("")
    w("The respondent journey, request by request, in process (issue 18)")
    w(
        f"workload: {args.journeys} journeys one after another after {args.warm} to warm up, "
        f"the test client with CSRF enforced, {vendor}, DEBUG off; "
        f"load average: {os.getloadavg()[0]:.1f}"
    )
    w(f"{'request':<16}{'count':>7}{'median ms':>11}{'p95 ms':>9}{'CPU ms':>9}{'queries':>9}")
    for step, seconds in measured.seconds.items():
        queries = measured.queries[step]
        low, high = min(queries), max(queries)
        shown = f"{low}" if low == high else f"{low}-{high}"
        w(
            f"{step:<16}{len(seconds):>7}{_median_ms(seconds):>11.2f}"
            f"{1000 * percentile(seconds, 95):>9.2f}{_median_ms(measured.cpu[step]):>9.2f}"
            f"{shown:>9}"
        )
    journey_ms = _median_ms(measured.journeys)
    per_journey_queries = sum(map(sum, measured.queries.values())) / len(measured.journeys)
    w(
        f"whole journey: median {journey_ms:.1f} ms ({_median_ms(measured.journeys_cpu):.1f} ms "
        f"of this process's CPU), {per_journey_queries:.0f} queries"
    )
    for step in ("section GET", "section POST"):
        if step in measured.seconds:
            ms = _median_ms(measured.seconds[step])
            most = max(measured.queries[step])
            met = ms <= SECTION_TARGET_MS and most <= SECTION_QUERY_TARGET
            w(
                f"target: {step} <= {SECTION_TARGET_MS:g} ms median and "
                f"<= {SECTION_QUERY_TARGET} queries: {'met' if met else 'MISSED'}"
            )
    w(
        f"target: whole journey <= {JOURNEY_TARGET_MS:g} ms: "
        f"{'met' if journey_ms <= JOURNEY_TARGET_MS else 'MISSED'}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(arguments(), command, argv)


if __name__ == "__main__":
    sys.exit(main())
