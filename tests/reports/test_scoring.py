"""Tests for reports.scoring (spec: reports/scoring/README.md, "Scoring a round").

Pure tests: no Django, no database. Expected numbers are worked out by hand in the comments or
taken from published examples, never computed by the code under test.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import TypeVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.scoring import (
    BANDS,
    DIMENSIONS,
    INDEX_COMPONENTS,
    SCORING_VERSION,
    Instrument,
    Item,
    RankingOption,
    Respondent,
    ScoringInputError,
    alpha_by_dimension,
    band_for,
    cronbach_alpha,
    default_weights,
    kendall_w,
    rwg_j,
    score_round,
)

T = TypeVar("T")


def known(value: T | None) -> T:
    """A figure this round is known to have (its type allows None)."""
    assert value is not None
    return value


# --------------------------------------------------------------------------------------------
# A realistic instrument: 6 dimensions x 5 items, the last item of each reverse-keyed (agreeing
# with it points to the disconnected pole), and the 8-option outcome ranking.

ITEMS_BY_DIMENSION: dict[str, tuple[str, ...]] = {
    "aims": (
        "aims_same_priorities",
        "aims_same_goals_not_just_activities",
        "aims_agreed_emphasis",
        "aims_joint_planning",
        "aims_partners_compete_for_outcomes",
    ),
    "outcomes": (
        "outcomes_young_people_define_success",
        "outcomes_measured_the_same_way",
        "outcomes_beyond_counts",
        "outcomes_reviewed_together",
        "outcomes_own_targets_come_first",
    ),
    "client_focus": (
        "client_identify_own_needs",
        "client_shape_aims",
        "client_shape_activities",
        "client_see_what_changed",
        "client_referred_and_counted",
    ),
    "information": (
        "info_sharing_is_the_norm",
        "info_timely",
        "info_open",
        "info_same_weight",
        "info_held_back",
    ),
    "awareness": (
        "aware_own_value_base",
        "aware_understand_others",
        "aware_value_other_methods",
        "aware_learn_across_professions",
        "aware_our_methods_best",
    ),
    "structure": (
        "struct_agreed_procedures",
        "struct_written_roles",
        "struct_induction_for_newcomers",
        "struct_survives_people_leaving",
        "struct_depends_on_champion",
    ),
}
ITEMS = tuple(
    Item(code, dimension, reverse=(i == len(codes) - 1))
    for dimension, codes in ITEMS_BY_DIMENSION.items()
    for i, code in enumerate(codes)
)
ITEM_CODES = tuple(item.code for item in ITEMS)
OPTION_CODES = (
    "participant_needs",
    "ete_participation",
    "reduce_offending",
    "reduce_teenage_pregnancy",
    "self_confidence",
    "healthy_lifestyles",
    "stable_housing",
    "agency_targets",
)
INSTRUMENT = Instrument(
    version="1",
    items=ITEMS,
    ranking_options=tuple(RankingOption(c, c == "participant_needs") for c in OPTION_CODES),
    weights=default_weights(),
)

EXPECTED_KEYS = {
    "status",
    "index",
    "band",
    "interval",
    "uncertain",
    "dimensions",
    "components",
    "kendall_w",
    "chi_square",
    "p_value",
    "client_priority",
    "rwg",
    "divergent_items",
    "agencies",
    "n_agencies",
    "n_respondents",
    "scoring_version",
    "instrument_version",
}


def answers_at(levels: Mapping[str, Sequence[int]], shift: int = 0) -> dict[str, int]:
    """Answers whose connectedness is levels[dimension][i] for item i (1 = disconnected pole,
    5 = connected pole). A reverse-keyed item is answered 6 - level so it points the same way.
    `shift` rotates the levels, so colleagues differ item by item but not on average."""
    answers = {}
    for dimension, codes in ITEMS_BY_DIMENSION.items():
        profile = levels[dimension]
        for i, code in enumerate(codes):
            level = profile[(i + shift) % len(profile)]
            reverse = i == len(codes) - 1
            answers[code] = 6 - level if reverse else level
    return answers


def ranking_of(order: Sequence[str]) -> dict[str, int]:
    """Ranking from an ordered list of option codes, highest priority first."""
    assert sorted(order) == sorted(OPTION_CODES)
    return {code: position + 1 for position, code in enumerate(order)}


def team(agency: str | int, levels, order: Sequence[str], size: int = 3) -> list[Respondent]:
    """`size` colleagues of one agency sharing a profile and a ranking."""
    return [
        Respondent(agency, answers_at(levels, shift), ranking_of(order)) for shift in range(size)
    ]


def all_dimensions(profile: Sequence[int]) -> dict[str, Sequence[int]]:
    return dict.fromkeys(DIMENSIONS, profile)


def small_instrument(**kwargs) -> Instrument:
    """Two aims items (a2 reverse-keyed), two outcomes items, three ranking options."""
    defaults = {
        "version": "hand",
        "items": (
            Item("a1", "aims"),
            Item("a2", "aims", reverse=True),
            Item("o1", "outcomes"),
            Item("o2", "outcomes"),
        ),
        "ranking_options": (
            RankingOption("participant_needs", participant_defined=True),
            RankingOption("reduce_offending"),
            RankingOption("ete_participation"),
        ),
    }
    return Instrument(**{**defaults, **kwargs})


def hand_round(college_ranks: bool = True) -> list[Respondent]:
    """Two agencies, three respondents; every number it produces is worked out by hand below."""
    return [
        Respondent(
            "yot",
            {"a1": 5, "a2": 1, "o1": 3, "o2": None},
            {"participant_needs": 1, "reduce_offending": 2, "ete_participation": 3},
        ),
        Respondent(
            "yot",
            {"a1": 4, "a2": 2},
            {"participant_needs": 2, "reduce_offending": 1, "ete_participation": 3},
        ),
        Respondent(
            "college",
            {"a1": 3, "a2": 3, "o1": 2, "o2": 2},
            (
                {"participant_needs": 3, "reduce_offending": 1, "ete_participation": 2}
                if college_ranks
                else None
            ),
        ),
    ]


def walk(value):
    """Every leaf of a nested to_dict() result."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from walk(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from walk(inner)
    else:
        yield value


