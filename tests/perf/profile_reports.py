"""python -m tests.perf.profile_reports: the project dashboard and the authority overview, read
in process by a signed-in manager, the page unchanged (its sections from the fragment cache).

bench_reports' workloads (data.dashboard_project_create, data.overview_authority_create) are
built under a fresh tag in the database of DATABASE_URL and deleted at the end. Each page is read
through Django's handler with the test client and the manager's session cookie, with the served
app's settings (DEBUG off): first once after a change (an agency touched), then, unchanged,
--reads times. Printed per page: the median and p95 wall and CPU milliseconds, the queries and
the size of the page. ``--profile PAGE`` adds a cProfile of that page's unchanged reads.
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
from collections.abc import Sequence

from tests.perf import cli

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")


def arguments() -> argparse.ArgumentParser:
    parser = cli.parser(
        "tests.perf.profile_reports",
        "Time and count the queries of an unchanged dashboard and overview in process.",
    )
    parser.add_argument("--reads", type=int, default=200, help="unchanged reads per page")
    parser.add_argument("--dashboard-agencies", type=int, default=40)
    parser.add_argument("--dashboard-rounds", type=int, default=10)
    parser.add_argument("--partnerships", type=int, default=1_000)
    parser.add_argument("--profile", default="", choices=["", "dashboard", "overview"])
    parser.add_argument("--profile-lines", type=int, default=50)
    parser.add_argument(
        "--profile-sort", default="cumulative", help="pstats sort key (cumulative, tottime)"
    )
    parser.add_argument("--show-queries", action="store_true", help="print one read's queries")
    return parser


def _read(client, path: str, queries: list[str] | None = None) -> tuple[float, float, int, int]:
    """(wall s, CPU s, queries, bytes) of one GET."""
    from django.db import connection

    count = 0

    def counting(execute, sql, params, many, context):
        nonlocal count
        if not sql.startswith(TRANSACTION_CONTROL):
            count += 1
            if queries is not None:
                queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        began, began_cpu = time.perf_counter(), time.thread_time()
        response = client.get(path)
        seconds, cpu = time.perf_counter() - began, time.thread_time() - began_cpu
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return seconds, cpu, count, len(response.content)


def command(args: argparse.Namespace, out: cli.Output) -> None:
    from django.conf import settings
    from django.core.management.base import CommandError
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from partnerships.models import Agency, User
    from tests.perf import data
    from tests.perf.served import percentile

    if settings.DEBUG:
        raise CommandError("Profile the served settings: set DJANGO_DEBUG=0.")
    tag = data.bench_tag()
    slugs = [f"bench-reports-{purpose}-{tag}" for purpose in ("dashboard", "overview")]
    sessions: list[str] = []
    try:
        out.write(f"building the data (tag {tag})...")
        project = data.dashboard_project_create(
            tag=tag, n_agencies=args.dashboard_agencies, n_rounds=args.dashboard_rounds
        )
        data.overview_authority_create(tag=tag, n_partnerships=args.partnerships)
        data.analyze()
        pages = [
            ("dashboard", f"/projects/{project.pk}/dashboard/", slugs[0]),
            ("overview", "/overview/", slugs[1]),
        ]
        out.write("")
        out.write(
            f"Dashboard and overview in process, {connection.vendor}, DEBUG off, "
            f"{args.reads} unchanged reads each; load average {os.getloadavg()[0]:.1f}"
        )
        w = out.write
        w(
            f"{'page':<11}{'first ms':>9}{'median ms':>11}{'p95 ms':>8}{'CPU ms':>8}"
            f"{'queries':>9}{'KB':>6}"
        )
        for name, path, slug in pages:
            sessions.append(data.session_cookie(User.objects.get(authority__slug=slug)))
            client = Client(HTTP_HOST="127.0.0.1")
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[-1]
            Agency.objects.filter(authority__slug=slug).update(updated_at=timezone.now())
            first, *_rest = _read(client, path)
            for _warm in range(5):
                _read(client, path)
            shown: list[str] | None = [] if args.show_queries else None
            _read(client, path, shown)
            profiler = cProfile.Profile() if args.profile == name else None
            walls, cpus, counts, size = [], [], set(), 0
            for _read_number in range(args.reads):
                if profiler:
                    profiler.enable()
                seconds, cpu, count, size = _read(client, path)
                if profiler:
                    profiler.disable()
                walls.append(seconds)
                cpus.append(cpu)
                counts.add(count)
            w(
                f"{name:<11}{1000 * first:>9.1f}{1000 * statistics.median(walls):>11.2f}"
                f"{1000 * percentile(walls, 95):>8.2f}{1000 * statistics.median(cpus):>8.2f}"
                f"{'/'.join(map(str, sorted(counts))):>9}{size / 1024:>6.0f}"
            )
            for sql in shown or []:
                w(f"    {sql[:300]}")
            if profiler is not None:
                stream = io.StringIO()
                pstats.Stats(profiler, stream=stream).sort_stats(args.profile_sort).print_stats(
                    args.profile_lines
                )
                w(stream.getvalue())
    finally:
        data.tenants_delete(
            [f"bench-reports-{purpose}-{tag}" for purpose in ("csv", "dashboard", "overview")],
            sessions,
        )


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(arguments(), command, argv)


if __name__ == "__main__":
    sys.exit(main())
