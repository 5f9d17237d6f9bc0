"""What a scoring run returns: the scorecard and its parts, with JSON-safe rounding."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .model import (
    DECIMALS,
)

# --------------------------------------------------------------------------------------------
# Scorecard


def _round(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _round_p(value: float | None) -> float | None:
    # 4 significant figures: rounding to 4 decimals would print a strong result as p = 0.
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.4g}")


def _round_map(values: Mapping[str, float | None]) -> dict[str, float | None]:
    # _round inlined: a scorecard rounds a few hundred values, and the call was most of it.
    isfinite = math.isfinite
    return {
        key: None if value is None or not isfinite(value) else round(float(value), DECIMALS) + 0.0
        for key, value in values.items()
    }


@dataclass(frozen=True)
class DivergentItem:
    code: str
    dimension: str
    range: float
    sd: float  # population sd (ddof=0) of the agency means
    agency_means: Mapping[str, float]  # agency label -> mean raw Likert answer (1..5)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "dimension": self.dimension,
            "range": _round(self.range),
            "sd": _round(self.sd),
            "agency_means": _round_map(self.agency_means),
        }


@dataclass(frozen=True)
class AgencyScore:
    agency: str
    n_respondents: int
    dimensions: Mapping[str, float | None]
    ranking: Mapping[str, float] | None  # option code -> re-ranked rank (ties averaged)

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "n_respondents": self.n_respondents,
            "dimensions": _round_map(self.dimensions),
            "ranking": None if self.ranking is None else _round_map(self.ranking),
        }


@dataclass(frozen=True)
class Scorecard:
    status: str  # "ok" or "insufficient"
    index: float | None
    band: str | None
    interval: tuple[float, float] | None
    uncertain: bool
    dimensions: Mapping[str, float | None]
    components: Mapping[str, float | None]
    kendall_w: float | None
    chi_square: float | None
    p_value: float | None
    client_priority: float | None
    rwg: Mapping[str, float | None]
    divergent_items: tuple[DivergentItem, ...]
    agencies: tuple[AgencyScore, ...]
    n_agencies: int
    n_respondents: int
    scoring_version: str
    instrument_version: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe plain types; floats rounded to 4 decimals (p-value to 4 significant)."""
        interval = None
        if self.interval is not None:
            interval = [_round(self.interval[0]), _round(self.interval[1])]
        return {
            "status": self.status,
            "index": _round(self.index),
            "band": self.band,
            "interval": interval,
            "uncertain": bool(self.uncertain),
            "dimensions": _round_map(self.dimensions),
            "components": _round_map(self.components),
            "kendall_w": _round(self.kendall_w),
            "chi_square": _round(self.chi_square),
            "p_value": _round_p(self.p_value),
            "client_priority": _round(self.client_priority),
            "rwg": _round_map(self.rwg),
            "divergent_items": [item.to_dict() for item in self.divergent_items],
            "agencies": [agency.to_dict() for agency in self.agencies],
            "n_agencies": int(self.n_agencies),
            "n_respondents": int(self.n_respondents),
            "scoring_version": self.scoring_version,
            "instrument_version": str(self.instrument_version),
        }