# --------------------------------------------------------------------------------------------
# Kendall's W


def test_kendall_w_published_example_without_ties_proofwiki():
    # ProofWiki, "Kendall's Coefficient of Concordance/Examples/Arbitrary Example 1": judges
    # A, B, C, D rank competitors X, Y, Z; published W = 1/16.
    # Rank sums X = 1+1+2+3 = 7, Y = 3+2+3+1 = 9, Z = 2+3+1+2 = 8; mean m(n+1)/2 = 4*4/2 = 8;
    # S = 1 + 1 + 0 = 2; W = 12*2 / (4^2 * (27 - 3)) = 24/384 = 1/16.
    # chi-square = m(n-1)W = 4*2/16 = 0.5; chi2 with 2 df: p = exp(-0.5/2) = 0.7788.
    rankings = np.array([[1, 3, 2], [1, 2, 3], [2, 3, 1], [3, 1, 2]])
    w, chi_square, p_value = kendall_w(rankings)
    assert w == pytest.approx(1 / 16)
    assert chi_square == pytest.approx(0.5)
    assert p_value == pytest.approx(math.exp(-0.25))


def test_kendall_w_published_example_without_ties_siegel():
    # Siegel (1956), Nonparametric Statistics for the Behavioral Sciences, ch. 9: three
    # executives rank six job applicants; published W = .16.
    # Rank sums R = 8, 14, 11, 11, 11, 8 (total 63, mean 10.5);
    # S = 2.5^2 + 3.5^2 + 3*0.5^2 + 2.5^2 = 6.25 + 12.25 + 0.75 + 6.25 = 25.5;
    # W = 12*25.5 / (3^2 * (216 - 6)) = 306 / 1890 = 0.1619.
    rankings = np.array(
        [
            [1, 6, 3, 2, 5, 4],
            [1, 5, 6, 4, 2, 3],
            [6, 3, 2, 5, 4, 1],
        ]
    )
    w, chi_square, _ = kendall_w(rankings)
    assert w == pytest.approx(306 / 1890)
    assert round(w, 2) == 0.16
    assert chi_square == pytest.approx(3 * 5 * 306 / 1890)  # m(n-1)W = 2.4286


def test_kendall_w_published_example_with_ties_nag():
    # NAG Library Manual, G08DAF example program results (data after Siegel 1956): three
    # comparisons of ten objects with tied ranks; published W = 0.828, significance 0.008.
    # Rank sums 5.5, 6.5, 9, 13.5, 12, 20, 23, 23.5, 25.5, 26.5 (mean 16.5);
    # S = 121 + 100 + 56.25 + 9 + 20.25 + 12.25 + 42.25 + 49 + 81 + 100 = 591.
    # Ties sum(t^3 - t): row 1 two pairs = 12; row 2 three pairs = 18; row 3 a four and a
    # three = 60 + 24 = 84; total 114.
    # W = 12*591 / (9*990 - 3*114) = 7092 / 8568 = 0.82773.
    rankings = np.array(
        [
            [1.0, 4.5, 2.0, 4.5, 3.0, 7.5, 6.0, 9.0, 7.5, 10.0],
            [2.5, 1.0, 2.5, 4.5, 4.5, 8.0, 9.0, 6.5, 10.0, 6.5],
            [2.0, 1.0, 4.5, 4.5, 4.5, 4.5, 8.0, 8.0, 8.0, 10.0],
        ]
    )
    w, chi_square, p_value = kendall_w(rankings)
    assert w == pytest.approx(7092 / 8568)
    assert round(w, 3) == 0.828
    assert chi_square == pytest.approx(3 * 9 * 7092 / 8568)  # 22.35
    assert round(p_value, 3) == 0.008


def test_kendall_w_ranks_raw_scores_first():
    # Scores are ranked per rater before W: (10, 30, 20) is the ranking (1, 3, 2).
    assert kendall_w(np.array([[10, 30, 20], [1, 3, 2]]))[0] == pytest.approx(1.0)


def test_kendall_w_perfect_and_reversed_agreement():
    assert kendall_w(np.array([[1, 2, 3, 4]] * 5))[0] == pytest.approx(1.0)
    # Two raters in exactly opposite order: every rank sum is 5 = mean, S = 0, W = 0.
    assert kendall_w(np.array([[1, 2, 3, 4], [4, 3, 2, 1]]))[0] == pytest.approx(0.0)


