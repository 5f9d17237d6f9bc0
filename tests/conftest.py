"""The cast every test can ask for, and settings shared by the whole suite.

Alice is an officer of Northshire and Bob her colleague; Mo manages one Northshire partnership;
Priya represents a Northshire agency; Oscar is an officer of Southshire (another tenant); Sam
is a superuser with no authority.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from partnerships.models import Agency, LocalAuthority, Partnership, Project, Role, User
from tests import factories


def pytest_sessionstart(session):
    """Compile a catalogue whose .mo is missing or older than its .po (`make i18n` does the
    same), so tests run straight after a translation change see it."""
    msgfmt = shutil.which("msgfmt") or "/usr/bin/msgfmt"  # Debian's gettext (make i18n-deps)
    for po in Path(__file__).resolve().parent.parent.glob("locale*/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run([msgfmt, "--check-format", "-o", str(mo), str(po)], check=True)  # noqa: S603


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # The suite runs without DEBUG, where HTTPS is on by default; the test client speaks HTTP.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Real hashing costs ~0.3 s per user; the cast alone has seven.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No collectstatic before tests: serve assets from the finders, not a hashed manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language():
    # A request's language stays active in its thread afterwards; each test starts in English.
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate-limit counters and lockouts must not leak from one test into the next.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Tasks run in-process unless a test starts a real worker (see test_celery_worker)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@dataclass
class Cast:
    authority: LocalAuthority
    other_authority: LocalAuthority
    agency: Agency
    other_agency: Agency
    partnership: Partnership
    unassigned_partnership: Partnership
    other_partnership: Partnership
    project: Project
    other_project: Project
    alice: User
    bob: User
    mo: User
    priya: User
    oscar: User
    sam: User


@pytest.fixture
def cast(db) -> Cast:
    north = factories.authority("Northshire")
    south = factories.authority("Southshire")
    youth = factories.agency(north, "Northshire Youth Service")
    college = factories.agency(north, "Northshire College", agency_type="fe_college")
    south_agency = factories.agency(south, "Southshire Police", agency_type="police")
    partnership = factories.partnership(north, "Eastfield New Start", programme="New Start")
    factories.membership(partnership, youth, role="lead")
    factories.membership(partnership, college)
    unassigned = factories.partnership(north, "Riverside Safer Streets")
    south_partnership = factories.partnership(south, "Southshire Board")
    factories.membership(south_partnership, south_agency)
    mo = factories.user("mo", auth=north, role=Role.MANAGER)
    mo.assigned_partnerships.add(partnership)
    return Cast(
        authority=north,
        other_authority=south,
        agency=youth,
        other_agency=south_agency,
        partnership=partnership,
        unassigned_partnership=unassigned,
        other_partnership=south_partnership,
        project=factories.project(partnership, "Back on Track"),
        other_project=factories.project(south_partnership, "Southshire Project"),
        alice=factories.officer("alice", north),
        bob=factories.officer("bob", north),
        mo=mo,
        priya=factories.user("priya", auth=north, role=Role.PARTNER, agency=youth),
        oscar=factories.officer("oscar", south),
        sam=factories.user("sam", auth=None, is_superuser=True, is_staff=True),
    )


def celery_broker_required() -> bool:
    """CI's real-services run sets this, so a worker test can never be silently skipped."""
    return os.environ.get("REQUIRE_CELERY_BROKER") == "1"


NOTIFY_CALLBACK_TOKEN = "callback-token-0123456789abcdef"


@pytest.fixture
def notify(settings):
    """EMAIL_CHANNEL=notify against the local Notify server (tests/notify_server.py)."""
    from tests.notify_server import API_KEY, TEMPLATES, fake_notify

    with fake_notify() as server:
        settings.EMAIL_CHANNEL = "notify"
        settings.NOTIFY_API_KEY = API_KEY
        settings.NOTIFY_BASE_URL = server.base_url
        settings.NOTIFY_TEMPLATES = dict(TEMPLATES)
        settings.NOTIFY_CALLBACK_TOKEN = NOTIFY_CALLBACK_TOKEN
        yield server


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory):
    """A Redis server of the test run's own on a free port of 127.0.0.1 (Debian's
    redis-server, which `make test` and CI have), so no test touches a shared Redis. Its URL."""
    import shutil
    import subprocess

    from tests.perf.served import free_port, wait_for_port

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is missing: apt-get install redis-server")
    port, root = free_port(), tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(  # noqa: S603  # Debian's redis-server, fixed arguments
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(root),
        ],
        stdout=(root / "redis.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, 10)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)
