"""Connectedness scoring: turns one round of survey responses into a scorecard.

Implements "Scoring specification" in /work/shared/MODEL.md (version ``SCORING_VERSION``). Pure
Python + numpy/scipy, no Django, so the web layer, the Celery task and the tests all call the
same code and a scorecard can be recomputed from stored answers at any time.

Decisions the specification leaves open (each also commented where it is implemented):

* Missing components. A component that cannot be computed from the data (a dimension nobody
  answered; W and P when fewer than 2 agencies gave a ranking; W when every ranking is one big
  tie) is reported as None and left out of the index, whose weights are renormalised over the
  components that are present. The index is None (status "insufficient") only when no weighted
  component is left. The bootstrap uses the same component set as the point estimate.
* rwg(j) and divergence use the raw Likert answers. The variance (and range, and sd) of agency
  means is unchanged by reverse-scoring (6 - x), so the orientation cannot change them; raw
  answers are what respondents actually chose, which makes the divergence table readable.
* Divergence sd is the population sd (ddof=0): the agencies present are the whole partnership,
  not a sample of it, and it is defined for two agencies.
* Fewer than 2 agencies: every number is None and the per-agency list is empty, so nothing about
  a single agency is shown as a partnership result.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any

import numpy as np
from scipy import stats

SCORING_VERSION = "1.0"

DIMENSIONS = ("aims", "outcomes", "client_focus", "information", "awareness", "structure")
# structure is a sustainability risk shown beside the index, not part of it (MODEL.md).
INDEX_DIMENSIONS = DIMENSIONS[:5]
INDEX_COMPONENTS = (
    "aims",
    "outcomes",
    "client_focus",
    "information",
    "awareness",
    "kendall_w",
    "client_priority",
)
BANDS = (
    ("disconnected", "Disconnected", 0, 20),
    ("largely_disconnected", "Largely disconnected", 20, 40),
    ("mixed", "Mixed", 40, 60),
    ("largely_connected", "Largely connected", 60, 80),
    ("connected", "Connected", 80, 100),
)

LIKERT_MIN = 1
LIKERT_MAX = 5
LIKERT_OPTIONS = LIKERT_MAX - LIKERT_MIN + 1
WEIGHT_TOLERANCE = 1e-6
DECIMALS = 4

_N_DIMS = len(DIMENSIONS)
_N_INDEX_DIMS = len(INDEX_DIMENSIONS)
_W_COL = INDEX_COMPONENTS.index("kendall_w")
_P_COL = INDEX_COMPONENTS.index("client_priority")


class ScoringInputError(ValueError):
    """The input cannot be scored; the message names the offending value."""


def default_weights() -> dict[str, float]:
    """Equal weights, 1/7 per index component (MODEL.md step 8)."""
    return {code: 1.0 / len(INDEX_COMPONENTS) for code in INDEX_COMPONENTS}


# --------------------------------------------------------------------------------------------
# Instrument and responses


@dataclass(frozen=True)
class Item:
    code: str
    dimension: str
    reverse: bool = False


@dataclass(frozen=True)
class RankingOption:
    code: str
    participant_defined: bool = False


@dataclass(frozen=True)
class Instrument:
    version: str
    items: tuple[Item, ...]
    ranking_options: tuple[RankingOption, ...]
    weights: Mapping[str, float] = field(default_factory=default_weights)

    def __post_init__(self) -> None:
        # Callers may build these from lists (ORM, YAML); keep the dataclass genuinely immutable.
        object.__setattr__(self, "items", tuple(self.items))
        object.__setattr__(self, "ranking_options", tuple(self.ranking_options))
        _validate_instrument(self)

    @property
    def participant_option(self) -> RankingOption:
        return next(o for o in self.ranking_options if o.participant_defined)


@dataclass(frozen=True)
class Respondent:
    agency: str | int
    answers: Mapping[str, int | None]
    ranking: Mapping[str, int] | None = None


def _is_int(value: object) -> bool:
    # bool is an int subclass in Python, but True is not a Likert answer.
    return isinstance(value, Integral) and not isinstance(value, bool | np.bool_)


def _validate_weights(weights: Mapping[str, float]) -> None:
    if not isinstance(weights, Mapping):
        raise ScoringInputError("weights must be a mapping of index component to weight")
    unknown = sorted(set(weights) - set(INDEX_COMPONENTS))
    missing = [c for c in INDEX_COMPONENTS if c not in weights]
    if unknown:
        raise ScoringInputError(f"unknown weight keys: {', '.join(map(str, unknown))}")
    if missing:
        raise ScoringInputError(f"missing weights for: {', '.join(missing)}")
    for code in INDEX_COMPONENTS:
        value = weights[code]
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
            raise ScoringInputError(f"weight {code!r} must be a finite number, got {value!r}")
        if value < 0:
            raise ScoringInputError(f"weight {code!r} must not be negative, got {value!r}")
    total = math.fsum(float(weights[c]) for c in INDEX_COMPONENTS)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        raise ScoringInputError(f"weights must sum to 1, they sum to {total!r}")


def _validate_instrument(instrument: Instrument) -> None:
    seen: set[str] = set()
    for item in instrument.items:
        if not isinstance(item, Item):
            raise ScoringInputError(f"instrument items must be Item, got {item!r}")
        if not isinstance(item.code, str) or not item.code:
            raise ScoringInputError(f"item code must be a non-empty string, got {item.code!r}")
        if item.code in seen:
            raise ScoringInputError(f"duplicate item code {item.code!r}")
        if item.dimension not in DIMENSIONS:
            raise ScoringInputError(f"item {item.code!r} has unknown dimension {item.dimension!r}")
        seen.add(item.code)
    options = instrument.ranking_options
    codes = [o.code for o in options]
    if any(not isinstance(o, RankingOption) for o in options):
        raise ScoringInputError("instrument ranking options must be RankingOption")
    if len(options) < 2:
        raise ScoringInputError("a ranking needs at least 2 options")
    if any(not isinstance(c, str) or not c for c in codes) or len(set(codes)) != len(codes):
        raise ScoringInputError(f"ranking option codes must be unique non-empty strings: {codes}")
    n_participant = sum(1 for o in options if o.participant_defined)
    if n_participant != 1:
        raise ScoringInputError(
            f"exactly one ranking option must be participant_defined, found {n_participant}"
        )
    _validate_weights(instrument.weights)


def _validate_respondents(instrument: Instrument, respondents: Sequence[Respondent]) -> None:
    item_codes = {item.code for item in instrument.items}
    option_codes = {option.code for option in instrument.ranking_options}
    full_ranks = list(range(1, len(option_codes) + 1))
    for pos, respondent in enumerate(respondents):
        if not isinstance(respondent, Respondent):
            raise ScoringInputError(f"respondent #{pos} is not a Respondent: {respondent!r}")
        try:
            hash(respondent.agency)
        except TypeError:
            raise ScoringInputError(
                f"respondent #{pos}: agency must be hashable, got {respondent.agency!r}"
            ) from None
        where = f"respondent #{pos} (agency {respondent.agency!r})"
        if not isinstance(respondent.answers, Mapping):
            raise ScoringInputError(f"{where}: answers must be a mapping")
        for code, value in respondent.answers.items():
            if code not in item_codes:
                raise ScoringInputError(f"{where}: unknown item code {code!r}")
            if value is None:
                continue
            if not _is_int(value) or not LIKERT_MIN <= value <= LIKERT_MAX:
                raise ScoringInputError(
                    f"{where}: answer to {code!r} must be an integer {LIKERT_MIN}..{LIKERT_MAX} "
                    f"or None, got {value!r}"
                )
        ranking = respondent.ranking
        if ranking is None:
            continue
        if not isinstance(ranking, Mapping):
            raise ScoringInputError(f"{where}: ranking must be a mapping or None")
        if set(ranking) != option_codes:
            missing = sorted(option_codes - set(ranking))
            unknown = sorted(map(str, set(ranking) - option_codes))
            raise ScoringInputError(
                f"{where}: ranking must rank exactly the instrument's options "
                f"(missing: {missing}, unknown: {unknown})"
            )
        values = list(ranking.values())
        if not all(_is_int(v) for v in values) or sorted(int(v) for v in values) != full_ranks:
            raise ScoringInputError(
                f"{where}: ranking must use each rank 1..{len(full_ranks)} exactly once, "
                f"got {sorted(values, key=str)}"
            )


# --------------------------------------------------------------------------------------------
# Statistics


def band_for(index: float) -> str:
    """Band code for a 0-100 index; a boundary value belongs to the higher band."""
    if isinstance(index, bool) or not isinstance(index, Real) or not 0 <= index <= 100:
        raise ScoringInputError(f"index must be a number in [0, 100], got {index!r}")
    for code, _label, low, high in BANDS:
        if low <= index < high:
            return code
    return BANDS[-1][0]  # exactly 100


def _tie_sum(ranks: np.ndarray) -> float:
    """sum(t^3 - t) over the tie groups of one rater's ranks."""
    _, t = np.unique(ranks, return_counts=True)
    return float(np.sum(t.astype(float) ** 3 - t))