@pytest.mark.parametrize(
    "rankings",
    [
        np.array([[1], [1], [1]]),  # one object: n^3 - n = 0
        np.array([[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]),  # every rater ties everything
    ],
)
def test_kendall_w_undefined_without_division_by_zero(rankings):
    with np.errstate(all="raise"):
        w, chi_square, p_value = kendall_w(rankings)
    assert math.isnan(w) and math.isnan(chi_square) and math.isnan(p_value)


def test_kendall_w_rejects_bad_shapes():
    with pytest.raises(ScoringInputError):
        kendall_w(np.array([1, 2, 3]))
    with pytest.raises(ScoringInputError):
        kendall_w(np.array([[1.0, np.nan]]))


# --------------------------------------------------------------------------------------------
# rwg(j) and Cronbach's alpha


def test_rwg_j_hand_example():
    # Three agencies, two items. Item 1 means 4, 5, 3: mean 4, sample variance (0+1+1)/2 = 1.
    # Item 2 means 3, 4, 2: variance 1. Mean observed variance 1; null variance (25-1)/12 = 2;
    # ratio 0.5; J = 2: rwg(j) = 2*0.5 / (2*0.5 + 0.5) = 1/1.5 = 0.6667.
    means = np.array([[4.0, 3.0], [5.0, 4.0], [3.0, 2.0]])
    assert rwg_j(means) == pytest.approx(2 / 3)


def test_rwg_j_skips_items_one_agency_answered_and_other_scales():
    # Item 2 has a single agency mean: no variance, not counted (J = 1). Item 1: 4 and 3,
    # variance 0.5, ratio 0.25: rwg(j) = 0.75 / (0.75 + 0.25) = 0.75.
    assert rwg_j(np.array([[4.0, np.nan], [3.0, 2.0]])) == pytest.approx(0.75)
    # A 7-point scale: null variance (49-1)/12 = 4; variance 1, ratio 0.25, J = 1 -> 0.75.
    assert rwg_j(np.array([[4.0], [5.0], [3.0]]), n_options=7) == pytest.approx(0.75)


def test_rwg_j_limits():
    assert rwg_j(np.array([[3.0, 4.0], [3.0, 4.0]])) == pytest.approx(1.0)  # no variance
    # Means 1 and 5: variance 8 > 2, more spread than random answering -> 0.
    assert rwg_j(np.array([[1.0, 5.0], [5.0, 1.0]])) == 0.0
    assert rwg_j(np.array([[3.0, 4.0]])) is None  # one agency
    assert rwg_j(np.array([[3.0, np.nan], [np.nan, 4.0]])) is None  # no shared item


def test_cronbach_alpha_hand_example():
    # Items: (1,2,3,4) var 5/3; (2,2,3,3) var 1/3; (2,3,3,4) var 2/3; sum 8/3.
    # Totals 5, 7, 9, 11: var 20/3. alpha = 3/2 * (1 - (8/3)/(20/3)) = 1.5 * 0.6 = 0.9.
    # The row with a NaN is dropped before anything is computed.
    matrix = np.array([[1, 2, 2], [2, 2, 3], [3, 3, 3], [4, 3, 4], [5, np.nan, 1]], dtype=float)
    assert cronbach_alpha(matrix) == pytest.approx(0.9)


def test_cronbach_alpha_undefined_cases():
    assert cronbach_alpha(np.array([[1.0], [2.0], [3.0]])) is None  # one item
    assert cronbach_alpha(np.array([[1.0, 2.0], [np.nan, 3.0]])) is None  # one complete row
    assert cronbach_alpha(np.array([[1.0, 3.0], [3.0, 1.0]])) is None  # constant totals


def test_alpha_by_dimension_uses_reverse_scored_items():
    # a2 is reverse-keyed; answering a2 = 6 - a1 gives identical item scores, so for the two
    # aims items var(sum) = 4v and sum of item variances = 2v: alpha = 2 * (1 - 2v/4v) = 1.
    # Had the raw answers been used, the total would be constant and alpha undefined.
    instrument = small_instrument()
    respondents = [
        Respondent(i % 3, {"a1": x, "a2": 6 - x, "o1": x, "o2": None})
        for i, x in enumerate([1, 2, 3, 4, 5, 1, 2, 3, 4, 5])
    ]
    alphas = alpha_by_dimension(instrument, respondents)
    assert alphas["aims"] == pytest.approx(1.0)
    assert alphas["outcomes"] is None  # o2 never answered: no complete row
    assert alphas["structure"] is None  # no items
    assert set(alphas) == set(DIMENSIONS)
    assert alpha_by_dimension(instrument, respondents[:9]) == dict.fromkeys(DIMENSIONS)
    assert alpha_by_dimension(instrument, respondents[:9], minimum=5)["aims"] == pytest.approx(1)


# --------------------------------------------------------------------------------------------
# Bands and weights


@pytest.mark.parametrize(
    ("index", "band"),
    [
        (0, "disconnected"),
        (19.999, "disconnected"),
        (20, "largely_disconnected"),
        (40, "mixed"),
        (59.9999, "mixed"),
        (60, "largely_connected"),
        (79.999, "largely_connected"),
        (80, "connected"),
        (100, "connected"),
    ],
)
def test_band_boundaries_belong_to_the_higher_band(index, band):
    assert band_for(index) == band


@pytest.mark.parametrize("index", [-0.001, 100.001, math.nan, None, "50"])
def test_band_rejects_values_outside_the_scale(index):
    with pytest.raises(ScoringInputError):
        band_for(index)


def test_bands_cover_zero_to_hundred_without_gaps():
    assert BANDS[0][2] == 0 and BANDS[-1][3] == 100
    for (_, _, _, high), (_, _, low, _) in zip(BANDS, BANDS[1:], strict=False):
        assert high == low


def test_default_weights_are_equal_and_sum_to_one():
    weights = default_weights()
    assert tuple(weights) == INDEX_COMPONENTS
    assert all(w == pytest.approx(1 / 7) for w in weights.values())
    assert math.fsum(weights.values()) == pytest.approx(1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"structure": 0.0}, "unknown weight"),
        ({"aims": None}, "finite number"),
        ({"aims": -0.1, "outcomes": 0.1 + 2 / 7}, "negative"),
        ({"aims": 0.5}, "sum to 1"),
        ({"aims": True}, "finite number"),
    ],
)
def test_invalid_weights_are_rejected(change, message):
    weights = {**default_weights(), **change}
    with pytest.raises(ScoringInputError, match=message):
        small_instrument(weights=weights)


