"""A malformed boolean or number in the environment stops start-up, naming the variable.

django-environ reads any word it does not know as False, so DJANGO_HTTPS=ture used to turn
HTTPS off without a word. Each check imports the settings afresh in a subprocess, with the
variable set, the way a deployment starts.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_SOURCE = (ROOT / "config" / "settings.py").read_text()

# Every variable the settings read through the helpers, by kind, straight from the source.
READS = re.findall(r"\benv(bool|int|float|date)\(\s*\"([A-Z0-9_]+)\"", SETTINGS_SOURCE)
BOOLEANS = [name for kind, name in READS if kind == "bool"]
NUMBERS = [name for kind, name in READS if kind in ("int", "float")]

# Imports the settings once per case (after applying the case's variables) and prints, per
# case, either the error that stopped it or the settings asked for.
RUNNER = """
import importlib, json, os, sys
cases = json.loads(sys.argv[1])
base = dict(os.environ)
results = []
for variables, names in cases:
    os.environ.clear()
    os.environ.update(base, **variables)
    sys.modules.pop("config.settings", None)
    try:
        settings = importlib.import_module("config.settings")
    except Exception as error:
        results.append({"error": type(error).__name__, "message": str(error)})
    else:
        results.append({"values": {name: getattr(settings, name) for name in names}})