def _concordance(rank_sums: np.ndarray, m: np.ndarray, n: int, tie_sums: np.ndarray) -> np.ndarray:
    """Vectorised Kendall's W with the ties correction, one value per row.

    rank_sums (B, n), m (B,) raters, tie_sums (B,) summed over raters. NaN where the denominator
    is 0 (n == 1, or every rater ties every object): no ranking information, W undefined.
    """
    s = np.sum((rank_sums - m[:, None] * (n + 1) / 2.0) ** 2, axis=1)
    denominator = m**2 * (n**3 - n) - m * tie_sums
    w = np.full(s.shape, np.nan)
    ok = (m > 0) & (denominator > 0)
    w[ok] = 12.0 * s[ok] / denominator[ok]
    # Ranks are half-integers so the arithmetic is exact; the clip only guards the contract.
    return np.clip(w, 0.0, 1.0)


def _chi_square_p(w: float, m: int, n: int) -> tuple[float, float]:
    chi_square = m * (n - 1) * w
    p_value = float(stats.chi2.sf(chi_square, n - 1)) if n > 1 else math.nan
    return float(chi_square), p_value


def kendall_w(rankings: np.ndarray) -> tuple[float, float, float]:
    """Kendall's coefficient of concordance with the ties correction.

    Rows are raters (m), columns objects (n). Each row is (re-)ranked with ties averaged, so
    rows may hold ranks or any scores where smaller means higher priority. Returns
    (W, chi_square = m(n-1)W, p_value from chi2 with n-1 df); all three are NaN when W is
    undefined (n == 1 or every rater ties all objects: the denominator is 0).
    """
    x = np.asarray(rankings, dtype=float)
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
        raise ScoringInputError("rankings must be a non-empty 2-D array (raters x objects)")
    if not np.all(np.isfinite(x)):
        raise ScoringInputError("rankings must be finite numbers")
    m, n = x.shape
    ranks = stats.rankdata(x, method="average", axis=1)
    ties = sum(_tie_sum(row) for row in ranks)
    w = float(
        _concordance(ranks.sum(axis=0)[None, :], np.array([float(m)]), n, np.array([ties]))[0]
    )
    if math.isnan(w):
        return math.nan, math.nan, math.nan
    chi_square, p_value = _chi_square_p(w, m, n)
    return w, chi_square, p_value