def test_missing_weight_is_rejected():
    weights = default_weights()
    del weights["client_priority"]
    with pytest.raises(ScoringInputError, match="missing"):
        small_instrument(weights=weights)


def test_weights_within_tolerance_are_accepted():
    # The shipped instrument rounds 1/7 to six places: six times 0.142857 plus 0.142858.
    weights = dict.fromkeys(INDEX_COMPONENTS, 0.142857) | {"client_priority": 0.142858}
    assert small_instrument(weights=weights).weights is weights


def test_custom_weights_change_the_index():
    # All weight on aims: the index is 100 * s_aims = 100 * 0.6875 (see the hand example).
    weights = dict.fromkeys(INDEX_COMPONENTS, 0.0) | {"aims": 1.0}
    card = score_round(small_instrument(weights=weights), hand_round())
    assert card.index == pytest.approx(68.75)
    assert card.band == "largely_connected"


# --------------------------------------------------------------------------------------------
# Instrument and input validation


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"items": (Item("a1", "aims"), Item("a1", "outcomes"))}, "duplicate item"),
        ({"items": (Item("a1", "vision"),)}, "unknown dimension"),
        (
            {"ranking_options": (RankingOption("x", True), RankingOption("y", True))},
            "exactly one",
        ),
        ({"ranking_options": (RankingOption("x"), RankingOption("y"))}, "exactly one"),
        ({"ranking_options": (RankingOption("x", True),)}, "at least 2"),
        ({"ranking_options": (RankingOption("x", True), RankingOption("x"))}, "unique"),
    ],
)
def test_invalid_instruments_are_rejected(kwargs, message):
    with pytest.raises(ScoringInputError, match=message):
        small_instrument(**kwargs)


@pytest.mark.parametrize("bad", [0, 6, -1, 3.0, 2.5, True, False, "3", [3]])
def test_answers_must_be_integers_one_to_five(bad):
    respondents = hand_round()
    respondents[0] = Respondent("yot", {"a1": bad}, None)
    with pytest.raises(ScoringInputError, match="a1"):
        score_round(small_instrument(), respondents)


def test_numpy_integers_and_dont_know_are_accepted():
    respondents = hand_round()
    # The type says int; any integer is accepted at run time, as this test shows.
    respondents[0] = Respondent("yot", {"a1": np.int64(5), "a2": None}, None)  # type: ignore[dict-item]
    assert score_round(small_instrument(), respondents).status == "ok"


def test_unknown_item_code_is_rejected():
    respondents = [*hand_round(), Respondent("police", {"a9": 3})]
    with pytest.raises(ScoringInputError, match="unknown item code 'a9'"):
        score_round(small_instrument(), respondents)


@pytest.mark.parametrize(
    "ranking",
    [
        {"participant_needs": 1, "reduce_offending": 2},  # an option missing
        {"participant_needs": 1, "reduce_offending": 2, "ete_participation": 2},  # duplicate
        {"participant_needs": 0, "reduce_offending": 1, "ete_participation": 2},  # not 1..n
        {"participant_needs": 1, "reduce_offending": 2, "ete_participation": 4},  # gap
        {"participant_needs": 1, "reduce_offending": 2, "ete_participation": 3, "x": 4},
        {"participant_needs": 1.0, "reduce_offending": 2, "ete_participation": 3},  # float
        [1, 2, 3],  # not a mapping
    ],
)
def test_rankings_must_be_a_permutation_of_the_options(ranking):
    respondents = [*hand_round(), Respondent("police", {}, ranking)]
    with pytest.raises(ScoringInputError, match="ranking"):
        score_round(small_instrument(), respondents)


def test_agency_labels_must_not_collide():
    respondents = [Respondent(1, {"a1": 3}), Respondent("1", {"a1": 4})]
    with pytest.raises(ScoringInputError, match="label"):
        score_round(small_instrument(), respondents)


def test_respondents_must_be_respondent_objects():
    with pytest.raises(ScoringInputError):  # a dict where a Respondent belongs, on purpose
        score_round(small_instrument(), [{"agency": 1, "answers": {}}])  # type: ignore[list-item]


# --------------------------------------------------------------------------------------------
# score_round on a small round worked by hand


