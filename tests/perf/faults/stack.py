"""The private servers the fault scenarios break: PostgreSQL, Redis, gunicorn, Celery workers.

All on 127.0.0.1, on free ports, with data in a temporary directory; logs go to var/faults/.
PostgreSQL refuses to run as root, so when we are root its commands run as the ``postgres``
system user (``runuser``), which owns its data directory.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess  # starts our own servers and processes, nothing else
import time
from dataclasses import dataclass, field
from pathlib import Path

# served reads none of Django's settings, which must wait until the servers below have ports
# (their addresses are settings).
from tests.perf.served import (
    BASE_DIR,
    SERVED_ENV,
    celery_worker_command,
    free_port,
    gunicorn_command,
    start_process,
    stop_process,
    wait_for_port,
)

LOG_DIR = BASE_DIR / "var" / "faults"
VISIBILITY_TIMEOUT = 6  # seconds before Redis hands a killed worker's task back


def _postgres_bin() -> Path:
    """The directory of pg_ctl: Debian keeps it out of PATH, under /usr/lib/postgresql/N/bin."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent  # /usr/local/bin/pg_ctl may be a link to it
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3])
    )
    if not versions:
        raise RuntimeError("PostgreSQL's pg_ctl was not found (apt-get install postgresql)")
    return Path(versions[-1]).parent


@dataclass
class Postgres:
    root: Path
    port: int
    bin_dir: Path = field(default_factory=_postgres_bin)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/lens"

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Fixed PostgreSQL binaries with arguments built here: nothing comes from outside.
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)  # noqa: S603
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    def init(self) -> None:
        self.root.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "lens")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-o",
            options,
            "-l",
            str(self.root / "postgres.log"),
            "-w",
            "-t",
            "30",
            "start",
        )

    def stop(self) -> None:
        # Fast: running transactions are rolled back and their connections cut, as in a restart.
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "30", "stop")

    def running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()


@dataclass
class Redis:
    root: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        # No persistence: a crash loses what was queued, the worst case for the scenarios.
        self.process = subprocess.Popen(  # noqa: S603  # our own servers, fixed args
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=(LOG_DIR / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, 10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class Stack:
    """PostgreSQL and Redis of our own, and the app's processes pointed at them."""

    def __init__(self, root: Path):
        self.root = root
        self.postgres = Postgres(root / "pg", free_port())
        self.redis = Redis(root, free_port())
        self.web_port = free_port()
        self.processes: list[subprocess.Popen] = []
        self.env = {
            **os.environ,
            "DATABASE_URL": self.postgres.url,
            "CELERY_BROKER_URL": self.redis.url,
            # Served as the benchmarks serve it, with kept database connections (a restart must
            # not break them), but logging at INFO into var/faults/.
            **SERVED_ENV,
            "DJANGO_VAR_DIR": str(root / "var"),
            "DATABASE_CONNECT_TIMEOUT": "3",
            "SCORING_DELAY_SECONDS": "1",
            "RELIABILITY_DELAY_SECONDS": "1",
            # A killed worker's task comes back after this many seconds, not an hour.
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "LOG_LEVEL": "INFO",
        }
        for name in (
            "CELERY_RESULT_BACKEND",
            "CELERY_TASK_ALWAYS_EAGER",
            "CACHE_URL",
            "SECRET_KEY",
        ):
            self.env.pop(name, None)

    def start_servers(self) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        for old in LOG_DIR.glob("*.log"):
            old.unlink()
        self.postgres.init()
        self.redis.start()

    def _start(self, args: list[str], log: str) -> subprocess.Popen:
        process = start_process(args, self.env, LOG_DIR / log)
        self.processes.append(process)
        return process

    def start_web(self) -> subprocess.Popen:
        process = self._start(
            gunicorn_command(self.web_port, 2, "--timeout", "30"),
            "gunicorn.log",
        )
        wait_for_port(self.web_port, 30)
        return process

    def start_worker(self, name: str) -> subprocess.Popen:
        # One pool process: "the" task is then easy to find, and to kill.
        return self._start(
            celery_worker_command(
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--hostname",
                f"{name}@faults",
                "--loglevel",
                "INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ),
            f"{name}.log",
        )

    def stop_worker(self, process: subprocess.Popen) -> None:
        """A warm shutdown: SIGTERM to the main process only, which lets its task finish.

        Not to the whole process group (as served.stop_process does): a pool process that gets
        SIGTERM itself dies mid-task, and the task runs again on the next worker.
        """
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill(process)

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL a process and all of its children (its own process group): no clean-up."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            stop_process(process)
        self.redis.stop()
        if self.postgres.running():
            self.postgres.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def children(pid: int) -> list[int]:
    """The child processes of pid (Linux)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def wait_until(predicate, *, seconds: float, every: float = 0.1):
    """predicate()'s first truthy value within the time, else None."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(every)
