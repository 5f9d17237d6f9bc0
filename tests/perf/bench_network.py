"""python -m tests.perf.bench_network: how fast the working-relationships network is scored.

The workload of issue 16: a partnership of 40 agencies, so each set of respondents (one person
per agency) gives 40 x 39 = 1,560 directed ratings; by default 3 respondents per agency (4,680
ratings, 5% don't know). The pure computation (reports.scoring.score_network) is timed, with the
JSON form that is stored. No database: the network is scored from ratings already loaded.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Sequence

from django.core.management.base import CommandError

from tests.perf import cli

NETWORK_TARGET_MS = 50.0


def network_workload(n_agencies: int, respondents_per_agency: int, seed: int = 16):
    """Every agency's respondents rating every other agency (seeded, so runs compare)."""
    from reports.scoring import RelationshipRespondent

    rng = random.Random(seed)  # noqa: S311  # reproducible benchmark data
    nodes = list(range(1, n_agencies + 1))
    people = [
        RelationshipRespondent(
            agency=agency,
            ratings={
                other: (None if rng.random() < 0.05 else rng.randint(0, 5))
                for other in nodes
                if other != agency
            },
        )
        for agency in nodes
        for _person in range(respondents_per_agency)
    ]
    return nodes, people


def arguments() -> argparse.ArgumentParser:
    parser = cli.parser(
        "tests.perf.bench_network", "Benchmark the working-relationships network's scoring."
    )
    parser.add_argument("--agencies", type=int, default=40, help="Member agencies.")
    parser.add_argument("--respondents", type=int, default=3, help="Respondents per agency.")
    parser.add_argument("--runs", type=int, default=50, help="Runs to take the median of.")
    return parser


def command(args: argparse.Namespace, out: cli.Output) -> None:
    from reports.scoring import score_network

    if args.agencies < 3 or args.respondents < 1 or args.runs < 1:
        raise CommandError("--agencies must be at least 3, --respondents and --runs at least 1.")
    nodes, people = network_workload(args.agencies, args.respondents)
    per_set = args.agencies * (args.agencies - 1)
    score_network(nodes, people).to_dict()  # warm-up: imports, the first graph
    timings = []
    for _run in range(args.runs):
        started = time.perf_counter()
        score_network(nodes, people).to_dict()
        timings.append((time.perf_counter() - started) * 1000)
    median, worst = statistics.median(timings), max(timings)
    rows = [
        (
            "workload",
            f"{args.agencies} agencies x {args.respondents} respondents: {per_set:,} directed "
            f"ratings per respondent set, {per_set * args.respondents:,} in all",
        ),
        (f"score_network + stored form, median of {args.runs}", f"{median:.1f} ms"),
        ("slowest run", f"{worst:.1f} ms"),
        (
            f"target: network scoring < {NETWORK_TARGET_MS:.0f} ms",
            "met" if median < NETWORK_TARGET_MS else "MISSED",
        ),
    ]
    width = max(len(label) for label, _value in rows) + 2
    out.write("Working-relationships network scoring (pure, no database)")
    for label, value in rows:
        out.write(f"  {label:<{width}}{value}")


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(arguments(), command, argv)


if __name__ == "__main__":
    raise SystemExit(main())
