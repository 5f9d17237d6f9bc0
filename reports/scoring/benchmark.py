"""Where one partnership sits among its authority's partnerships (pure: no Django).

Only the rank, the number of partnerships and the quartiles are ever given out: nothing else
about any other partnership (the dashboard shows the benchmark only from MINIMUM partnerships).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MINIMUM = 5


@dataclass(frozen=True)
class Position:
    value: float
    rank: int  # 1 = highest; ties share the better rank
    count: int
    lower_quartile: float
    median: float
    upper_quartile: float


def position(own: float, others: Sequence[float]) -> Position | None:
    """`others`: the other partnerships' values (not this one's). None below MINIMUM in all."""
    values = [float(v) for v in others] + [float(own)]
    if len(values) < MINIMUM:
        return None
    q1, median, q3 = (float(v) for v in np.percentile(values, [25, 50, 75]))
    rank = 1 + sum(1 for v in others if float(v) > float(own))
    return Position(
        value=float(own),
        rank=rank,
        count=len(values),
        lower_quartile=round(q1, 4) + 0.0,
        median=round(median, 4) + 0.0,
        upper_quartile=round(q3, 4) + 0.0,
    )
