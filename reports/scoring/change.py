"""A component's change between two rounds, and whether it is larger than the uncertainty.

Computed from two stored scorecards' agency entries (each agency's dimension scores and its
re-ranked ranking), so no answer is read again. The interval is a 95% percentile bootstrap of
the difference (new - previous): each resample draws the previous round's agencies with
replacement and, independently, the new round's, as the index's bootstrap does (README, step
10): one generator ``numpy.random.default_rng(20000)`` (the index's seed) draws the previous
round's agencies for every resample, then the new round's, so the same two scorecards always
give the same interval. Agencies are taken in the order the scorecards list them (ids
ascending, as scored).

The verdict: "improved" when the whole interval is above 0, "worse" when it is below 0, and "no
clear change" otherwise (also when either round lacks the component).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .engine import _partnership_dimensions
from .model import DIMENSIONS, INDEX_COMPONENTS, ScoringInputError
from .statistics import _concordance, _tie_sums

IMPROVED = "improved"
NO_CLEAR_CHANGE = "no_clear_change"
WORSE = "worse"
SEED = 20000
COMPONENTS = (*INDEX_COMPONENTS, "structure")


@dataclass(frozen=True)
class Change:
    component: str
    previous: float | None
    new: float | None
    difference: float | None
    interval: tuple[float, float] | None
    verdict: str


def _number(value: Any) -> float:
    return np.nan if value is None else float(value)


def _counts(rng: np.random.Generator, k: int, n_resamples: int) -> np.ndarray:
    """(n_resamples, k) multiplicities of agencies drawn with replacement, as the index's."""
    draws = rng.integers(0, k, size=(n_resamples, k))
    counts = np.zeros((n_resamples, k))
    for column in range(k):
        counts[:, column] = np.sum(draws == column, axis=1)
    return counts


def _resampled(
    agencies: Sequence[Mapping[str, Any]],
    component: str,
    counts: np.ndarray,
    participant: str | None,
) -> np.ndarray:
    """The component for each row of agency multiplicities (the first row may be all ones)."""
    if component in DIMENSIONS:
        d = DIMENSIONS.index(component)
        dims = np.array(
            [[_number(a["dimensions"].get(dim)) for dim in DIMENSIONS] for a in agencies]
        ).reshape(len(agencies), len(DIMENSIONS))
        return _partnership_dimensions(counts, dims)[:, d]
    ranked = [i for i, a in enumerate(agencies) if a.get("ranking")]
    out = np.full(counts.shape[0], np.nan)
    if not ranked:
        return out
    codes = sorted(agencies[ranked[0]]["ranking"])
    rankings = np.array([[float(agencies[i]["ranking"][c]) for c in codes] for i in ranked])
    weights = counts[:, ranked]
    raters = weights.sum(axis=1)
    rank_sums = weights @ rankings
    n = len(codes)
    if component == "kendall_w":
        ties = _tie_sums(rankings)
        values = _concordance(rank_sums, raters, n, weights @ ties)
    else:
        if participant not in codes:
            return out
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_rank = rank_sums[:, codes.index(participant)] / raters
        values = 1.0 - (mean_rank - 1.0) / (n - 1)
    # Agreement needs two raters, as in the scorecard (engine._components).
    return np.where(raters >= 2, values, np.nan)


def component_change(
    previous_agencies: Sequence[Mapping[str, Any]],
    new_agencies: Sequence[Mapping[str, Any]],
    component: str,
    *,
    previous: float | None,
    new: float | None,
    participant_option: str | None = None,
    seed: int = SEED,
    n_resamples: int = 1000,
) -> Change:
    """`previous` and `new` are the stored scorecards' values of the component (the point
    estimates shown); the agencies' entries give the interval around their difference."""
    if component not in COMPONENTS:
        raise ScoringInputError(f"unknown component {component!r}")
    if previous is None or new is None or not previous_agencies or not new_agencies:
        return Change(component, previous, new, None, None, NO_CLEAR_CHANGE)
    difference = float(new) - float(previous)
    # One generator with the index's seed, the previous round's draws first.
    rng = np.random.default_rng(seed)
    before = _resampled(
        previous_agencies,
        component,
        _counts(rng, len(previous_agencies), n_resamples),
        participant_option,
    )
    after = _resampled(
        new_agencies, component, _counts(rng, len(new_agencies), n_resamples), participant_option
    )
    differences = after - before
    differences = differences[~np.isnan(differences)]
    if not differences.size:
        return Change(component, previous, new, difference, None, NO_CLEAR_CHANGE)
    low, high = (float(v) for v in np.percentile(differences, [2.5, 97.5]))
    verdict = IMPROVED if low > 0 else WORSE if high < 0 else NO_CLEAR_CHANGE
    return Change(
        component,
        previous,
        new,
        round(difference, 4) + 0.0,
        (round(low, 4) + 0.0, round(high, 4) + 0.0),
        verdict if math.isfinite(low) else NO_CLEAR_CHANGE,
    )