def rwg_j(item_means_by_agency: np.ndarray, n_options: int = LIKERT_OPTIONS) -> float | None:
    """James, Demaree & Wolf's rwg(j) over agencies' item means (one dimension).

    Rows agencies, columns items; NaN = the agency had no answer to that item. Only items with
    at least 2 agency means count (a variance needs two). Uniform null variance (A^2 - 1) / 12;
    0 when the mean observed variance exceeds it. None with fewer than 2 agencies or no usable
    item.
    """
    x = np.asarray(item_means_by_agency, dtype=float)
    if x.ndim != 2:
        raise ScoringInputError("item means must be a 2-D array (agencies x items)")
    if n_options < 2:
        raise ScoringInputError("rwg(j) needs at least 2 response options")
    if x.shape[0] < 2:
        return None
    usable = np.sum(~np.isnan(x), axis=0) >= 2
    j = int(np.sum(usable))
    if j == 0:
        return None
    mean_variance = float(np.mean(np.nanvar(x[:, usable], axis=0, ddof=1)))
    null_variance = (n_options**2 - 1) / 12.0
    if mean_variance >= null_variance:
        return 0.0  # more disagreement than random answering: no agreement
    ratio = mean_variance / null_variance
    return j * (1 - ratio) / (j * (1 - ratio) + ratio)


