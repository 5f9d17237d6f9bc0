"""python -m tests.perf.profile_journey: it drives whole journeys in process and reports each
kind of request with its queries. The timings themselves run in make bench only."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from surveys.models import Response
from tests.perf import profile_journey


@pytest.mark.django_db(transaction=True)
def test_it_reports_every_kind_of_request_with_its_queries(capsys, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    assert profile_journey.main(["--journeys", "2", "--warm", "1"]) == 0
    out = capsys.readouterr().out
    rows = {
        m.group(1): (int(m.group(2)), m.group(3))
        for m in re.finditer(
            r"^(\w+ (?:GET|POST)) +(\d+) +[\d.]+ +[\d.]+ +[\d.]+ +([\d-]+)$", out, re.M
        )
    }
    # Two measured journeys: 9 section pages read and posted in each, every other request once.
    # The seeded answers leave some questions blank: a cleared answer is deleted in the upsert's
    # statement on PostgreSQL, in a fourth one elsewhere.
    submit = rows.pop("submit POST")
    assert rows == {
        "link GET": (2, "2"),
        "consent GET": (2, "2"),
        "consent POST": (2, "3"),
        "section GET": (18, "2"),
        "section POST": (18, "3" if connection.vendor == "postgresql" else "3-4"),
        "check GET": (2, "2"),
        "done GET": (2, "2"),
    }
    assert submit[0] == 2  # its queries include the scoring the tests run at once (eager)
    assert "whole journey: median" in out
    # The three journeys (one to warm up) were really submitted.
    assert Response.objects.filter(submitted_at__isnull=False).count() == 3


def test_it_refuses_the_development_settings(settings, capsys, db):
    settings.DEBUG = True
    assert profile_journey.main(["--journeys", "1"]) == 1
    assert "DJANGO_DEBUG=0" in capsys.readouterr().err
