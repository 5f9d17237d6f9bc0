"""python -m tests.perf.bench: refuses anything but PostgreSQL; its data generator writes what
it says.

The full benchmark (make bench) creates and drops its own database, so it is not run here.
"""

from __future__ import annotations

import pytest
from django.db import connection

from reports.services import rescore
from surveys.models import Answer, Response
from tests.perf import bench

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the generator writes with PostgreSQL's SQL"
)


def test_it_refuses_to_run_without_postgresql(db, monkeypatch, capsys):
    monkeypatch.setattr(connection, "vendor", "sqlite")

    assert bench.main([]) == 1
    assert "CommandError: The benchmark needs PostgreSQL" in capsys.readouterr().err


@needs_postgresql
def test_the_generator_writes_the_stated_workload(db):
    from tests.perf.data import bench_rounds_create

    data = bench_rounds_create(n_rounds=3, n_agencies=4, respondents_per_agency=2, tag="t")

    assert len(data.round_ids) == 3
    assert data.n_responses == Response.objects.filter(submitted_at__isnull=False).count() == 24
    assert data.n_answers == Answer.objects.count() == 24 * 37
    # "Don't know" rows carry no value, as the database's check constraint demands.
    assert Answer.objects.filter(dont_know=True, value__isnull=True).exists()
    steps = list(rescore())
    assert steps[-1].answers == data.n_answers and steps[-1].failed == 0
