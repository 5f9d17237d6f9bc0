"""The instrument, respondents and bands as the scoring sees them, and input checks."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np

SCORING_VERSION = "1.1"  # 1.1: the small-number rule of anonymous rounds

DIMENSIONS = ("aims", "outcomes", "client_focus", "information", "awareness", "structure")
# structure is a sustainability risk shown beside the index, not part of it (README.md).
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
RELIABILITY_MINIMUM = 10  # step 13: alpha is shown once at least this many respondents

_N_DIMS = len(DIMENSIONS)
_N_INDEX_DIMS = len(INDEX_DIMENSIONS)
_W_COL = INDEX_COMPONENTS.index("kendall_w")
_P_COL = INDEX_COMPONENTS.index("client_priority")


class ScoringInputError(ValueError):
    """The input cannot be scored; the message names the offending value."""


def default_weights() -> dict[str, float]:
    """Equal weights, 1/7 per index component (README.md, step 8)."""
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


def _dimension_columns(instrument: Instrument) -> dict[str, np.ndarray]:
    return {
        dim: np.array([j for j, it in enumerate(instrument.items) if it.dimension == dim], int)
        for dim in DIMENSIONS
    }


@dataclass(frozen=True)
class _Layout:
    """What scoring needs of an instrument, worked out once per instrument, not per round."""

    reverse: np.ndarray  # (items,) bool
    dimension_columns: dict[str, np.ndarray]
    # The items grouped by dimension (dimensions with items only), where each group starts,
    # its size, and which of the six dimensions it is.
    grouped: np.ndarray
    group_starts: np.ndarray
    group_sizes: np.ndarray
    group_dims: np.ndarray
    option_codes: list[str]
    participant_col: int
    weights: np.ndarray


_layouts: dict[int, tuple[Instrument, _Layout]] = {}  # instrument id -> its layout


def _layout(instrument: Instrument) -> _Layout:
    # Keyed by identity (an Instrument's weights are a mapping, so it is not hashable); the
    # instrument is kept with its layout, so its id cannot be reused while the entry lives.
    cached = _layouts.get(id(instrument))
    if cached is not None and cached[0] is instrument:
        return cached[1]
    columns = _dimension_columns(instrument)
    present = [(d, cols) for d, cols in enumerate(columns.values()) if cols.size]
    sizes = np.array([cols.size for _, cols in present], dtype=np.intp)
    option_codes = [option.code for option in instrument.ranking_options]
    layout = _Layout(
        reverse=np.array([item.reverse for item in instrument.items], dtype=bool),
        dimension_columns=columns,
        grouped=np.concatenate([cols for _, cols in present] or [np.zeros(0, int)]),
        group_starts=np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp),
        group_sizes=sizes,
        group_dims=np.array([d for d, _ in present], dtype=np.intp),
        option_codes=option_codes,
        participant_col=option_codes.index(instrument.participant_option.code),
        weights=np.array([float(instrument.weights[c]) for c in INDEX_COMPONENTS]),
    )
    if len(_layouts) >= 64:
        _layouts.clear()
    _layouts[id(instrument)] = (instrument, layout)
    return layout


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


@dataclass(frozen=True)
class RoundAnswers:
    """One round's respondents as arrays: what every scoring of a round reads.

    Row i is one respondent: ``agencies[i]`` the agency (or group) it counts for, ``likert[i]``
    its raw answers to the instrument's items in their order (NaN: not answered or don't know),
    ``rankings[i]`` its ranking as given (option code -> rank) or None, or row i of an array of
    ranks. ``score_round`` builds this from Respondents; the bulk rescore builds it straight
    from the database, with the ranks PostgreSQL read out of the stored rankings.
    """

    agencies: Sequence[Hashable]
    likert: np.ndarray  # (respondents, items) float
    # As given (a mapping or None per respondent), or already as ranks: a (respondents,
    # options) array in the instrument's option order, a NaN row for no ranking.
    rankings: Sequence[object] | np.ndarray


def _validate_respondents(instrument: Instrument, respondents: Sequence[Respondent]) -> None:
    """Respondent objects and their Likert answers; rankings are checked with the arrays
    (``_ranking_matrix``), the same way whichever way a round arrives."""
    item_codes = {item.code for item in instrument.items}
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


def _validate_likert(instrument: Instrument, answers: RoundAnswers) -> np.ndarray:
    """The answers' Likert matrix as floats, refused unless it is (respondents, items) of
    whole numbers 1..5 or NaN."""
    likert = np.asarray(answers.likert, dtype=float)
    shape = (len(answers.agencies), len(instrument.items))
    if likert.shape != shape or len(answers.rankings) != shape[0]:
        raise ScoringInputError(
            f"answers must hold one Likert row of {shape[1]} items and one ranking per "
            f"respondent, got {likert.shape} for {shape[0]} respondents and "
            f"{len(answers.rankings)} rankings"
        )
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(likert) & (
            (likert < LIKERT_MIN) | (likert > LIKERT_MAX) | (likert != np.floor(likert))
        )
    if bad.any():
        pos, j = (int(v) for v in np.argwhere(bad)[0])
        raise ScoringInputError(
            f"respondent #{pos} (agency {answers.agencies[pos]!r}): answer to "
            f"{instrument.items[j].code!r} must be an integer {LIKERT_MIN}..{LIKERT_MAX} or "
            f"missing, got {likert[pos, j]!r}"
        )
    return likert


def _ranking_matrix(instrument: Instrument, answers: RoundAnswers) -> np.ndarray:
    """(respondents, options) ranks in the instrument's option order, a NaN row for a
    respondent without a ranking; refused unless each ranking ranks exactly the instrument's
    options with each rank 1..n once."""
    codes = [option.code for option in instrument.ranking_options]
    if isinstance(answers.rankings, np.ndarray):
        return _ranks_checked(answers, len(codes))
    option_codes = set(codes)
    full_ranks = list(range(1, len(codes) + 1))
    out = np.full((len(answers.rankings), len(codes)), np.nan)
    for pos, ranking in enumerate(answers.rankings):
        if ranking is None:
            continue
        where = f"respondent #{pos} (agency {answers.agencies[pos]!r})"
        if not isinstance(ranking, Mapping):
            raise ScoringInputError(f"{where}: ranking must be a mapping or None")
        if set(ranking) != option_codes:
            missing = sorted(option_codes - set(ranking))
            unknown = sorted(map(str, set(ranking) - option_codes))
            raise ScoringInputError(
                f"{where}: ranking must rank exactly the instrument's options "
                f"(missing: {missing}, unknown: {unknown})"
            )
        row = [ranking[code] for code in codes]
        # type() is int first: the common case, without the slower checks of _is_int.
        whole = all(type(v) is int for v in row) or all(_is_int(v) for v in row)
        if not whole or sorted(int(v) for v in row) != full_ranks:
            raise ScoringInputError(
                f"{where}: ranking must use each rank 1..{len(full_ranks)} exactly once, "
                f"got {sorted(ranking.values(), key=str)}"
            )
        out[pos] = row
    return out


def _ranks_checked(answers: RoundAnswers, n: int) -> np.ndarray:
    """Rankings given as an array of ranks, refused unless each row is a NaN row or uses each
    rank 1..n exactly once."""
    ranks = np.asarray(answers.rankings, dtype=float)
    if ranks.shape != (len(answers.agencies), n):
        raise ScoringInputError(
            f"ranks must be one row of {n} options per respondent, got {ranks.shape}"
        )
    given = ~np.isnan(ranks).all(axis=1)
    with np.errstate(invalid="ignore"):
        whole = (np.sort(ranks[given], axis=1) == np.arange(1, n + 1)).all(axis=1)
    if not whole.all():
        pos = int(np.flatnonzero(given)[np.argmin(whole)])
        raise ScoringInputError(
            f"respondent #{pos} (agency {answers.agencies[pos]!r}): ranking must use each rank "
            f"1..{n} exactly once, got {ranks[pos].tolist()}"
        )
    return ranks


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
