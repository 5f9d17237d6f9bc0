"""python -m tests.perf.bench_network: its workload is the one issue 16 states, and it prints
its figures and the target."""

from __future__ import annotations

from tests.perf import bench_network


def test_the_workload_has_1560_directed_ratings_per_respondent_set():
    nodes, people = bench_network.network_workload(40, 1)
    assert len(nodes) == 40 and len(people) == 40
    assert sum(len(person.ratings) for person in people) == 1560
    assert all(person.agency not in person.ratings for person in people)


def test_it_prints_the_timing_and_the_target(capsys):
    assert bench_network.main(["--runs", "3"]) == 0
    out = capsys.readouterr().out
    assert "40 agencies x 3 respondents: 1,560 directed ratings per respondent set" in out
    assert "score_network + stored form, median of 3" in out
    assert "target: network scoring < 50 ms" in out


def test_it_refuses_fewer_than_three_agencies(capsys):
    assert bench_network.main(["--agencies", "2"]) == 1
    assert "--agencies must be at least 3" in capsys.readouterr().err
