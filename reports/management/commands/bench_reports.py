"""python manage.py bench_reports: the raw-answers CSV, the project dashboard and the authority
overview, timed on PostgreSQL against gunicorn on 127.0.0.1, with the workload stated.

The data is built in authorities of its own (a fresh tag each run) and deleted at the end.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from config.celery import app
from reports.bench.dashboards import run

CSV_TARGET_S = 7.0
DASHBOARD_TARGET_MS = 150.0
OVERVIEW_TARGET_MS = 300.0


class Command(BaseCommand):
    help = (
        "Benchmark the reports: the CSV of a round's raw answers, and the project dashboard and "
        "authority overview under concurrent clients, against gunicorn and PostgreSQL on "
        "127.0.0.1 (bounded in count and time)."
    )

    def add_arguments(self, parser):
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

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "The reports benchmark needs PostgreSQL: set DATABASE_URL, for example "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/partnership_lens_bench."
            )
        # Nothing the benchmark does may reach a real broker and someone's worker.
        app.conf.task_always_eager = True
        r = run(
            csv_responses=options["csv_responses"],
            dashboard_agencies=options["dashboard_agencies"],
            dashboard_rounds=options["dashboard_rounds"],
            partnerships=options["partnerships"],
            clients=options["clients"],
            workers=options["workers"],
            time_limit=options["time_limit"],
            max_requests=options["max_requests"],
            trials_per_page=options["trials"],
            keep=options["keep"],
            out=self.stdout,
        )
        self._print(r, options)

    def _print(self, r: dict, options: dict) -> None:
        w = self.stdout.write
        bounds = (
            f"{r['clients']} closed-loop clients (each sends its next request when answered), "
            f"{options['trials']} trials, each of {options['time_limit']:.0f} s or "
            f"{options['max_requests']:,} requests, whichever comes first (figures from the trial "
            f"with the median p95), after an untimed warm-up; nothing changes during the run, "
            f"so what the page shows comes from the fragment cache (reports.fragments), as it "
            f"does for every reader after the first one following a change"
        )
        w("")
        w("Reports benchmark")
        w(
            f"machine: {os.cpu_count()} CPU cores shared by PostgreSQL "
            f"{connection.pg_version // 10000}, gunicorn ({r['workers']} sync workers, DEBUG off) "
            "and the load generator (one asyncio thread); all traffic on 127.0.0.1"
        )
        w(
            f"data: built in {r['build_s']:.1f} s (bulk inserts and INSERT ... SELECT), "
            + (
                f"deleted in {r['cleanup_s']:.1f} s"
                if "cleanup_s" in r
                else f"kept (tag {r['tag']})"
            )
        )
        rows_per_s = r["csv_rows"] / r["csv_s"]
        http_rows_per_s = r["http_csv_rows"] / r["http_csv_s"]
        self._table(
            "1. CSV of a round's raw answers",
            f"workload: one attributed round, {options['csv_responses']:,} submitted responses "
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
        self._table(
            "2. Project dashboard: GET /projects/<pk>/dashboard/",
            f"workload: {options['dashboard_agencies']} member agencies, "
            f"{options['dashboard_rounds']} scored rounds of 3 respondents per agency (the latest "
            f"shown, {d.page_bytes / 1024:.0f} KB of HTML), read by a manager; {bounds}",
            self._load_rows(
                d,
                r["dashboard_alone"],
                r["dashboard_fresh_ms"],
                r["dashboard_p95_range"],
                DASHBOARD_TARGET_MS,
            ),
        )
        o = r["overview"]
        self._table(
            "3. Authority overview: GET /overview/",
            f"workload: {options['partnerships']:,} partnerships of 5 agencies, each with a "
            f"project, a round and a scorecard ({o.page_bytes / 1024:.0f} KB of HTML), read by "
            f"a manager who sees the whole authority; {bounds}",
            self._load_rows(
                o,
                r["overview_alone"],
                r["overview_fresh_ms"],
                r["overview_p95_range"],
                OVERVIEW_TARGET_MS,
            ),
        )

    @staticmethod
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

    def _table(self, title: str, workload: str, rows) -> None:
        w = self.stdout.write
        w("")
        w(title)
        w(workload)
        w(f"{'figure':<52}{'value':>12}{'target':>10}  ")
        for name, value, target, met in rows:
            verdict = "" if met is None else ("met" if met else "MISSED")
            w(f"{name:<52}{value:>12}{target:>10}  {verdict}")
