"""round_score: a round's submitted responses, read from the database, scored and stored.

The helpers at the top build rounds from the repository's default questionnaire; the other
tests in tests/reports import them.
"""

from __future__ import annotations

import pytest
from django.db import connection

from reports import scoring
from reports.models import Scorecard
from reports.services import round_score, scoring_instrument
from surveys.models import Answer, Response
from tests import factories

CONNECTED_ORDER = [
    "participant_needs",
    "self_confidence",
    "ete_participation",
    "healthy_lifestyles",
    "stable_housing",
    "reduce_offending",
    "reduce_teenage_pregnancy",
    "agency_targets",
]
AGENCY_TARGETS = {
    "Youth Offending Team": "reduce_offending",
    "College": "ete_participation",
    "Health": "reduce_teenage_pregnancy",
    "Youth Service": "self_confidence",
    "Leisure Trust": "healthy_lifestyles",
    "Housing": "stable_housing",
}


@pytest.fixture
def instrument(db):
    return factories.default_instrument()


@pytest.fixture
def rnd(cast, instrument):
    return factories.survey_round(cast.project, instrument)


def answers_at(instrument, levels: dict[str, int]) -> dict[str, int]:
    """Likert answers whose connectedness is levels[dimension] (1 = disconnected pole,
    5 = connected pole) on every item; a reverse-keyed item is answered 6 - level."""
    answers = {}
    for q in instrument.questions.filter(type="likert"):
        level = levels[q.dimension]
        answers[q.code] = 6 - level if q.reverse else level
    return answers


def everywhere(level: int) -> dict[str, int]:
    return dict.fromkeys(scoring.DIMENSIONS, level)


def agencies(cast, names) -> list:
    return [factories.agency(cast.authority, name) for name in names]


def scored(round_id: int) -> Scorecard:
    """round_score for a round that publishes now (any attributed round): what it stored."""
    scorecard = round_score(round_id=round_id)
    assert scorecard is not None, "nothing stored: an anonymous round that may not publish yet"
    return scorecard


def respond(rnd, agency, *, likert, ranking=None, times: int = 1) -> list[Response]:
    return [
        factories.submitted_response(rnd, agency, likert=likert, ranking=ranking)
        for _ in range(times)
    ]


# --------------------------------------------------------------------------------------------


def test_it_builds_the_scoring_instrument_from_the_questions(instrument):
    built = scoring_instrument(instrument)
    assert built.version == "partnership-lens v1"
    assert len(built.items) == 36
    assert {item.dimension for item in built.items} == set(scoring.DIMENSIONS)
    assert any(item.reverse for item in built.items)
    assert [o.code for o in built.ranking_options][:2] == ["participant_needs", "ete_participation"]
    assert built.participant_option.code == "participant_needs"
    assert sum(built.weights.values()) == pytest.approx(1.0)


def test_it_scores_and_stores_a_round(rnd, cast, instrument):
    youth, college = agencies(cast, ["Youth", "College"])
    respond(rnd, youth, likert=answers_at(instrument, everywhere(4)), times=2)
    respond(rnd, college, likert=answers_at(instrument, everywhere(2)))

    scorecard = round_score(round_id=rnd.pk)

    stored = Scorecard.objects.get()
    assert stored == scorecard and stored.round == rnd
    assert stored.status == "ok"
    assert stored.n_agencies == 2 and stored.n_respondents == 3 and stored.submissions_seen == 3
    assert stored.scoring_version == scoring.SCORING_VERSION
    assert stored.instrument_version == "partnership-lens v1"
    # Agency means .75 and .25: every index dimension .5; W = 1 (same default order), and P = 1
    # (participant_needs is the first default option): index = 100 * (5 * .5 + 2) / 7.
    assert stored.data["dimensions"]["aims"] == pytest.approx(0.5)
    assert stored.index == pytest.approx(100 * 4.5 / 7, abs=1e-4)
    assert stored.band == "largely_connected" == stored.data["band"]
    assert {a["agency"] for a in stored.data["agencies"]} == {str(youth.pk), str(college.pk)}


def test_it_matches_the_pure_module_on_the_same_answers(rnd, cast, instrument):
    youth, college, health = agencies(cast, ["Youth", "College", "Health"])
    levels = {"aims": 5, "outcomes": 2, "client_focus": 3, "information": 4, "awareness": 1}
    respond(rnd, youth, likert=answers_at(instrument, {**levels, "structure": 2}))
    respond(rnd, college, likert=answers_at(instrument, {**levels, "structure": 5}), times=2)
    respond(
        rnd, health, likert=answers_at(instrument, everywhere(3)), ranking=CONNECTED_ORDER[::-1]
    )

    stored = scored(rnd.pk)

    respondents = [
        scoring.Respondent(
            agency=r.agency_id,
            answers={a.question.code: a.value for a in r.answers.filter(question__type="likert")},
            ranking=r.answers.get(question__type="ranking").ranking,
        )
        for r in Response.objects.filter(round=rnd)
    ]
    expected = scoring.score_round(scoring_instrument(instrument), respondents).to_dict()
    assert stored.data == expected