def test_hand_worked_round():
    # Item scores: (x-1)/4, reverse a2: (5-x)/4.
    # yot r1: a1=5 -> 1, a2=1 -> 1: aims 1.0; o1=3 -> 0.5, o2 missing: 1 of 2 answered is
    #         half, enough: outcomes 0.5. Ranks participant 1, offending 2, ete 3.
    # yot r2: a1=4 -> .75, a2=2 -> .75: aims .75; no outcomes answer: missing. Ranks 2, 1, 3.
    # college: a1=3, a2=3 -> .5, .5: aims .5; o1=o2=2 -> .25: outcomes .25. Ranks 3, 1, 2.
    # Agency scores: yot aims (1 + .75)/2 = .875, outcomes .5 (r1 only); college .5 and .25.
    # Partnership (agencies weigh equally): aims (.875 + .5)/2 = .6875, outcomes .375.
    # Agency rankings: yot mean ranks (1.5, 1.5, 3) are already ranks; college (3, 1, 2).
    # W: m = 2, n = 3; rank sums (4.5, 2.5, 5), mean 4, S = .25 + 2.25 + 1 = 3.5;
    #    ties yot 2^3 - 2 = 6; W = 12*3.5 / (4*24 - 2*6) = 42/84 = 0.5.
    #    chi-square = 2*2*0.5 = 2; chi2 with 2 df: p = exp(-1) = 0.3679.
    # P: participant mean rank (1.5 + 3)/2 = 2.25; P = 1 - 1.25/2 = 0.375.
    # Index: client_focus, information, awareness have no items, so the four present
    #    components share the weight: 100 * (.6875 + .375 + .5 + .375)/4 = 48.4375 -> mixed.
    card = score_round(small_instrument(), hand_round())
    assert card.status == "ok"
    assert card.dimensions["aims"] == pytest.approx(0.6875)
    assert card.dimensions["outcomes"] == pytest.approx(0.375)
    assert card.dimensions["client_focus"] is None
    assert card.dimensions["structure"] is None
    assert card.kendall_w == pytest.approx(0.5)
    assert card.chi_square == pytest.approx(2.0)
    assert card.p_value == pytest.approx(math.exp(-1))
    assert card.client_priority == pytest.approx(0.375)
    assert card.index == pytest.approx(48.4375)
    assert card.band == "mixed"
    assert card.components == {
        "aims": pytest.approx(0.6875),
        "outcomes": pytest.approx(0.375),
        "client_focus": None,
        "information": None,
        "awareness": None,
        "kendall_w": pytest.approx(0.5),
        "client_priority": pytest.approx(0.375),
    }
    # rwg(j) over agency means of raw answers. aims: a1 yot 4.5 vs college 3, variance
    # 1.5^2/2 = 1.125; a2 1.5 vs 3, 1.125. Ratio 1.125/2 = .5625, J = 2:
    # 2*.4375 / (2*.4375 + .5625) = .875/1.4375 = 0.6087.
    # outcomes: o1 3 vs 2, variance .5, ratio .25; o2 only the college: J = 1 -> 0.75.
    assert card.rwg["aims"] == pytest.approx(0.875 / 1.4375)
    assert card.rwg["outcomes"] == pytest.approx(0.75)
    assert card.rwg["information"] is None
    assert (card.n_agencies, card.n_respondents) == (2, 3)


def test_hand_worked_bootstrap_interval():
    # Two agencies: a resample is {yot, yot}, {yot, college} or {college, college}.
    # {college x2}: aims .5, outcomes .25, W = 1 (two identical rankings), P = 0 (ranked
    #   last): 100 * (.5 + .25 + 1 + 0)/4 = 43.75.
    # {yot x2}: aims .875, outcomes .5, W = 1 (two raters: rank sums 3, 3, 6, S = 6, ties
    #   12, 12*6/(4*24 - 2*12) = 1), P = 1 - .5/2 = .75: 100 * 3.125/4 = 78.125.
    # Each of the two extremes has probability 1/4, so with 1,000 resamples the 2.5 and 97.5
    # percentiles sit on them.
    card = score_round(small_instrument(), hand_round())
    assert card.interval == pytest.approx((43.75, 78.125))
    assert card.uncertain  # largely disconnected ... largely connected


def test_fewer_than_two_ranking_agencies_renormalises_the_index():
    # The college gives no ranking: one ranking agency, so W, its chi-square and p-value and P
    # are None, and the index is the weighted mean of the components present:
    # 100 * (.6875 + .375)/2 = 53.125. The bootstrap keeps the same components (one agency
    # drawn twice must not bring W = 1 in): {yot x2} = 100 * (.875 + .5)/2 = 68.75,
    # {college x2} = 100 * (.5 + .25)/2 = 37.5.
    card = score_round(small_instrument(), hand_round(college_ranks=False))
    assert card.status == "ok"
    assert card.kendall_w is None
    assert card.chi_square is None and card.p_value is None
    assert card.client_priority is None
    assert card.components["kendall_w"] is None and card.components["client_priority"] is None
    assert card.index == pytest.approx(53.125)
    assert card.interval == pytest.approx((37.5, 68.75))
    college = next(a for a in card.agencies if a.agency == "college")
    assert college.ranking is None


def test_rankings_that_are_one_big_tie_leave_w_undefined():
    # Each agency's two respondents rank in exactly opposite orders, so every agency's mean
    # ranks are all 2 and re-rank to (2, 2, 2): the W denominator 4*24 - 2*(24 + 24) is 0.
    # W is None and left out of the index; P is still defined: mean rank 2 -> 1 - 1/2 = 0.5.
    forward = {"participant_needs": 1, "reduce_offending": 2, "ete_participation": 3}
    backward = {"participant_needs": 3, "reduce_offending": 2, "ete_participation": 1}
    respondents = [
        Respondent(agency, {"a1": 3, "a2": 3}, ranking)
        for agency in ("yot", "college")
        for ranking in (forward, backward)
    ]
    card = score_round(small_instrument(), respondents)
    assert card.kendall_w is None and card.chi_square is None and card.p_value is None
    assert card.client_priority == pytest.approx(0.5)
    # aims .5 and P .5 present: 100 * (.5 + .5)/2 = 50.
    assert card.index == pytest.approx(50.0)
    assert all(a.ranking == dict.fromkeys(forward, 2.0) for a in card.agencies)


