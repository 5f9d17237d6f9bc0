"""python manage.py bench: how fast scoring is, on PostgreSQL, with the workload stated.

(a) One scorecard for 12 agencies x 3 respondents, bootstrap included: the pure computation,
    round_score through the database (read, score, insert), and the reliability refresh it
    requests (its own task), also once 2,000 more rounds share the questionnaire.
(b) A bulk rescore of 2,000 rounds of 40 respondents (about 3 million answers), end to end, with
    the process's peak memory before and after, to show it stays bounded.

Everything happens in a throwaway database (the configured one's name + "_scoring_bench"),
created and migrated at the start and dropped at the end; the configured database is never
touched.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from config.celery import app
from reports import scoring, services
from reports.bench.data import bench_analyze, bench_rounds_create
from reports.models import Scorecard

SCORECARD_TARGET_MS = 30.0
RESCORE_TARGET_ANSWERS_PER_SECOND = 100_000


def _median_ms(function: Callable[[], object], runs: int) -> float:
    function()  # warm-up: imports, caches, the first plan
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _round_score_rolled_back(round_id: int) -> None:
    # Rolled back: no scorecard piles up between runs, and the reliability refresh round_score
    # requests for after the commit is dropped; it is timed on its own.
    with transaction.atomic():
        services.round_score(round_id=round_id)
        transaction.set_rollback(True)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


class Command(BaseCommand):
    help = _("Benchmark scoring on PostgreSQL in a throwaway database (see make bench).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rounds", type=int, default=2000, help=_("Rounds to rescore."))
        parser.add_argument("--runs", type=int, default=50, help=_("Runs per timing in (a)."))
        parser.add_argument(
            "--batch-size", type=int, default=services.RESCORE_BATCH_SIZE, help=_("Rescore batch.")
        )

    def handle(self, *args, rounds: int, runs: int, batch_size: int, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                _(
                    "The benchmark needs PostgreSQL: set DATABASE_URL, for example "
                    "DATABASE_URL=postgres://postgres@127.0.0.1:5432/partnership_lens. "
                    "It works in a throwaway database beside that one."
                )
            )
        if rounds < 1 or runs < 1 or batch_size < 1:
            raise CommandError(_("--rounds, --runs and --batch-size must be at least 1."))
        # Nothing the benchmark does may reach a real broker and someone's worker.
        app.conf.task_always_eager = True
        creation = connection.creation
        original_name = connection.settings_dict["NAME"]
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{original_name}_scoring_bench"
        creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            rows = self._run(rounds=rounds, runs=runs, batch_size=batch_size)
        finally:
            creation.destroy_test_db(original_name, verbosity=0)
        self._print(rows)

    def _run(self, *, rounds: int, runs: int, batch_size: int) -> list[tuple[str, str]]:
        out = self.stdout
        rows: list[tuple[str, str]] = []
        rows.append(
            (
                _("environment"),
                _("PostgreSQL %(version)s, %(cpus)s CPUs, database %(name)s")
                % {
                    "version": connection.pg_version // 10000,
                    "cpus": os.cpu_count(),
                    "name": connection.settings_dict["NAME"],
                },
            )
        )

        # (a) One scorecard: 12 agencies x 3 respondents, 1,000 bootstrap resamples.
        out.write(_("(a) one scorecard, 12 agencies x 3 respondents..."))
        one = bench_rounds_create(n_rounds=1, n_agencies=12, respondents_per_agency=3, tag="one")
        bench_analyze()
        round_id = one.round_ids[0]
        rnd = one.instrument.rounds.get(pk=round_id)
        instrument = services.scoring_instrument(rnd.instrument)
        respondents = services.round_respondents(round_id=round_id)
        pure = _median_ms(lambda: scoring.score_round(instrument, respondents), runs)
        through_db = _median_ms(lambda: _round_score_rolled_back(round_id), runs)
        services.round_score(round_id=round_id)
        refresh = _median_ms(
            lambda: services.instrument_reliability_refresh(instrument_id=one.instrument.pk), runs
        )
        rows += [
            (
                _("(a) workload"),
                _("1 round: 12 agencies x 3 respondents, %(answers)s answers, 1,000 resamples")
                % {"answers": f"{one.n_answers:,}"},
            ),
            (_("    score_round, pure, median of %(runs)s") % {"runs": runs}, f"{pure:.1f} ms"),
            (
                _("    round_score via the database, median of %(runs)s") % {"runs": runs},
                f"{through_db:.1f} ms",
            ),
            (_("    reliability refresh (its own task), 1 round"), f"{refresh:.1f} ms"),
        ]

        # (b) Bulk rescore.
        out.write(_("(b) generating %(rounds)s rounds...") % {"rounds": f"{rounds:,}"})
        started = time.perf_counter()
        bulk = bench_rounds_create(
            n_rounds=rounds, n_agencies=10, respondents_per_agency=4, tag="bulk"
        )
        bench_analyze()
        generated = time.perf_counter() - started
        Scorecard.objects.all().delete()
        rss_before = _peak_rss_mb()
        out.write(_("(b) rescoring..."))
        last = None
        for progress in services.rescore(batch_size=batch_size):
            last = progress
        rss_after = _peak_rss_mb()
        rows += [
            (
                _("(b) workload"),
                _(
                    "%(rounds)s rounds x 10 agencies x 4 respondents: %(responses)s responses, "
                    "%(answers)s answers"
                )
                % {
                    "rounds": f"{rounds:,}",
                    "responses": f"{bulk.n_responses:,}",
                    "answers": f"{bulk.n_answers:,}",
                },
            ),
            (_("    data generation (SQL)"), f"{generated:.1f} s"),
            (
                _("    rescore, end to end (batches of %(size)s rounds)") % {"size": batch_size},
                f"{last.seconds:.1f} s",
            ),
            (
                _("    throughput"),
                _("%(rate)s answers/s") % {"rate": f"{last.answers_per_second:,.0f}"},
            ),
            (
                _("    peak RSS before / after the rescore"),
                f"{rss_before:.0f} MB / {rss_after:.0f} MB",
            ),
        ]
        with_history = _median_ms(lambda: _round_score_rolled_back(round_id), runs)
        refresh_history = _median_ms(
            lambda: services.instrument_reliability_refresh(instrument_id=one.instrument.pk), runs
        )
        rows += [
            (
                _("(a') once %(rounds)s rounds share the questionnaire: round_score")
                % {"rounds": f"{rounds + 1:,}"},
                f"{with_history:.1f} ms",
            ),
            (_("    reliability refresh, pooling every round"), f"{refresh_history:.1f} ms"),
        ]
        met = _("met")
        missed = _("MISSED")
        rows += [
            (
                _("target: one scorecard < %(ms).0f ms") % {"ms": SCORECARD_TARGET_MS},
                met if max(pure, through_db) < SCORECARD_TARGET_MS else missed,
            ),
            (
                _("target: rescore > %(rate)s answers/s")
                % {"rate": f"{RESCORE_TARGET_ANSWERS_PER_SECOND:,}"},
                met if last.answers_per_second > RESCORE_TARGET_ANSWERS_PER_SECOND else missed,
            ),
        ]
        return rows

    def _print(self, rows: list[tuple[str, str]]) -> None:
        width = max(len(label) for label, _value in rows) + 2
        self.stdout.write("")
        self.stdout.write(_("Partnership Lens benchmark"))
        self.stdout.write("-" * (width + 40))
        for label, value in rows:
            self.stdout.write(f"{label:<{width}}{value}")