def cronbach_alpha(matrix: np.ndarray) -> float | None:
    """Cronbach's alpha; rows respondents, columns (already scored) items.

    Rows with any NaN are dropped (listwise). None with fewer than 2 items, fewer than 2
    complete rows, or zero variance of the total score (alpha undefined).
    """
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2:
        raise ScoringInputError("matrix must be 2-D (respondents x items)")
    k = x.shape[1]
    if k < 2:
        return None
    x = x[~np.any(np.isnan(x), axis=1)]
    if x.shape[0] < 2:
        return None
    total_variance = float(np.var(x.sum(axis=1), ddof=1))
    if not total_variance > 0:
        return None
    item_variance = float(np.sum(np.var(x, axis=0, ddof=1)))
    return k / (k - 1) * (1 - item_variance / total_variance)


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
    return {key: _round(value) for key, value in values.items()}


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


# --------------------------------------------------------------------------------------------
# Scoring a round


@dataclass(frozen=True)
class _AgencyData:
    """Agency-level numbers; everything after this step ignores individual respondents."""

    labels: tuple[str, ...]
    sizes: tuple[int, ...]
    dims: np.ndarray  # (k, 6) agency dimension scores, NaN = no respondent with a score
    item_means: np.ndarray  # (k, items) mean raw Likert answer, NaN = nobody answered
    rankings: np.ndarray  # (k, options) re-ranked mean ranks, NaN rows = no ranking given
    has_ranking: np.ndarray  # (k,) bool
    tie_sums: np.ndarray  # (k,) sum(t^3 - t) of each agency's ranking, 0 without one


def _agency_sort_key(agency: Hashable) -> tuple[int, int, str]:
    # Canonical order (ints numerically, then by label) so that the order respondents arrive in
    # never changes a result, including which agencies the seeded bootstrap draws.
    if isinstance(agency, Integral) and not isinstance(agency, bool):
        return (0, int(agency), "")
    return (1, 0, str(agency))


def _group_by_agency(respondents: Sequence[Respondent]) -> list[tuple[Hashable, list[Respondent]]]:
    groups: dict[Hashable, list[Respondent]] = {}
    for respondent in respondents:
        groups.setdefault(respondent.agency, []).append(respondent)
    by_label: dict[str, Hashable] = {}
    for agency in groups:
        label = str(agency)
        if label in by_label:
            raise ScoringInputError(
                f"agencies {by_label[label]!r} and {agency!r} share the label {label!r}"
            )
        by_label[label] = agency
    return sorted(groups.items(), key=lambda pair: _agency_sort_key(pair[0]))


def _answer_matrix(instrument: Instrument, respondents: Sequence[Respondent]) -> np.ndarray:
    """Raw Likert answers, rows respondents, columns instrument items, NaN = missing."""
    column = {item.code: j for j, item in enumerate(instrument.items)}
    x = np.full((len(respondents), len(instrument.items)), np.nan)
    for row, respondent in enumerate(respondents):
        for code, value in respondent.answers.items():
            if value is not None:
                x[row, column[code]] = int(value)
    return x


def _item_scores(instrument: Instrument, answers: np.ndarray) -> np.ndarray:
    """Spec step 1: (x - 1) / 4, reverse-keyed (5 - x) / 4; NaN stays NaN."""
    reverse = np.array([item.reverse for item in instrument.items], dtype=bool)
    return np.where(reverse, LIKERT_MAX - answers, answers - LIKERT_MIN) / (LIKERT_MAX - LIKERT_MIN)


def _dimension_columns(instrument: Instrument) -> dict[str, np.ndarray]:
    return {
        dim: np.array([j for j, it in enumerate(instrument.items) if it.dimension == dim], int)
        for dim in DIMENSIONS
    }