def test_an_agency_weighs_the_same_whatever_its_size():
    # One youth-service respondent at aims 1.0, ten college respondents at aims 0.0:
    # agency means 1.0 and 0.0, partnership mean 0.5 (not 1/11).
    respondents = [Respondent("youth_service", {"a1": 5, "a2": 1})] + [
        Respondent("college", {"a1": 1, "a2": 5}) for _ in range(10)
    ]
    card = score_round(small_instrument(), respondents)
    assert card.dimensions["aims"] == pytest.approx(0.5)
    sizes = {a.agency: a.n_respondents for a in card.agencies}
    assert sizes == {"college": 10, "youth_service": 1}


def test_respondent_dimension_needs_half_of_the_items():
    # 5 items per dimension: 2 answered is fewer than half (missing), 3 answered is enough.
    two = {code: 5 for code in ITEMS_BY_DIMENSION["aims"][:2]}
    three = {code: 5 for code in ITEMS_BY_DIMENSION["aims"][:3]}
    card = score_round(INSTRUMENT, [Respondent("a", two), Respondent("b", three)])
    by_agency = {a.agency: a.dimensions["aims"] for a in card.agencies}
    assert by_agency == {"a": None, "b": 1.0}
    assert card.dimensions["aims"] == 1.0  # the agency without a score is left out


def test_insufficient_when_no_component_can_be_computed():
    # Two agencies but only "don't know" answers and no rankings: nothing to score.
    respondents = [Respondent("yot", {"a1": None}), Respondent("college", {})]
    card = score_round(small_instrument(), respondents)
    assert card.status == "insufficient"
    assert card.index is None and card.band is None and card.interval is None
    assert card.n_agencies == 2


def test_divergent_items_sorted_by_range_then_sd():
    # Agency means of raw answers (yot | college): a1 4.5 | 3, range 1.5, population sd .75;
    # a2 1.5 | 3, range 1.5, sd .75; o1 3 | 2, range 1, sd .5; o2 only the college: left out.
    card = score_round(small_instrument(), hand_round()).to_dict()
    items = card["divergent_items"]
    assert [(i["code"], i["range"], i["sd"]) for i in items] == [
        ("a1", 1.5, 0.75),
        ("a2", 1.5, 0.75),
        ("o1", 1.0, 0.5),
    ]
    assert items[0] == {
        "code": "a1",
        "dimension": "aims",
        "range": 1.5,
        "sd": 0.75,
        "agency_means": {"college": 3.0, "yot": 4.5},
    }
    limited = score_round(small_instrument(), hand_round(), n_divergent=1).to_dict()
    assert [i["code"] for i in limited["divergent_items"]] == ["a1"]


def test_to_dict_is_plain_json():
    card = score_round(small_instrument(), hand_round())
    result = card.to_dict()
    assert set(result) == EXPECTED_KEYS | {"components"}
    assert set(result["dimensions"]) == set(DIMENSIONS)
    assert set(result["rwg"]) == set(DIMENSIONS)
    assert set(result["components"]) == set(INDEX_COMPONENTS)
    assert result["scoring_version"] == SCORING_VERSION
    assert result["instrument_version"] == "hand"
    assert result["interval"] == [43.75, 78.125]
    json.dumps(result, allow_nan=False)
    for leaf in walk(result):
        assert leaf is None or type(leaf) in (str, int, float, bool)
    assert result["agencies"][1] == {
        "agency": "yot",
        "n_respondents": 2,
        "dimensions": {
            "aims": 0.875,
            "outcomes": 0.5,
            "client_focus": None,
            "information": None,
            "awareness": None,
            "structure": None,
        },
        "ranking": {"participant_needs": 1.5, "reduce_offending": 1.5, "ete_participation": 3.0},
    }


def test_integer_agency_keys_are_labelled_as_strings_in_numeric_order():
    respondents = [Respondent(agency, {"a1": 3, "a2": 3}) for agency in (10, 9, 2)]
    result = score_round(small_instrument(), respondents).to_dict()
    assert [a["agency"] for a in result["agencies"]] == ["2", "9", "10"]


def test_one_agency_is_insufficient():
    card = score_round(INSTRUMENT, team("yot", all_dimensions([5]), OPTION_CODES))
    result = card.to_dict()
    assert result["status"] == "insufficient"
    assert result["index"] is None and result["band"] is None and result["interval"] is None
    assert result["uncertain"] is False
    assert (result["n_agencies"], result["n_respondents"]) == (1, 3)
    assert not [leaf for leaf in walk(result) if isinstance(leaf, float)]


# --------------------------------------------------------------------------------------------
# Bootstrap


def varied_round(n_agencies: int = 12) -> list[Respondent]:
    """A deterministic but uneven round: agencies differ in every dimension and ranking."""
    rng = np.random.default_rng(5)
    respondents = []
    for agency in range(n_agencies):
        centre = rng.integers(1, 6, size=len(DIMENSIONS))
        for _ in range(3):
            answers = {}
            for item in ITEMS:
                wobble = rng.integers(-1, 2)
                level = int(np.clip(centre[DIMENSIONS.index(item.dimension)] + wobble, 1, 5))
                answers[item.code] = 6 - level if item.reverse else level
            order = rng.permutation(len(OPTION_CODES)) + 1
            ranking = {code: int(r) for code, r in zip(OPTION_CODES, order, strict=True)}
            respondents.append(Respondent(agency, answers, ranking))
    return respondents


