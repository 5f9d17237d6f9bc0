"""The harness runs as `python -m tests.perf.<tool>`, never as a management command of the
apps that ship, and nothing that ships imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.management import get_commands

from tests.perf import (
    bench,
    bench_journeys,
    bench_network,
    bench_reports,
    bench_submissions,
    cluster,
    load,
    profile_reports,
)
from tests.perf.faults import __main__ as faults

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("config", "partnerships", "surveys", "reports")


@pytest.mark.parametrize(
    ("tool", "module", "option"),
    [
        (bench, "tests.perf.bench", "--batch-size"),
        (bench_network, "tests.perf.bench_network", "--agencies"),
        (bench_submissions, "tests.perf.bench_submissions", "--rate"),
        (bench_reports, "tests.perf.bench_reports", "--max-requests"),
        (bench_journeys, "tests.perf.bench_journeys", "--clients"),
        (profile_reports, "tests.perf.profile_reports", "--reads"),
        (load, "tests.perf.load", "--think-min"),
        (cluster, "tests.perf.cluster", "--stop-after"),
        (faults, "tests.perf.faults", "--only"),
    ],
)
def test_each_tool_answers_help_without_a_database(tool, module, option, capsys):
    with pytest.raises(SystemExit) as exit_:
        tool.main(["--help"])

    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: python -m {module}") and option in out


def test_manage_py_has_no_benchmark_or_load_command():
    commands = get_commands()
    assert not {"bench", "bench_reports", "bench_submissions", "load_submissions"} & set(commands)


def test_nothing_that_ships_imports_the_tests():
    importers = []
    for app in SHIPPED:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                if any(name == "tests" or name.startswith("tests.") for name in names):
                    importers.append(str(path.relative_to(ROOT)))
    assert importers == []