def test_dont_know_counts_as_missing(rnd, cast, instrument):
    youth, college = agencies(cast, ["Youth", "College"])
    respond(rnd, youth, likert=answers_at(instrument, everywhere(5)))
    response = respond(rnd, college, likert=answers_at(instrument, everywhere(1)))[0]
    # The college answers "don't know" to every aims item: its aims score is missing, so the
    # partnership's aims score is the youth service's alone.
    response.answers.filter(question__dimension="aims").update(value=None, dont_know=True)

    stored = scored(rnd.pk)

    assert stored.data["dimensions"]["aims"] == 1.0
    college_row = next(a for a in stored.data["agencies"] if a["agency"] == str(college.pk))
    assert college_row["dimensions"]["aims"] is None


def test_only_submitted_responses_count(rnd, cast, instrument):
    youth, college = agencies(cast, ["Youth", "College"])
    respond(rnd, youth, likert=3)
    draft = respond(rnd, college, likert=3)[0]
    Response.objects.filter(pk=draft.pk).update(submitted_at=None)

    stored = scored(rnd.pk)

    assert stored.status == "insufficient" and stored.index is None
    assert stored.n_agencies == 1 and stored.submissions_seen == 1


def test_a_round_without_responses_is_insufficient(rnd):
    stored = scored(rnd.pk)
    assert stored.status == "insufficient"
    assert (stored.n_agencies, stored.n_respondents, stored.submissions_seen) == (0, 0, 0)
    assert stored.band == "" and stored.data["agencies"] == []


def test_each_recomputation_adds_a_row_and_the_latest_wins(rnd, cast, instrument):
    from reports.selectors import latest_scorecard

    youth, college = agencies(cast, ["Youth", "College"])
    respond(rnd, youth, likert=3)
    first = scored(rnd.pk)
    respond(rnd, college, likert=3)
    second = scored(rnd.pk)

    assert Scorecard.objects.filter(round=rnd).count() == 2
    assert (first.status, second.status) == ("insufficient", "ok")
    assert latest_scorecard(rnd) == second


def test_it_loads_a_round_in_a_constant_number_of_queries(
    rnd, cast, instrument, django_assert_num_queries
):
    # Round + instrument, questions, responses, Likert answers, rankings, and the insert; on
    # PostgreSQL the Likert answers and the rankings are one read. (The reliability refresh is
    # requested for after the commit: see test_instrument_reliability.)
    expected = 5 if connection.vendor == "postgresql" else 6
    for agency in agencies(cast, ["A", "B"]):
        respond(rnd, agency, likert=3)
    with django_assert_num_queries(expected):
        round_score(round_id=rnd.pk)

    for agency in agencies(cast, ["C", "D", "E", "F"]):
        respond(rnd, agency, likert=4, times=5)
    assert Answer.objects.filter(response__round=rnd).count() == 22 * 37
    with django_assert_num_queries(expected):
        round_score(round_id=rnd.pk)


# --------------------------------------------------------------------------------------------
# The worked expectations (reports/scoring/README.md), end to end through the database


def test_connected_pole(rnd, cast, instrument):
    for agency in agencies(cast, AGENCY_TARGETS):
        respond(rnd, agency, likert=answers_at(instrument, everywhere(5)), ranking=CONNECTED_ORDER)
        respond(rnd, agency, likert=answers_at(instrument, everywhere(5)), ranking=CONNECTED_ORDER)

    card = scored(rnd.pk).data

    assert card["kendall_w"] == 1.0 and card["client_priority"] == 1.0
    assert card["index"] >= 80 and card["band"] == "connected"


def test_disconnected_pole(rnd, cast, instrument):
    targets = list(AGENCY_TARGETS.values())
    for position, (name, own) in enumerate(AGENCY_TARGETS.items()):
        others = [t for t in targets if t != own]
        others = others[position:] + others[:position]  # each agency its own order
        order = [own, "agency_targets", *others, "participant_needs"]
        (agency,) = agencies(cast, [name])
        respond(rnd, agency, likert=answers_at(instrument, everywhere(1)), ranking=order, times=2)

    card = scored(rnd.pk).data

    assert card["kendall_w"] < 0.5  # well below 1: each agency pulls its own way
    assert card["client_priority"] == 0.0
    assert card["index"] <= 20 and card["band"] == "disconnected"


def test_friendly_partners_are_mixed_with_a_structure_risk(rnd, cast, instrument):
    levels = {
        "aims": 5,
        "information": 5,
        "client_focus": 1,
        "outcomes": 1,
        "awareness": 3,
        "structure": 1,
    }
    order = [
        "agency_targets",
        "ete_participation",
        "reduce_offending",
        "reduce_teenage_pregnancy",
        "stable_housing",
        "healthy_lifestyles",
        "participant_needs",
        "self_confidence",
    ]
    for agency in agencies(cast, AGENCY_TARGETS):
        respond(rnd, agency, likert=answers_at(instrument, levels), ranking=order, times=2)

    card = scored(rnd.pk).data

    d = card["dimensions"]
    assert d["aims"] == d["information"] == 1.0
    assert d["client_focus"] == d["outcomes"] == 0.0
    # W = 1; P = 1 - 6/7; index = 100 * (1 + 0 + 0 + 1 + .5 + 1 + 1/7) / 7 = 52.04.
    assert card["index"] == pytest.approx(100 * (3.5 + 1 / 7) / 7, abs=1e-4)
    assert card["band"] == "mixed"
    assert d["structure"] == 0.0  # the sustainability risk, shown beside the index