def test_bootstrap_is_reproducible_with_the_same_seed():
    respondents = varied_round()
    first = score_round(INSTRUMENT, respondents, seed=123).to_dict()
    second = score_round(INSTRUMENT, respondents, seed=123).to_dict()
    assert first == second
    assert first["interval"][0] < first["index"] < first["interval"][1]


def test_bootstrap_differs_with_another_seed():
    respondents = varied_round()
    first = score_round(INSTRUMENT, respondents, seed=1)
    second = score_round(INSTRUMENT, respondents, seed=2)
    assert first.index == second.index  # the point estimate does not depend on the seed
    assert first.interval != second.interval


def test_bootstrap_matches_a_naive_loop_over_resamples():
    # The documented draw: rng.integers(0, k, size=(n_resamples, k)) over agencies in canonical
    # order. Scoring each resample as its own round (each drawn copy a separate agency, so an
    # agency drawn twice is two raters) must give the same percentile interval.
    respondents = varied_round(n_agencies=6)
    card = score_round(INSTRUMENT, respondents, seed=7, n_resamples=40)
    agencies = sorted({r.agency for r in respondents})
    draws = np.random.default_rng(7).integers(0, len(agencies), size=(40, len(agencies)))
    naive = []
    for row in draws:
        resample = [
            Respondent(f"copy{position}", r.answers, r.ranking)
            for position, drawn in enumerate(row)
            for r in respondents
            if r.agency == agencies[drawn]
        ]
        naive.append(known(score_round(INSTRUMENT, resample, n_resamples=0).index))
    assert card.interval == pytest.approx(tuple(np.percentile(naive, [2.5, 97.5])))


def test_zero_resamples_gives_no_interval():
    card = score_round(small_instrument(), hand_round(), n_resamples=0)
    assert card.index == pytest.approx(48.4375)
    assert card.interval is None and card.uncertain is False


def test_uncertain_is_false_when_the_interval_stays_in_one_band():
    card = score_round(INSTRUMENT, connected_round())
    assert card.interval is not None
    assert band_for(card.interval[0]) == band_for(card.interval[1]) == "connected"
    assert card.uncertain is False


# --------------------------------------------------------------------------------------------
# Worked expectations (reports/scoring/README.md)

AGENCY_TARGETS = {
    "youth_offending_team": "reduce_offending",
    "fe_college": "ete_participation",
    "health": "reduce_teenage_pregnancy",
    "youth_service": "self_confidence",
    "leisure_trust": "healthy_lifestyles",
    "housing": "stable_housing",
}
CONNECTED_ORDER = (
    "participant_needs",
    "self_confidence",
    "ete_participation",
    "healthy_lifestyles",
    "stable_housing",
    "reduce_offending",
    "reduce_teenage_pregnancy",
    "agency_targets",
)


def connected_round() -> list[Respondent]:
    # Every item at the connected pole (one item in five a notch lower), everyone ranking the
    # participants' own needs first in the same order.
    respondents = []
    for agency in AGENCY_TARGETS:
        respondents += team(agency, all_dimensions([5, 5, 4, 5, 5]), CONNECTED_ORDER)
    return respondents


def disconnected_round() -> list[Respondent]:
    # Every agency puts its own target first and its performance targets second, the other
    # targets in a rotated order, and the participants' own needs last.
    targets = list(AGENCY_TARGETS.values())
    respondents = []
    for position, (agency, own) in enumerate(AGENCY_TARGETS.items()):
        others = [t for t in targets if t != own]
        others = others[position % len(others) :] + others[: position % len(others)]
        order = [own, "agency_targets", *others, "participant_needs"]
        respondents += team(agency, all_dimensions([1, 1, 2, 1, 2]), order)
    return respondents


def friendly_round() -> list[Respondent]:
    # Warm agreement on aims and information sharing, participants treated as objects
    # (client_focus and outcomes at the disconnected pole), middling awareness, a partnership
    # resting on goodwill (low structure); everyone ranks the same way, with performance
    # targets first and the participants' own needs second to last.
    levels = {
        "aims": [5, 5, 4, 5, 4],
        "information": [5, 4, 5, 5, 4],
        "client_focus": [1, 1, 2, 1, 1],
        "outcomes": [1, 2, 1, 2, 1],
        "awareness": [3, 3, 3, 3, 3],
        "structure": [1, 2, 1, 1, 2],
    }
    order = (
        "agency_targets",
        "ete_participation",
        "reduce_offending",
        "reduce_teenage_pregnancy",
        "stable_housing",
        "healthy_lifestyles",
        "participant_needs",
        "self_confidence",
    )
    respondents = []
    for agency in AGENCY_TARGETS:
        respondents += team(agency, levels, order)
    return respondents


def test_connected_pole():
    # Dimensions: item scores 1, 1, .75, 1, 1 -> 0.95 each. W = 1, P = 1.
    # Index = 100 * (5 * .95 + 1 + 1)/7 = 96.43.
    card = score_round(INSTRUMENT, connected_round())
    assert card.kendall_w == pytest.approx(1.0)
    assert card.client_priority == pytest.approx(1.0)
    assert card.index == pytest.approx(100 * (5 * 0.95 + 2) / 7)
    assert known(card.index) >= 80
    assert card.band == "connected"


def test_disconnected_pole():
    # Dimensions: item scores 0, 0, .25, 0, .25 -> 0.1 each. P = 0 (last everywhere).
    card = score_round(INSTRUMENT, disconnected_round())
    assert known(card.kendall_w) < 0.5  # well below 1: each agency pulls its own way
    assert card.client_priority == pytest.approx(0.0)
    assert all(card.dimensions[d] == pytest.approx(0.1) for d in DIMENSIONS)
    assert known(card.index) <= 20
    assert card.band == "disconnected"


