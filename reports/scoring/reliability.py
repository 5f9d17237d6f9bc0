"""Cronbach's alpha of an instrument version from per-round sums (specification step 13).

Alpha over ALL submitted respondents of an instrument version would mean re-reading every answer
of every round. Instead each scorecard keeps, per dimension, the sums alpha needs over the
round's respondents who answered every item of the dimension (alpha drops incomplete rows, as
``cronbach_alpha`` does). Item scores are kept as points 0..4 (the score times 4): alpha does not
change with the scale, and integer sums are exact, add up across rounds in any order and stay
short in JSON. Tests hold the pooled result to ``alpha_by_dimension`` on the same respondents.

Layout of one dimension's sums: [n, sum of totals, sum of squared totals, per-item sums...,
per-item sums of squares...], where a total is a respondent's points over the dimension.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .model import (
    DECIMALS,
    DIMENSIONS,
    LIKERT_MAX,
    LIKERT_MIN,
    RELIABILITY_MINIMUM,
    Instrument,
    Respondent,
    _layout,
)


def alpha_sums(instrument: Instrument, respondents: Sequence[Respondent]) -> dict[str, list[int]]:
    """The sums of one round's respondents, per dimension, in the layout above."""
    codes = [item.code for item in instrument.items]
    raw = np.array([[r.answers.get(code) for code in codes] for r in respondents], dtype=float)
    return likert_alpha_sums(instrument, raw.reshape(len(respondents), len(codes)))


def likert_alpha_sums(instrument: Instrument, likert: np.ndarray) -> dict[str, list[int]]:
    """``alpha_sums`` of a round given as its Likert matrix (rows respondents, columns the
    instrument's items, NaN missing), as the bulk rescore reads it. Every dimension at once:
    the sums are of whole numbers, so exact in any order."""
    if not likert.shape[0] or not instrument.items:
        return {}
    layout = _layout(instrument)
    raw = likert[:, layout.grouped]  # items grouped by dimension
    missing = np.isnan(raw)
    reverse = layout.reverse[layout.grouped]
    points = np.where(missing, 0, np.where(reverse, LIKERT_MAX - raw, raw - LIKERT_MIN)).astype(
        np.int64
    )
    starts = layout.group_starts
    # A respondent counts in a dimension only with every item of it answered.
    complete = np.add.reduceat(missing.astype(np.intp), starts, axis=1) == 0
    counted = np.repeat(complete, layout.group_sizes, axis=1)
    totals = np.where(complete, np.add.reduceat(points, starts, axis=1), 0)
    n = complete.sum(axis=0).tolist()
    total_sums = totals.sum(axis=0).tolist()
    total_squares = (totals**2).sum(axis=0).tolist()
    kept = np.where(counted, points, 0)
    item_sums = kept.sum(axis=0).tolist()
    item_squares = (kept**2).sum(axis=0).tolist()
    sums: dict[str, list[int]] = {}
    for g, (d, start, size) in enumerate(
        zip(layout.group_dims.tolist(), starts.tolist(), layout.group_sizes.tolist(), strict=True)
    ):
        sums[DIMENSIONS[d]] = [
            n[g],
            total_sums[g],
            total_squares[g],
            *item_sums[start : start + size],
            *item_squares[start : start + size],
        ]
    return sums


def alpha_from_sums(pooled: Sequence[int]) -> float | None:
    """k/(k-1) * (1 - sum of item variances / variance of the total), from pooled sums.

    n(n-1) times a variance is n * sum of squares - sum^2: exact in integers, and the common
    factor cancels in the ratio. None where ``cronbach_alpha`` gives None.
    """
    n, total, total_sq, *items = pooled
    k = len(items) // 2
    if k < 2 or n < 2:
        return None
    total_spread = n * total_sq - total**2
    if total_spread <= 0:
        return None
    item_spread = sum(n * sq - s**2 for s, sq in zip(items[:k], items[k:], strict=True))
    return k / (k - 1) * (1 - item_spread / total_spread)


def instrument_alpha(
    parts: Iterable[tuple[int, dict[str, list[int]]]], *, minimum: int = RELIABILITY_MINIMUM
) -> tuple[int, dict[str, float | None]]:
    """Pool (n_respondents, alpha_sums) of several rounds: respondents and alpha by dimension."""
    n_respondents = 0
    rows: dict[str, list[list[int]]] = {}
    for respondents, sums in parts:
        n_respondents += respondents
        for dimension, row in sums.items():
            rows.setdefault(dimension, []).append(row)
    alpha: dict[str, float | None] = dict.fromkeys(DIMENSIONS)
    if n_respondents < minimum:
        return n_respondents, alpha
    for dimension, dimension_rows in rows.items():
        width = len(dimension_rows[-1])
        # A scorecard from before a version's questions were replaced (possible only while the
        # version had no responses) has another width and nothing to pool.
        same = [row for row in dimension_rows if len(row) == width]
        pooled = [int(v) for v in np.array(same, dtype=np.int64).sum(axis=0)]
        value = alpha_from_sums(pooled)
        alpha[dimension] = None if value is None else round(value, DECIMALS)
    return n_respondents, alpha