def _respondent_dimension_scores(instrument: Instrument, scores: np.ndarray) -> np.ndarray:
    """Spec step 2: mean of answered items; NaN if fewer than half the items were answered."""
    out = np.full((scores.shape[0], _N_DIMS), np.nan)
    for d, columns in enumerate(_dimension_columns(instrument).values()):
        if columns.size == 0:
            continue
        block = scores[:, columns]
        answered = np.sum(~np.isnan(block), axis=1)
        enough = answered * 2 >= columns.size  # also excludes answered == 0
        # Item scores are multiples of 1/4, so this sum is exact in any order.
        out[enough, d] = np.nansum(block[enough], axis=1) / answered[enough]
    return out


def _exact_mean(values: np.ndarray) -> float:
    # fsum is correctly rounded, so respondent order, and duplicating every respondent, cannot
    # move an agency score by even one ulp.
    return math.fsum(values.tolist()) / values.size


def _agency_data(
    instrument: Instrument, groups: list[tuple[Hashable, list[Respondent]]]
) -> _AgencyData:
    ordered = [respondent for _, members in groups for respondent in members]
    answers = _answer_matrix(instrument, ordered)
    respondent_dims = _respondent_dimension_scores(instrument, _item_scores(instrument, answers))
    option_codes = [option.code for option in instrument.ranking_options]
    k, n_options = len(groups), len(option_codes)

    dims = np.full((k, _N_DIMS), np.nan)
    item_means = np.full((k, answers.shape[1]), np.nan)
    rankings = np.full((k, n_options), np.nan)
    has_ranking = np.zeros(k, dtype=bool)
    tie_sums = np.zeros(k)
    start = 0
    for a, (_, members) in enumerate(groups):
        rows = slice(start, start + len(members))
        start += len(members)
        for d in range(_N_DIMS):
            values = respondent_dims[rows, d]
            values = values[~np.isnan(values)]
            if values.size:
                dims[a, d] = _exact_mean(values)
        block = answers[rows]
        answered = np.sum(~np.isnan(block), axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            # Sums of small integers are exact, so these means are order-independent too.
            item_means[a] = np.where(answered > 0, np.nansum(block, axis=0) / answered, np.nan)
        ranked = [m.ranking for m in members if m.ranking is not None]
        if ranked:
            raw = np.array([[int(r[c]) for c in option_codes] for r in ranked], dtype=float)
            # Spec step 5: the agency's ranking = mean ranks re-ranked with ties averaged.
            rankings[a] = stats.rankdata(raw.sum(axis=0) / len(ranked), method="average")
            has_ranking[a] = True
            tie_sums[a] = _tie_sum(rankings[a])
    return _AgencyData(
        labels=tuple(str(agency) for agency, _ in groups),
        sizes=tuple(len(members) for _, members in groups),
        dims=dims,
        item_means=item_means,
        rankings=rankings,
        has_ranking=has_ranking,
        tie_sums=tie_sums,
    )


def _partnership_dimensions(counts: np.ndarray, dims: np.ndarray) -> np.ndarray:
    """Spec step 4 for every row of agency multiplicities: (B, k) -> (B, 6).

    An agency counts once per draw whatever its number of respondents (step 3); agencies
    without a score for a dimension drop out of that dimension's mean.
    """
    present = ~np.isnan(dims)
    total = counts @ np.where(present, dims, 0.0)
    weight = counts @ present.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight > 0, total / weight, np.nan)


