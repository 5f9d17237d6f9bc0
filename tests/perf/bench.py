"""python -m tests.perf.bench: how fast scoring is, on PostgreSQL, with the workload stated.

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

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

from django.core.management.base import CommandError
from django.db import connection, transaction

from tests.perf import cli

if TYPE_CHECKING:
    from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper

SCORECARD_TARGET_MS = 30.0
RESCORE_TARGET_ANSWERS_PER_SECOND = 500_000


def _median_ms(function: Callable[[], object], runs: int) -> float:
    function()  # warm-up: imports, caches, the first plan
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _round_score_rolled_back(round_id: int) -> None:
    from reports import services

    # Rolled back: no scorecard piles up between runs, and the reliability refresh round_score
    # requests for after the commit is dropped; it is timed on its own.
    with transaction.atomic():
        services.round_score(round_id=round_id)
        transaction.set_rollback(True)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def arguments() -> argparse.ArgumentParser:
    parser = cli.parser(
        "tests.perf.bench",
        "Benchmark scoring on PostgreSQL in a throwaway database (see make bench).",
    )
    parser.add_argument("--rounds", type=int, default=2000, help="Rounds to rescore.")
    parser.add_argument("--runs", type=int, default=50, help="Runs per timing in (a).")
    # The default, reports.services.RESCORE_BATCH_SIZE, is read once Django is set up.
    parser.add_argument("--batch-size", type=int, help="Rescore batch.")
    return parser


def command(args: argparse.Namespace, out: cli.Output) -> None:
    from config.celery import app
    from reports import services

    rounds, runs, batch_size = args.rounds, args.runs, args.batch_size
    if batch_size is None:
        batch_size = services.RESCORE_BATCH_SIZE
    if connection.vendor != "postgresql":
        raise CommandError(
            "The benchmark needs PostgreSQL: set DATABASE_URL, for example "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/partnership_lens. "
            "It works in a throwaway database beside that one."
        )
    if rounds < 1 or runs < 1 or batch_size < 1:
        raise CommandError("--rounds, --runs and --batch-size must be at least 1.")
    # Nothing the benchmark does may reach a real broker and someone's worker.
    app.conf.task_always_eager = True
    creation = connection.creation
    original_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{original_name}_scoring_bench"
    creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        rows = _run(out, rounds=rounds, runs=runs, batch_size=batch_size)
    finally:
        creation.destroy_test_db(original_name, verbosity=0)
    _print(out, rows)


def _run(out: cli.Output, *, rounds: int, runs: int, batch_size: int) -> list[tuple[str, str]]:
    from reports import scoring, services
    from reports.models import Scorecard
    from tests.perf import data

    rows: list[tuple[str, str]] = []
    rows.append(
        (
            "environment",
            # command() has refused any other database
            f"PostgreSQL {cast('PostgreSQLWrapper', connection).pg_version // 10000}, "
            f"{os.cpu_count()} CPUs, "
            f"database {connection.settings_dict['NAME']}",
        )
    )

    # (a) One scorecard: 12 agencies x 3 respondents, 1,000 bootstrap resamples.
    out.write("(a) one scorecard, 12 agencies x 3 respondents...")
    one = data.bench_rounds_create(n_rounds=1, n_agencies=12, respondents_per_agency=3, tag="one")
    data.analyze()
    round_id = one.round_ids[0]
    rnd = one.instrument.rounds.get(pk=round_id)
    instrument = services.scoring_instrument(rnd.instrument)
    respondents = data.round_respondents(round_id)
    pure = _median_ms(lambda: scoring.score_round(instrument, respondents), runs)
    through_db = _median_ms(lambda: _round_score_rolled_back(round_id), runs)
    services.round_score(round_id=round_id)
    refresh = _median_ms(
        lambda: services.instrument_reliability_refresh(instrument_id=one.instrument.pk), runs
    )
    rows += [
        (
            "(a) workload",
            f"1 round: 12 agencies x 3 respondents, {one.n_answers:,} answers, 1,000 resamples",
        ),
        (f"    score_round, pure, median of {runs}", f"{pure:.1f} ms"),
        (
            f"    round_score via the database, median of {runs}",
            f"{through_db:.1f} ms",
        ),
        ("    reliability refresh (its own task), 1 round", f"{refresh:.1f} ms"),
    ]

    # (b) Bulk rescore.
    out.write(f"(b) generating {rounds:,} rounds...")
    started = time.perf_counter()
    bulk = data.bench_rounds_create(
        n_rounds=rounds, n_agencies=10, respondents_per_agency=4, tag="bulk"
    )
    data.analyze()
    generated = time.perf_counter() - started
    Scorecard.objects.all().delete()
    rss_before = _peak_rss_mb()
    out.write("(b) rescoring...")
    last: services.RescoreProgress  # rescore yields at least its start and its total
    for progress in services.rescore(batch_size=batch_size):
        last = progress
    rss_after = _peak_rss_mb()
    rows += [
        (
            "(b) workload",
            f"{rounds:,} rounds x 10 agencies x 4 respondents: {bulk.n_responses:,} responses, "
            f"{bulk.n_answers:,} answers",
        ),
        ("    data generation (SQL)", f"{generated:.1f} s"),
        (
            f"    rescore, end to end (batches of {batch_size} rounds)",
            f"{last.seconds:.1f} s",
        ),
        ("    throughput", f"{last.answers_per_second:,.0f} answers/s"),
        ("    peak RSS before / after the rescore", f"{rss_before:.0f} MB / {rss_after:.0f} MB"),
    ]
    with_history = _median_ms(lambda: _round_score_rolled_back(round_id), runs)
    refresh_history = _median_ms(
        lambda: services.instrument_reliability_refresh(instrument_id=one.instrument.pk), runs
    )
    rows += [
        (
            f"(a') once {rounds + 1:,} rounds share the questionnaire: round_score",
            f"{with_history:.1f} ms",
        ),
        ("    reliability refresh, pooling every round", f"{refresh_history:.1f} ms"),
    ]
    met, missed = "met", "MISSED"
    rows += [
        (
            f"target: one scorecard < {SCORECARD_TARGET_MS:.0f} ms",
            met if max(pure, through_db) < SCORECARD_TARGET_MS else missed,
        ),
        (
            f"target: rescore > {RESCORE_TARGET_ANSWERS_PER_SECOND:,} answers/s",
            met if last.answers_per_second > RESCORE_TARGET_ANSWERS_PER_SECOND else missed,
        ),
    ]
    return rows


def _print(out: cli.Output, rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _value in rows) + 2
    out.write("")
    out.write("Partnership Lens benchmark")
    out.write("-" * (width + 40))
    for label, value in rows:
        out.write(f"{label:<{width}}{value}")


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(arguments(), command, argv)


if __name__ == "__main__":
    sys.exit(main())
