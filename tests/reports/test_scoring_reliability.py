"""Cronbach's alpha from pooled sums (reports.scoring.reliability): pure, no database.

Worked by hand: three respondents, two items of one dimension, points (score - 1):
(0, 1), (2, 2), (4, 3). Totals 1, 4, 7. Population variances: items 8/3 and 2/3, total 6.
alpha = 2 / 1 * (1 - (8/3 + 2/3) / 6) = 8/9.
"""

from __future__ import annotations

import numpy as np
import pytest

from reports.scoring import (
    DIMENSIONS,
    Respondent,
    alpha_by_dimension,
    alpha_from_sums,
    alpha_sums,
    cronbach_alpha,
    instrument_alpha,
)
from tests.reports.test_scoring import INSTRUMENT, ITEMS_BY_DIMENSION

HAND_SUMS = [3, 12, 66, 6, 6, 20, 14]  # n, totals, totals squared, item sums, item squares


def test_alpha_from_the_hand_worked_sums_is_eight_ninths():
    assert alpha_from_sums(HAND_SUMS) == pytest.approx(8 / 9)
    # The same as the textbook formula on the raw points.
    assert cronbach_alpha(np.array([[0, 1], [2, 2], [4, 3]], dtype=float)) == pytest.approx(8 / 9)


def test_sums_of_two_rounds_pool_to_the_sums_of_all_their_respondents():
    first = [1, 1, 1, 0, 1, 0, 1]  # the respondent (0, 1)
    second = [2, 11, 65, 6, 5, 20, 13]  # the respondents (2, 2) and (4, 3)
    n, alpha = instrument_alpha([(1, {"aims": first}), (2, {"aims": second})], minimum=3)
    assert n == 3
    assert alpha == {**dict.fromkeys(DIMENSIONS), "aims": round(8 / 9, 4)}


def test_alpha_is_undefined_with_one_item_one_respondent_or_no_spread():
    assert alpha_from_sums([3, 6, 14, 6, 14]) is None  # one item
    assert alpha_from_sums([1, 3, 9, 1, 2, 1, 4]) is None  # one respondent
    assert alpha_from_sums([2, 8, 32, 4, 4, 8, 8]) is None  # every total the same


def test_a_round_sums_only_respondents_who_answered_every_item_of_a_dimension():
    aims = ITEMS_BY_DIMENSION["aims"]
    complete = Respondent(agency=1, answers=dict.fromkeys(aims, 5))
    partial = Respondent(agency=2, answers={aims[0]: 3})
    sums = alpha_sums(INSTRUMENT, [complete, partial])
    reverse = {item.code for item in INSTRUMENT.items if item.reverse}
    points = [0 if code in reverse else 4 for code in aims]
    assert sums["aims"][:3] == [1, sum(points), sum(points) ** 2]
    assert sums["aims"][3:] == points + [p * p for p in points]


def test_pooled_sums_give_the_alpha_of_all_respondents_at_once():
    rng = np.random.default_rng(7)
    respondents = [
        Respondent(
            agency=i % 3,
            answers={item.code: int(rng.integers(1, 6)) for item in INSTRUMENT.items},
        )
        for i in range(24)
    ]
    rounds = [respondents[:10], respondents[10:17], respondents[17:]]
    parts = [(len(r), alpha_sums(INSTRUMENT, r)) for r in rounds]
    n, pooled = instrument_alpha(parts)
    expected = alpha_by_dimension(INSTRUMENT, respondents)
    rounded = {d: round(v, 4) for d, v in expected.items() if v is not None}
    assert n == 24 and len(rounded) == len(expected)  # alpha is defined for every dimension
    assert pooled == pytest.approx(rounded, abs=1e-4)