def _components(counts: np.ndarray, data: _AgencyData, participant_col: int) -> np.ndarray:
    """The 7 index components for every row of agency multiplicities: (B, k) -> (B, 7).

    The point estimate is the row of ones; a bootstrap resample is the row of how often each
    agency was drawn, so an agency drawn twice counts twice, also as two raters in W.
    """
    out = np.full((counts.shape[0], len(INDEX_COMPONENTS)), np.nan)
    out[:, :_N_INDEX_DIMS] = _partnership_dimensions(counts, data.dims)[:, :_N_INDEX_DIMS]
    if not data.has_ranking.any():
        return out
    n = data.rankings.shape[1]
    ranked = data.has_ranking
    raters = counts[:, ranked].sum(axis=1)
    rank_sums = counts[:, ranked] @ data.rankings[ranked]
    w = _concordance(rank_sums, raters, n, counts[:, ranked] @ data.tie_sums[ranked])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_participant_rank = rank_sums[:, participant_col] / raters
    # Spec step 6: 1 when every agency ranks the participant-defined outcome first, 0 last.
    p = 1.0 - (mean_participant_rank - 1.0) / (n - 1)
    # Agreement needs at least two raters; P is held to the same rule so that one agency's
    # ranking never stands in for the partnership's. (W alone can still be undefined, when
    # every ranking is one big tie.)
    enough = raters >= 2
    out[:, _W_COL] = np.where(enough, w, np.nan)
    out[:, _P_COL] = np.where(enough, p, np.nan)
    return out


def _index(components: np.ndarray, weights: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """100 * weighted mean of the components present; weights renormalised over them."""
    present = ~np.isnan(components) & allowed
    weight = present.astype(float) @ weights
    total = np.where(present, components, 0.0) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(weight > 0, 100.0 * total / weight, np.nan)
    return np.clip(index, 0.0, 100.0)


def _bootstrap_counts(n_agencies: int, n_resamples: int, seed: int) -> np.ndarray:
    """(n_resamples, k) multiplicities of agencies drawn with replacement.

    Draws are rng.integers(0, k, size=(n_resamples, k)) over agencies in canonical order, with
    rng = numpy.random.default_rng(seed): the same seed always gives the same scorecard.
    """
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_agencies, size=(n_resamples, n_agencies))
    offsets = (np.arange(n_resamples) * n_agencies)[:, None]
    flat = np.bincount((draws + offsets).ravel(), minlength=n_resamples * n_agencies)
    return flat.reshape(n_resamples, n_agencies).astype(float)


def _divergent_items(
    instrument: Instrument, data: _AgencyData, limit: int
) -> tuple[DivergentItem, ...]:
    """Spec step 12: spread of agency means per item, most divergent first."""
    found: list[DivergentItem] = []
    for j, item in enumerate(instrument.items):
        column = data.item_means[:, j]
        present = ~np.isnan(column)
        if np.sum(present) < 2:
            continue  # spread between agencies needs two agencies
        values = column[present]
        found.append(
            DivergentItem(
                code=item.code,
                dimension=item.dimension,
                range=float(values.max() - values.min()),
                sd=float(np.std(values, ddof=0)),
                agency_means={
                    label: float(mean)
                    for label, mean in zip(data.labels, column, strict=True)
                    if not math.isnan(mean)
                },
            )
        )
    found.sort(key=lambda d: (-d.range, -d.sd, d.code))
    return tuple(found[:limit])


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _insufficient(instrument: Instrument, n_agencies: int, n_respondents: int) -> Scorecard:
    # Spec step 11: with fewer than 2 agencies nothing is a partnership result, so no numbers.
    return Scorecard(
        status="insufficient",
        index=None,
        band=None,
        interval=None,
        uncertain=False,
        dimensions=dict.fromkeys(DIMENSIONS),
        components=dict.fromkeys(INDEX_COMPONENTS),
        kendall_w=None,
        chi_square=None,
        p_value=None,
        client_priority=None,
        rwg=dict.fromkeys(DIMENSIONS),
        divergent_items=(),
        agencies=(),
        n_agencies=n_agencies,
        n_respondents=n_respondents,
        scoring_version=SCORING_VERSION,
        instrument_version=str(instrument.version),
    )