print(json.dumps(results))
"""


def _environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    names = {name for _, name in READS}
    environment = {key: value for key, value in os.environ.items() if key not in names}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment["DJANGO_VAR_DIR"] = str(tmp_path)
    return {**environment, **variables}


def _import_settings(tmp_path: Path, cases: list[tuple[dict[str, str], list[str]]]) -> list:
    done = subprocess.run(  # noqa: S603  # our own interpreter, fixed arguments
        [sys.executable, "-c", RUNNER, json.dumps(cases)],
        cwd=ROOT,
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_the_settings_read_every_boolean_and_number_through_the_strict_helpers():
    assert "DJANGO_HTTPS" in BOOLEANS and "AXES_COOLOFF_HOURS" in NUMBERS
    assert len(READS) >= 20
    assert not re.search(r"\benv\.(bool|int|float)\(", SETTINGS_SOURCE)


def test_a_misspelt_boolean_stops_django_from_starting(tmp_path):
    done = subprocess.run(  # noqa: S603  # our own interpreter, fixed arguments
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=_environment(tmp_path, DJANGO_SETTINGS_MODULE="config.settings", DJANGO_HTTPS="ture"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "DJANGO_HTTPS='ture'" in done.stderr


@pytest.mark.parametrize("kind", ["booleans", "numbers"])
def test_every_variable_refuses_a_malformed_value(tmp_path, kind):
    if kind == "booleans":
        bad_values = {name: "ture" for name in BOOLEANS} | {"DJANGO_DEBUG": "", "DJANGO_HTTPS": "2"}
    else:
        bad_values = {name: "ten" for name in NUMBERS} | {
            "SESSION_COOKIE_AGE": "8h",
            "LINK_GUESS_LIMIT": "2.5",
            "AXES_COOLOFF_HOURS": "nan",
        }
    # DATABASE_CONNECT_TIMEOUT is read for PostgreSQL only (importing the settings connects to
    # nothing).
    postgres = {"DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"}
    results = _import_settings(
        tmp_path, [({name: value, **postgres}, []) for name, value in bad_values.items()]
    )
    for (name, value), result in zip(bad_values.items(), results, strict=True):
        assert result.get("error") == "ImproperlyConfigured", (name, value, result)
        assert f"{name}={value!r}" in result["message"]


SPELLINGS = [
    ("1", True),
    ("true", True),
    ("True", True),
    (" YES ", True),
    ("on", True),
    ("0", False),
    ("false", False),
    ("FALSE", False),
    ("no\n", False),
    ("Off", False),
]


def test_the_usual_spellings_of_yes_and_no_are_accepted(tmp_path):
    cases = [
        ({"DJANGO_HTTPS": text, "DJANGO_BEHIND_PROXY": text}, ["HTTPS"]) for text, _ in SPELLINGS
    ]
    results = _import_settings(tmp_path, cases)
    assert [result["values"]["HTTPS"] for result in results] == [value for _, value in SPELLINGS]


def test_numbers_are_read_and_the_defaults_are_unchanged(tmp_path):
    names = ["SESSION_COOKIE_AGE", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "DEBUG", "HTTPS"]
    given = {"SESSION_COOKIE_AGE": " 3600 ", "AXES_FAILURE_LIMIT": "7", "AXES_COOLOFF_HOURS": "1.5"}
    read, defaults = _import_settings(tmp_path, [(given, names), ({}, names)])
    assert read["values"] == {
        "SESSION_COOKIE_AGE": 3600,
        "AXES_FAILURE_LIMIT": 7,
        "AXES_COOLOFF_TIME": 1.5,
        "DEBUG": False,
        "HTTPS": True,
    }
    assert defaults["values"] == {
        "SESSION_COOKIE_AGE": 28_800,
        "AXES_FAILURE_LIMIT": 5,
        "AXES_COOLOFF_TIME": 0.25,
        "DEBUG": False,
        "HTTPS": True,
    }


def test_a_date_must_be_written_yyyy_mm_dd_and_the_review_not_come_before_the_test(tmp_path):
    results = _import_settings(
        tmp_path,
        [
            ({"ACCESSIBILITY_TESTED_ON": "2/12/2026"}, []),
            (
                {"ACCESSIBILITY_TESTED_ON": "2026-12-02", "ACCESSIBILITY_REVIEW_ON": "2026-01-01"},
                [],
            ),
            (
                {"ACCESSIBILITY_TESTED_ON": "2026-11-03", "ACCESSIBILITY_REVIEW_ON": "2027-05-04"},
                [],
            ),
        ],
    )
    assert results[0] == {
        "error": "ImproperlyConfigured",
        "message": "ACCESSIBILITY_TESTED_ON='2/12/2026' is not a date written YYYY-MM-DD.",
    }
    assert results[1]["error"] == "ImproperlyConfigured"
    assert "ACCESSIBILITY_REVIEW_ON" in results[1]["message"]
    assert results[2] == {"values": {}}


def test_the_notify_channel_refuses_to_start_without_its_key_and_templates(tmp_path):
    key = (
        "lens-"
        + "3a3e8f4c-7a52-4d8e-9d63-1b2c3d4e5f60"
        + "-"
        + "9b1c2d3e-4f50-4a6b-8c7d-e8f9a0b1c2d3"
    )
    templates = {
        f"NOTIFY_TEMPLATE_{kind}": "11111111-1111-4111-8111-111111111111"
        for kind in ("INVITATION", "REMINDER", "TEAM_INVITATION", "PASSWORD_RESET")
    }
    no_reset = {k: v for k, v in templates.items() if k != "NOTIFY_TEMPLATE_PASSWORD_RESET"}
    results = _import_settings(
        tmp_path,
        [
            ({"EMAIL_CHANNEL": "notfiy"}, []),
            ({"EMAIL_CHANNEL": "notify", **templates}, []),
            ({"EMAIL_CHANNEL": "notify", "NOTIFY_API_KEY": key, **no_reset}, []),
            ({"EMAIL_CHANNEL": "notify", "NOTIFY_API_KEY": key, **templates}, ["EMAIL_CHANNEL"]),
        ],
    )
    assert results[0]["error"] == "ImproperlyConfigured" and "notfiy" in results[0]["message"]
    assert (
        results[1]["error"] == "ImproperlyConfigured" and "NOTIFY_API_KEY" in results[1]["message"]
    )
    assert results[2]["error"] == "ImproperlyConfigured"
    assert "missing: password_reset" in results[2]["message"]
    assert results[3] == {"values": {"EMAIL_CHANNEL": "notify"}}
