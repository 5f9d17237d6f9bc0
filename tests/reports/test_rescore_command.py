"""python manage.py rescore: a progress bar, then one summary line."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from reports.models import Scorecard
from tests import factories
from tests.reports.test_round_score import agencies


@pytest.fixture
def rounds(cast):
    youth, college = agencies(cast, ["Youth", "College"])
    north = [factories.survey_round(cast.project) for _ in range(2)]
    for rnd in north:
        factories.submitted_response(rnd, youth)
        factories.submitted_response(rnd, college)
    south = factories.survey_round(cast.other_project)
    factories.submitted_response(south, cast.other_agency)
    return north, south


def run(*args) -> str:
    out = io.StringIO()
    call_command("rescore", *args, stdout=out)
    return out.getvalue()


def test_it_draws_a_progress_bar_and_a_summary(rounds):
    output = run("--batch-size", "1")

    frames = output.split("\r")
    assert frames[1].startswith("[" + "-" * 40 + "] 0/3 rounds")
    assert "[" + "#" * 40 + "] 3/3 rounds, 185 answers" in frames[-1]  # 5 responses x 37
    summary = output.strip().splitlines()[-1]
    assert summary.startswith("Rescored 3 rounds, 185 answers in ")
    assert summary.endswith(" answers/s).")
    assert Scorecard.objects.count() == 3


def test_it_rescores_one_authority_by_short_name(rounds, cast):
    run("--authority", cast.authority.slug)
    assert Scorecard.objects.filter(round__project=cast.project).count() == 2
    assert Scorecard.objects.count() == 2


def test_it_rescores_one_authority_by_id(rounds, cast):
    run("--authority", str(cast.other_authority.pk))
    assert list(Scorecard.objects.values_list("round_id", flat=True)) == [rounds[1].pk]


def test_it_rescores_one_round(rounds):
    run("--round", str(rounds[0][1].pk))
    assert list(Scorecard.objects.values_list("round_id", flat=True)) == [rounds[0][1].pk]


def test_it_refuses_an_unknown_authority(rounds):
    with pytest.raises(CommandError, match="No local authority 'nowhere'"):
        run("--authority", "nowhere")
    assert not Scorecard.objects.exists()


def test_it_refuses_a_batch_size_below_one(db):
    with pytest.raises(CommandError, match="at least 1"):
        run("--batch-size", "0")


def test_with_nothing_to_do_it_still_summarises(db):
    assert "Rescored 0 rounds, 0 answers" in run()
