"""The small-number rule of specification 1.1, worked by hand (no database).

Agency A has 3 people answering the connected pole (every item score 1.0); B has 1 person at
the disconnected pole (0.0); C has 2 people, one in the middle (0.5) and one connected (1.0).
"""

from __future__ import annotations

import pytest

from reports.scoring import Respondent, score_round
from reports.services.scorecards import groups_that_count
from surveys.anonymity import OTHER_AGENCIES, group_labels
from tests.reports.test_scoring import INSTRUMENT

REVERSE = {item.code for item in INSTRUMENT.items if item.reverse}


def person(agency: str, score: float) -> Respondent:
    """Every item at this item score: x = 1 + 4 * score, reverse-keyed items mirrored."""
    x = round(1 + 4 * score)
    return Respondent(
        agency=agency,
        answers={i.code: (6 - x if i.code in REVERSE else x) for i in INSTRUMENT.items},
    )


A = [person("A", 1.0) for _ in range(3)]
B = [person("B", 0.0)]
C = [person("C", 0.5), person("C", 1.0)]


def test_group_labels_by_hand():
    sizes = {"A": 3, "B": 1, "C": 2}
    assert group_labels(sizes, 3) == {"A": "A", "B": OTHER_AGENCIES, "C": OTHER_AGENCIES}
    assert group_labels(sizes, 4) == dict.fromkeys(sizes, OTHER_AGENCIES)  # pool of 6 >= 4
    assert group_labels({"A": 3, "B": 1}, 3) == {"A": "A", "B": None}  # pool of 1 < 3
    assert group_labels({"A": 1, "B": 1}, 3) == {"A": None, "B": None}


def test_k3_pools_b_and_c_into_one_agency_of_three():
    card = score_round(INSTRUMENT, groups_that_count(A + B + C, 3), n_resamples=0)
    # Other agencies = mean of (0.0, 0.5, 1.0) = 0.5; the partnership = (1.0 + 0.5) / 2.
    assert card.n_agencies == 2 and card.n_respondents == 6
    assert card.dimensions["aims"] == pytest.approx(0.75)
    pooled = next(a for a in card.agencies if a.agency == OTHER_AGENCIES)
    assert pooled.n_respondents == 3 and pooled.dimensions["aims"] == pytest.approx(0.5)
    # Without the rule it would be (1.0 + 0.0 + 0.75) / 3: B's one person moves it.
    plain = score_round(INSTRUMENT, A + B + C, n_resamples=0)
    assert plain.dimensions["aims"] == pytest.approx(1.75 / 3)


def test_k4_makes_every_agency_small_and_one_pool_is_insufficient():
    card = score_round(INSTRUMENT, groups_that_count(A + B + C, 4), n_resamples=0)
    assert card.status == "insufficient" and card.index is None
    assert (card.n_agencies, card.n_respondents) == (1, 6)


def test_a_pool_below_k_is_left_out_and_counts_nowhere():
    card = score_round(INSTRUMENT, groups_that_count(A + C + B[:0], 3), n_resamples=0)
    # C's two people are a pool of 2 < 3: left out; A alone is one group: insufficient.
    assert card.status == "insufficient" and (card.n_agencies, card.n_respondents) == (1, 3)
    two_big = A + [person("D", 0.0) for _ in range(3)] + B
    card = score_round(INSTRUMENT, groups_that_count(two_big, 3), n_resamples=0)
    assert card.n_respondents == 6 and card.dimensions["aims"] == pytest.approx(0.5)
