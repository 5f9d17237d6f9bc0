"""A component's change between two rounds with its bootstrap interval (pure)."""

from __future__ import annotations

import pytest

from reports.scoring import ScoringInputError
from reports.scoring.change import IMPROVED, NO_CLEAR_CHANGE, WORSE, component_change

RANKING_FIRST = {"a": 1.0, "b": 2.0, "c": 3.0, "young": 4.0}
YOUNG_FIRST = {"young": 1.0, "a": 2.0, "b": 3.0, "c": 4.0}


def _agencies(*values: float, ranking=None) -> list[dict]:
    return [{"dimensions": {"aims": v, "structure": v}, "ranking": ranking} for v in values]


def test_a_clear_rise_in_every_agency_is_improved():
    change = component_change(
        _agencies(0.2, 0.25, 0.3), _agencies(0.7, 0.75, 0.8), "aims", previous=0.25, new=0.75
    )
    assert change.verdict == IMPROVED
    assert change.difference == 0.5
    # Every resample's difference lies between the extremes: 0.8 - 0.2 and 0.7 - 0.3.
    assert change.interval is not None
    assert 0.4 <= change.interval[0] <= change.interval[1] <= 0.6


def test_a_clear_fall_is_worse():
    change = component_change(
        _agencies(0.8, 0.9), _agencies(0.1, 0.2), "structure", previous=0.85, new=0.15
    )
    assert change.verdict == WORSE


def test_a_small_change_within_the_spread_is_no_clear_change():
    change = component_change(
        _agencies(0.1, 0.9, 0.5), _agencies(0.2, 0.95, 0.45), "aims", previous=0.5, new=0.5333
    )
    assert change.verdict == NO_CLEAR_CHANGE
    assert change.interval is not None and change.interval[0] < 0 < change.interval[1]


def test_the_interval_is_reproducible():
    args = (_agencies(0.1, 0.9, 0.5), _agencies(0.3, 0.95, 0.6), "aims")
    first = component_change(*args, previous=0.5, new=0.6167)
    again = component_change(*args, previous=0.5, new=0.6167)
    assert first.interval == again.interval


def test_young_peoples_priority_moving_from_last_to_first_is_improved():
    before = _agencies(0.5, 0.5, 0.5, ranking=RANKING_FIRST)
    after = _agencies(0.5, 0.5, 0.5, ranking=YOUNG_FIRST)
    change = component_change(
        before, after, "client_priority", previous=0.0, new=1.0, participant_option="young"
    )
    assert change.verdict == IMPROVED
    assert change.interval == (1.0, 1.0)  # every agency moved the same way: no spread at all


def test_agreement_on_priorities_is_resampled_with_rankings():
    before = [
        {"dimensions": {}, "ranking": RANKING_FIRST},
        {"dimensions": {}, "ranking": YOUNG_FIRST},
        {"dimensions": {}, "ranking": {"c": 1.0, "young": 2.0, "b": 3.0, "a": 4.0}},
    ]
    after = [{"dimensions": {}, "ranking": YOUNG_FIRST} for _ in range(3)]
    change = component_change(before, after, "kendall_w", previous=0.1, new=1.0)
    # A resample of the first round that draws one agency three times (1 in 9 of them) agrees
    # perfectly, W = 1, so the 2.5th percentile of the difference is 0: not a clear change,
    # although the point estimate rose from 0.1 to 1.
    assert change.verdict == NO_CLEAR_CHANGE
    assert change.interval is not None and change.interval[0] == 0.0 < change.interval[1] <= 1.0


def test_a_round_without_the_component_says_no_clear_change():
    change = component_change(_agencies(0.2), [], "aims", previous=0.2, new=None)
    assert (change.verdict, change.interval, change.difference) == (NO_CLEAR_CHANGE, None, None)


def test_an_unknown_component_is_refused():
    with pytest.raises(ScoringInputError):
        component_change(_agencies(0.2), _agencies(0.3), "charisma", previous=0.2, new=0.3)