def score_round(
    instrument: Instrument,
    respondents: Sequence[Respondent],
    *,
    seed: int = 20000,
    n_resamples: int = 1000,
    n_divergent: int = 5,
) -> Scorecard:
    """Score one survey round of one partnership (MODEL.md "Scoring specification")."""
    if not _is_int(n_resamples) or n_resamples < 0:
        raise ScoringInputError(f"n_resamples must be a non-negative integer, got {n_resamples!r}")
    if not _is_int(n_divergent) or n_divergent < 0:
        raise ScoringInputError(f"n_divergent must be a non-negative integer, got {n_divergent!r}")
    respondents = list(respondents)
    _validate_respondents(instrument, respondents)
    groups = _group_by_agency(respondents)
    if len(groups) < 2:
        return _insufficient(instrument, len(groups), len(respondents))

    data = _agency_data(instrument, groups)
    k = len(groups)
    option_codes = [option.code for option in instrument.ranking_options]
    participant_col = option_codes.index(instrument.participant_option.code)
    weights = np.array([float(instrument.weights[c]) for c in INDEX_COMPONENTS])

    ones = np.ones((1, k))
    dimensions = _partnership_dimensions(ones, data.dims)[0]
    components = _components(ones, data, participant_col)[0]
    available = ~np.isnan(components)
    index = float(_index(components[None, :], weights, available)[0])
    index_value = None if math.isnan(index) else index

    w = components[_W_COL]
    chi_square = p_value = None
    if not math.isnan(w):
        chi_square, p_value = _chi_square_p(
            float(w), int(data.has_ranking.sum()), len(option_codes)
        )

    interval: tuple[float, float] | None = None
    if index_value is not None and n_resamples > 0:
        counts = _bootstrap_counts(k, n_resamples, seed)
        # Same component set as the point estimate: the bootstrap varies the data, not the
        # definition (e.g. one ranking agency drawn twice must not bring W into the index).
        resampled = _index(_components(counts, data, participant_col), weights, available)
        resampled = resampled[~np.isnan(resampled)]
        if resampled.size:
            low, high = np.percentile(resampled, [2.5, 97.5])
            interval = (float(low), float(high))

    # Band and uncertainty come from the rounded numbers the scorecard shows, so a displayed
    # 80.0 can never sit in the band below.
    band = None if index_value is None else band_for(_round(index_value))
    uncertain = interval is not None and band_for(_round(interval[0])) != band_for(
        _round(interval[1])
    )

    dimension_cols = _dimension_columns(instrument)
    rwg = {
        dim: rwg_j(data.item_means[:, dimension_cols[dim]]) if dimension_cols[dim].size else None
        for dim in DIMENSIONS
    }
    agencies = tuple(
        AgencyScore(
            agency=data.labels[a],
            n_respondents=data.sizes[a],
            dimensions={dim: _none_if_nan(data.dims[a, d]) for d, dim in enumerate(DIMENSIONS)},
            ranking=(
                {code: float(r) for code, r in zip(option_codes, data.rankings[a], strict=True)}
                if data.has_ranking[a]
                else None
            ),
        )
        for a in range(k)
    )
    return Scorecard(
        status="ok" if index_value is not None else "insufficient",
        index=index_value,
        band=band,
        interval=interval,
        uncertain=bool(uncertain),
        dimensions={dim: _none_if_nan(v) for dim, v in zip(DIMENSIONS, dimensions, strict=True)},
        components={c: _none_if_nan(v) for c, v in zip(INDEX_COMPONENTS, components, strict=True)},
        kendall_w=_none_if_nan(w),
        chi_square=chi_square,
        p_value=p_value,
        client_priority=_none_if_nan(components[_P_COL]),
        rwg=rwg,
        divergent_items=_divergent_items(instrument, data, n_divergent),
        agencies=agencies,
        n_agencies=k,
        n_respondents=len(respondents),
        scoring_version=SCORING_VERSION,
        instrument_version=str(instrument.version),
    )


def alpha_by_dimension(
    instrument: Instrument, respondents: Sequence[Respondent], *, minimum: int = 10
) -> dict[str, float | None]:
    """Spec step 13: Cronbach's alpha per dimension over respondents' item scores.

    Respondents are pooled (not grouped by agency): alpha is a property of the scale. None for
    every dimension with fewer than `minimum` respondents.
    """
    respondents = list(respondents)
    _validate_respondents(instrument, respondents)
    if len(respondents) < minimum:
        return dict.fromkeys(DIMENSIONS)
    scores = _item_scores(instrument, _answer_matrix(instrument, respondents))
    columns = _dimension_columns(instrument)
    return {dim: cronbach_alpha(scores[:, columns[dim]]) for dim in DIMENSIONS}
