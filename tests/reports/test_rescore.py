"""rescore: every round (or one authority's, or one round) in batches, with progress."""

from __future__ import annotations

import pytest

from reports.models import Scorecard
from reports.services import rescore
from surveys.models import Answer
from tests import factories
from tests.reports.test_round_score import agencies, scored


@pytest.fixture
def rounds(cast):
    """Three scoreable Northshire rounds and one Southshire round."""
    youth, college = agencies(cast, ["Youth", "College"])
    north = [factories.survey_round(cast.project) for _ in range(3)]
    for rnd in north:
        factories.submitted_response(rnd, youth, likert=4)
        factories.submitted_response(rnd, college, likert=2)
    south = factories.survey_round(cast.other_project)
    factories.submitted_response(south, cast.other_agency)
    return north, south


def test_it_rescores_every_round_in_batches(rounds):
    north, south = rounds
    steps = list(rescore(batch_size=2))

    assert [(p.rounds_done, p.rounds_total) for p in steps] == [(0, 4), (2, 4), (4, 4), (4, 4)]
    assert steps[-1].answers == Answer.objects.count() == 7 * 37
    assert steps[-1].failed == 0
    assert Scorecard.objects.count() == 4
    assert {s.status for s in Scorecard.objects.filter(round__in=north)} == {"ok"}
    assert Scorecard.objects.get(round=south).status == "insufficient"


def test_it_gives_the_same_scorecard_as_scoring_one_round(rounds):
    north, _ = rounds
    single = scored(north[0].pk)
    list(rescore(round_id=north[0].pk))
    latest = Scorecard.objects.filter(round=north[0]).order_by("-computed_at", "-id").first()
    assert latest is not None
    assert latest != single and latest.data == single.data
    assert latest.alpha_sums == single.alpha_sums


def test_it_rescores_one_authority(rounds, cast):
    north, _ = rounds
    list(rescore(authority_id=cast.authority.pk))
    assert set(Scorecard.objects.values_list("round_id", flat=True)) == {r.pk for r in north}


def test_it_rescores_one_round(rounds):
    north, _ = rounds
    list(rescore(round_id=north[1].pk))
    assert list(Scorecard.objects.values_list("round_id", flat=True)) == [north[1].pk]


def test_it_keeps_history(rounds):
    list(rescore())
    list(rescore())
    assert Scorecard.objects.count() == 8


def test_the_batch_size_changes_nothing_but_the_progress_steps(rounds):
    list(rescore(batch_size=1))
    list(rescore(batch_size=50))
    for rnd in rounds[0]:
        first, second = Scorecard.objects.filter(round=rnd).order_by("id")
        assert first.data == second.data


def test_a_round_that_cannot_be_scored_does_not_stop_the_others(rounds, caplog):
    north, _ = rounds
    # A half ranking slipped into the database: scoring refuses it, loudly, for that round.
    Answer.objects.filter(response__round=north[0], question__type="ranking").update(
        ranking={"participant_needs": 1}
    )
    steps = list(rescore())

    assert steps[-1].failed == 1
    assert not Scorecard.objects.filter(round=north[0]).exists()
    assert Scorecard.objects.count() == 3
    assert f"Round {north[0].pk} could not be scored" in caplog.text
