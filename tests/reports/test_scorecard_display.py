"""scorecard_for_display and the round selectors: what of a scorecard may be shown, to whom."""

from __future__ import annotations

import pytest
from django.http import Http404

from reports.selectors import (
    latest_scorecard,
    round_for_user,
    rounds_visible_to,
    scorecard_for_display,
)
from tests import factories
from tests.reports.test_round_score import agencies, scored


@pytest.fixture
def anonymous_round(cast):
    return factories.survey_round(cast.project, reporting_mode="anonymous", min_group_size=3)


def respond(rnd, agency, n: int, likert: int = 4) -> None:
    for _ in range(n):
        factories.submitted_response(rnd, agency, likert=likert)


def test_agencies_carry_their_id_and_current_name(cast):
    rnd = factories.survey_round(cast.project)
    youth, college = agencies(cast, ["Youth", "College"])
    respond(rnd, youth, 1)
    respond(rnd, college, 1)
    scorecard = scored(rnd.pk)
    youth.name = "Youth Service"
    youth.save()

    shown = scorecard_for_display(scorecard, rnd)

    assert {(a["agency_id"], a["agency"]) for a in shown["agencies"]} == {
        (youth.pk, "Youth Service"),
        (college.pk, "College"),
    }
    assert scorecard.data["agencies"][0]["agency"] in {str(youth.pk), str(college.pk)}  # stored


def test_the_stored_scorecard_is_not_changed(cast, anonymous_round):
    youth, college = agencies(cast, ["Youth", "College"])
    respond(anonymous_round, youth, 3)
    respond(anonymous_round, college, 3)
    scorecard = scored(factories.closed(anonymous_round).pk)
    before = scorecard.data

    scorecard_for_display(scorecard, anonymous_round)

    assert scorecard.data == before and len(before["agencies"]) == 2


def test_an_agency_of_exactly_k_is_shown_and_one_below_is_not(cast, anonymous_round):
    youth, college, health = agencies(cast, ["Youth", "College", "Health"])
    respond(anonymous_round, youth, 3)
    respond(anonymous_round, health, 3, likert=3)
    respond(anonymous_round, college, 2, likert=2)  # a small group of 2 < k: left out
    closed_round = factories.closed(anonymous_round)
    shown = scorecard_for_display(scored(closed_round.pk), closed_round)
    assert sorted(a["agency"] for a in shown["agencies"]) == ["Health", "Youth"]
    assert (shown["n_agencies"], shown["n_respondents"]) == (2, 6)


def test_fewer_than_k_respondents_in_all_gives_insufficient_and_no_figures(cast, anonymous_round):
    # Two people, one per agency, k = 3: the partnership "mean" would be two people's answers,
    # and each of them could work out the other's. The scoring itself leaves both out.
    youth, college = agencies(cast, ["Youth", "College"])
    respond(anonymous_round, youth, 1, likert=5)
    respond(anonymous_round, college, 1, likert=1)
    scorecard = scored(factories.closed(anonymous_round).pk)
    assert scorecard.status == "insufficient"

    shown = scorecard_for_display(scorecard, anonymous_round)

    assert shown["status"] == "insufficient"
    assert shown["index"] is shown["band"] is shown["interval"] is shown["kendall_w"] is None
    assert set(shown["dimensions"].values()) == {None} == set(shown["rwg"].values())
    assert shown["agencies"] == [] and shown["divergent_items"] == []
    assert (shown["n_agencies"], shown["n_respondents"]) == (0, 0)


def test_an_attributed_round_with_two_people_shows_everything(cast):
    rnd = factories.survey_round(cast.project)
    youth, college = agencies(cast, ["Youth", "College"])
    respond(rnd, youth, 1, likert=5)
    respond(rnd, college, 1, likert=1)
    shown = scorecard_for_display(scored(rnd.pk), rnd)
    assert shown["status"] == "ok" and len(shown["agencies"]) == 2


def test_latest_scorecard_is_none_before_any_scoring(cast):
    assert latest_scorecard(factories.survey_round(cast.project)) is None


def test_rounds_visible_to_each_role(cast):
    own = factories.survey_round(cast.project)
    unassigned = factories.survey_round(factories.project(cast.unassigned_partnership))
    other = factories.survey_round(cast.other_project)

    assert set(rounds_visible_to(cast.alice)) == {own, unassigned}
    assert set(rounds_visible_to(cast.mo)) == {own}
    assert set(rounds_visible_to(cast.oscar)) == {other}
    assert not rounds_visible_to(cast.priya).exists()
    assert not rounds_visible_to(cast.sam).exists()
    assert round_for_user(cast.mo, own.pk) == own
    with pytest.raises(Http404):
        round_for_user(cast.mo, unassigned.pk)
