"""python -m tests.perf.faults [--only NAME ...]: run the fault scenarios, one PASS/FAIL line
each.

Unlike the other tools, it sets Django up late: Django reads DATABASE_URL and
CELERY_BROKER_URL when its settings load, and the private servers' addresses are only known
once they have started, so the servers start first and Django is set up after.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess  # starts our own servers and processes, nothing else
import sys
import tempfile
import time
from pathlib import Path

from tests.perf.cli import setup_django
from tests.perf.faults.stack import BASE_DIR, LOG_DIR, Stack


class TimeLimit(BaseException):
    """Not an Exception: a scenario's own error handling must not swallow it."""


def _raise_time_limit(signum, frame):
    raise TimeLimit


def _exit_on_term(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def main(argv: list[str] | None = None) -> int:
    from tests.perf.faults.scenarios import SCENARIOS, Outcome, run

    parser = argparse.ArgumentParser(prog="python -m tests.perf.faults", description=__doc__)
    parser.add_argument("--only", action="append", choices=list(SCENARIOS), metavar="NAME")
    parser.add_argument("--time-limit", type=int, default=170, help="seconds (default 170)")
    args = parser.parse_args(argv)

    began = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="lens-faults-"))
    # PostgreSQL runs as its own user and must pass through (not read) our directory.
    os.chmod(root, 0o711)  # noqa: S103  # traverse only, nothing readable
    stack = Stack(root)
    signal.signal(signal.SIGTERM, _exit_on_term)
    signal.signal(signal.SIGALRM, _raise_time_limit)
    signal.alarm(args.time_limit)
    outcomes: list[Outcome] = []
    try:
        stack.start_servers()
        print(
            f"Private PostgreSQL on 127.0.0.1:{stack.postgres.port}, Redis on "
            f"127.0.0.1:{stack.redis.port}, gunicorn on 127.0.0.1:{stack.web_port}; "
            f"logs in {LOG_DIR}",
            flush=True,
        )
        # The pages name their static files; the scenarios never fetch them. A plain copy
        # (DEBUG's storage) takes a second where hashing and compressing them takes a minute;
        # with no manifest the hashed names are computed from the copies when asked for.
        subprocess.run(  # noqa: S603  # our interpreter and manage.py, fixed arguments
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=BASE_DIR,
            env={**stack.env, "DJANGO_DEBUG": "1"},
            check=True,
            capture_output=True,
        )
        os.environ.clear()
        os.environ.update(stack.env)  # before Django reads its settings
        os.environ["LOG_LEVEL"] = "WARNING"  # ours; the workers log at INFO into var/faults/
        setup_django()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(f"Ready after {time.monotonic() - began:.0f} s", flush=True)
        run(stack, only=args.only, outcomes=outcomes, out=lambda line: print(line, flush=True))
    except TimeLimit:
        outcomes.append(Outcome("time-limit", False, f"not finished after {args.time_limit} s"))
        print(outcomes[-1].line(), flush=True)
    finally:
        signal.alarm(0)
        stack.stop_all()
    failed = [o.name for o in outcomes if not o.passed]
    print(
        f"{len(outcomes) - len(failed)} passed, {len(failed)} failed in "
        f"{time.monotonic() - began:.0f} s; everything started was stopped"
    )
    return 1 if failed or not outcomes else 0


if __name__ == "__main__":
    sys.exit(main())
