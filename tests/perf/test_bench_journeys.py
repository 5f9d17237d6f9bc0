"""python -m tests.perf.bench_journeys: the CPU reader it divides by completions, and its
refusal without PostgreSQL. The timings run in make bench only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.db import connection

from tests.perf import bench_journeys


def stat_line(pid: int, comm: str, pgrp: int, utime: int, stime: int) -> str:
    # /proc/<pid>/stat: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt
    # majflt cmajflt utime stime ...
    return f"{pid} ({comm}) S 1 {pgrp} {pgrp} 0 -1 0 0 0 0 0 {utime} {stime} 0 0 20 0 1 0\n"


def test_it_adds_the_cpu_of_the_masters_group_without_the_master(tmp_path):
    ticks = bench_journeys.CLOCK_TICKS
    for pid, comm, pgrp, utime, stime in [
        (100, "gunicorn", 100, 5 * ticks, 5 * ticks),  # the master: left out
        (101, "gunicorn: worker", 100, 2 * ticks, ticks),
        (102, "a (strange) name", 100, ticks, 0),  # parentheses in the command name
        (200, "celery", 200, 50 * ticks, 0),  # another group
    ]:
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(stat_line(pid, comm, pgrp, utime, stime))

    assert bench_journeys.workers_cpu_seconds(100, proc=tmp_path) == 4.0
    assert bench_journeys.workers_cpu_seconds(300, proc=tmp_path) == 0.0


def test_it_reads_a_real_process_groups_children_from_proc():
    # A group leader (sh) whose child burns 0.6 s of CPU, then stays alive to be read.
    burn = (
        "import time\nt = time.process_time()\n"
        "while time.process_time() - t < 0.6: pass\ntime.sleep(10)\n"
    )
    leader = subprocess.Popen(  # noqa: S603  # this interpreter, fixed arguments
        ["/bin/sh", "-c", f'"{sys.executable}" -c "$0" & wait', burn],
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while (seconds := bench_journeys.workers_cpu_seconds(leader.pid)) < 0.5:
            assert time.monotonic() < deadline, f"read {seconds} s of CPU"
            time.sleep(0.05)
        assert seconds < 2.0
    finally:
        os.killpg(leader.pid, signal.SIGKILL)
        leader.wait()


def test_it_refuses_to_run_without_postgresql(db, monkeypatch, capsys):
    monkeypatch.setattr(connection, "vendor", "sqlite")

    assert bench_journeys.main([]) == 1
    assert "CommandError: The journeys benchmark needs PostgreSQL" in capsys.readouterr().err
