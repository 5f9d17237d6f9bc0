"""The SQLite database and the var/ directory are nobody else's to read on the machine.

SQLite creates its file 0644 under the usual umask: anyone with a shell on the host could read
every response. Settings create the file 0600 before Django opens it and var/ 0700, whatever
the umask; these run manage.py in a subprocess, with umask 0 (the worst case), on a fresh
DJANGO_VAR_DIR.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(var_dir: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env["DJANGO_VAR_DIR"] = str(var_dir)
    subprocess.run(  # noqa: S603  # our own manage.py, arguments fixed by the test
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
        preexec_fn=lambda: os.umask(0),  # the worst case; nothing else runs in the child yet
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_var_dir_and_sqlite_database_are_private(tmp_path):
    var_dir = tmp_path / "deploy" / "var"
    manage(var_dir, "migrate", "--no-input")
    database = var_dir / "db.sqlite3"
    assert database.stat().st_size > 0  # Django really used the file settings created
    assert mode(var_dir) == 0o700
    assert mode(database) == 0o600
    assert mode(var_dir / "secret_key") == 0o600
    for journal in ("db.sqlite3-wal", "db.sqlite3-shm"):
        if (var_dir / journal).exists():
            assert mode(var_dir / journal) == 0o600, journal


def test_an_existing_world_readable_var_dir_and_database_are_tightened(tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    var_dir.chmod(0o755)
    (var_dir / "db.sqlite3").touch()
    (var_dir / "db.sqlite3").chmod(0o644)
    manage(var_dir, "check")
    assert mode(var_dir) == 0o700
    assert mode(var_dir / "db.sqlite3") == 0o600