def test_friendly_partners_are_mixed_with_a_structure_risk():
    # aims (1+1+.75+1+.75)/5 = .9; information .9; client_focus (0+0+.25+0+0)/5 = .05;
    # outcomes (0+.25+0+.25+0)/5 = .1; awareness .5; structure .1.
    # W = 1 (same ranking everywhere); P = 1 - (7-1)/7 = 1/7.
    # Index = 100 * (.9 + .1 + .05 + .9 + .5 + 1 + 1/7)/7 = 51.33 -> mixed.
    card = score_round(INSTRUMENT, friendly_round())
    d = card.dimensions
    assert d["aims"] == pytest.approx(0.9) and d["information"] == pytest.approx(0.9)
    assert d["client_focus"] == pytest.approx(0.05) and d["outcomes"] == pytest.approx(0.1)
    assert min(known(d["aims"]), known(d["information"])) > max(
        known(d["client_focus"]), known(d["outcomes"])
    )
    assert card.kendall_w == pytest.approx(1.0)
    assert card.client_priority == pytest.approx(1 / 7)
    assert card.index == pytest.approx(100 * (0.9 + 0.1 + 0.05 + 0.9 + 0.5 + 1 + 1 / 7) / 7)
    assert card.band == "mixed"
    assert d["structure"] == pytest.approx(0.1)  # the sustainability risk, beside the index
    assert card.components.keys() == set(INDEX_COMPONENTS)  # structure is not a component


# --------------------------------------------------------------------------------------------
# Properties

AGENCY_KEYS = ("yot", "college", 7, 12, "health")
ANSWER = st.one_of(st.none(), st.integers(1, 5))
RANKING = st.one_of(
    st.none(),
    st.permutations(range(1, len(OPTION_CODES) + 1)).map(
        lambda ranks: dict(zip(OPTION_CODES, ranks, strict=True))
    ),
)
PROPERTY_SETTINGS = settings(max_examples=50, deadline=None)


@st.composite
def respondent_lists(draw, min_agencies: int = 2, max_agencies: int = 5) -> list[Respondent]:
    n_agencies = draw(st.integers(min_agencies, max_agencies))
    respondents = []
    for agency in AGENCY_KEYS[:n_agencies]:
        for _ in range(draw(st.integers(1, 3))):
            values = draw(st.lists(ANSWER, min_size=len(ITEMS), max_size=len(ITEMS)))
            # An item may be absent altogether as well as answered "don't know".
            skipped = draw(st.sets(st.sampled_from(ITEM_CODES), max_size=5))
            answers = {c: v for c, v in zip(ITEM_CODES, values, strict=True) if c not in skipped}
            respondents.append(Respondent(agency, answers, draw(RANKING)))
    return respondents


@PROPERTY_SETTINGS
@given(respondent_lists())
def test_property_numbers_stay_in_range(respondents):
    card = score_round(INSTRUMENT, respondents, n_resamples=200)
    if card.index is not None:
        assert 0 <= card.index <= 100
        assert card.band == band_for(round(card.index, 4))
        low, high = known(card.interval)
        assert 0 <= low <= high <= 100
    for value in [*card.dimensions.values(), *card.components.values(), *card.rwg.values()]:
        assert value is None or 0 <= value <= 1
    assert card.n_agencies == len({r.agency for r in respondents})


@PROPERTY_SETTINGS
@given(st.data())
def test_property_order_of_respondents_changes_nothing(data):
    respondents = data.draw(respondent_lists())
    shuffled = data.draw(st.permutations(respondents))
    assert (
        score_round(INSTRUMENT, shuffled).to_dict()
        == score_round(INSTRUMENT, respondents).to_dict()
    )


@PROPERTY_SETTINGS
@given(respondent_lists())
def test_property_duplicating_every_respondent_changes_no_agency_level_result(respondents):
    doubled = [copy for r in respondents for copy in (r, r)]
    once = score_round(INSTRUMENT, respondents).to_dict()
    twice = score_round(INSTRUMENT, doubled).to_dict()
    assert twice["n_respondents"] == 2 * once["n_respondents"]
    for result in (once, twice):
        del result["n_respondents"]
        for agency in result["agencies"]:
            del agency["n_respondents"]
    # dimensions, index, interval, W, P, rwg, divergence and every agency's scores
    assert twice == once


@PROPERTY_SETTINGS
@given(st.integers(0, 4), respondent_lists(min_agencies=1, max_agencies=1))
def test_property_fewer_than_two_agencies_never_yields_a_number(keep, respondents):
    respondents = respondents[:keep]
    result = score_round(INSTRUMENT, respondents).to_dict()
    assert result["status"] == "insufficient"
    assert result["uncertain"] is False
    assert not [leaf for leaf in walk(result) if isinstance(leaf, float)]
    assert result["n_respondents"] == len(respondents)
    assert result["n_agencies"] == (1 if respondents else 0)


@PROPERTY_SETTINGS
@given(
    respondent_lists(),
    st.integers().filter(lambda value: not 1 <= value <= 5),
    st.sampled_from(ITEM_CODES),
    st.data(),
)
def test_property_answers_outside_one_to_five_raise(respondents, bad, code, data):
    position = data.draw(st.integers(0, len(respondents) - 1))
    victim = respondents[position]
    respondents[position] = Respondent(victim.agency, {**victim.answers, code: bad}, None)
    with pytest.raises(ScoringInputError, match=code):
        score_round(INSTRUMENT, respondents)
