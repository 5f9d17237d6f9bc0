"""Scoring a round: agency aggregation, the index, the bootstrap and divergence."""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import cast

import numpy as np

from .model import (
    _N_DIMS,
    _N_INDEX_DIMS,
    _P_COL,
    _W_COL,
    DIMENSIONS,
    INDEX_COMPONENTS,
    LIKERT_MAX,
    LIKERT_MIN,
    RELIABILITY_MINIMUM,
    SCORING_VERSION,
    Instrument,
    Respondent,
    RoundAnswers,
    ScoringInputError,
    _dimension_columns,
    _is_int,
    _layout,
    _ranking_matrix,
    _validate_likert,
    _validate_respondents,
    band_for,
)
from .results import (
    AgencyScore,
    DivergentItem,
    Scorecard,
    _round,
)
from .statistics import (
    _average_ranks,
    _chi_square_p,
    _concordance,
    _tie_sums,
    cronbach_alpha,
    rwg_by_dimension,
)

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


def _group_rows(agencies: Sequence[Hashable]) -> list[tuple[Hashable, list[int]]]:
    """Each agency with its rows, agencies in canonical order, rows in the order given."""
    groups: dict[Hashable, list[int]] = {}
    for row, agency in enumerate(agencies):
        groups.setdefault(agency, []).append(row)
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
    reverse = _layout(instrument).reverse
    return np.where(reverse, LIKERT_MAX - answers, answers - LIKERT_MIN) / (LIKERT_MAX - LIKERT_MIN)


def _respondent_dimension_scores(instrument: Instrument, scores: np.ndarray) -> np.ndarray:
    """Spec step 2: mean of answered items; NaN if fewer than half the items were answered."""
    layout = _layout(instrument)
    out = np.full((scores.shape[0], _N_DIMS), np.nan)
    if not layout.group_sizes.size:
        return out
    block = scores[:, layout.grouped]
    present = ~np.isnan(block)
    answered = np.add.reduceat(present.astype(np.intp), layout.group_starts, axis=1)
    # Item scores are multiples of 1/4, so these sums are exact in any order.
    totals = np.add.reduceat(np.where(present, block, 0.0), layout.group_starts, axis=1)
    enough = answered * 2 >= layout.group_sizes  # also excludes answered == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, layout.group_dims] = np.where(enough, totals / answered, np.nan)
    return out


def _exact_group_means(values: np.ndarray, starts: np.ndarray, sizes: list[int]) -> np.ndarray:
    """The mean of each group of rows (consecutive, from ``starts``) in each column, NaN left
    out, from a correctly rounded sum (math.fsum's); NaN where a group has no value.
    (n, d) -> (groups, d). Correctly rounded, so respondent order, and duplicating every
    respondent, cannot move an agency score by even one ulp.

    Every column at once, in integers: a double is an integer times a power of two, so
    scaled by the smallest power present every value is an integer, their sum is exact, and
    converting it back rounds once, to nearest, as fsum does. When the sum could overflow
    64 bits (values far apart in magnitude, or large groups) each group is summed by fsum.
    """
    present = ~np.isnan(values)
    counts = np.add.reduceat(present.astype(np.int64), starts, axis=0)
    filled = np.where(present, values, 0.0)
    nonzero = filled[filled != 0.0]
    sums = np.zeros(counts.shape)
    if nonzero.size:
        _, exponents = np.frexp(nonzero)  # |v| = f * 2^e, 0.5 <= f < 1: v / 2^(e - 53) whole
        low, high = int(exponents.min()), int(exponents.max())
        if 53 + high - low + int(counts.max()).bit_length() <= 63:
            whole = np.ldexp(filled, 53 - low).astype(np.int64)
            totals = np.add.reduceat(whole, starts, axis=0)
            sums = np.ldexp(totals.astype(np.float64), low - 53)
        else:
            columns = values.T.tolist()
            for d, column in enumerate(columns):
                for a, (start, size) in enumerate(zip(starts.tolist(), sizes, strict=True)):
                    kept = [v for v in column[start : start + size] if v == v]  # not NaN
                    if kept:
                        sums[a, d] = math.fsum(kept)
    with np.errstate(invalid="ignore", divide="ignore"):
        means: np.ndarray = np.where(counts > 0, sums / counts, np.nan)
    return means


def _agency_data(
    instrument: Instrument,
    rounds: Sequence[tuple[list[tuple[Hashable, list[int]]], np.ndarray, np.ndarray]],
) -> list[_AgencyData]:
    """Spec steps 2, 3 and 5's agency rankings, for several rounds (their agency groups,
    Likert matrix and ranks) in one pass: every respondent row of every round, grouped by
    round and then agency. A group's figures depend on its own rows alone (sums along its
    rows in their order, or exact), so a round comes out the same whatever it is read with."""
    order: list[int] = []
    sizes: list[int] = []
    offset = 0
    for groups, likert, _ranks in rounds:
        for _agency, rows in groups:
            order += [offset + row for row in rows]
            sizes.append(len(rows))
        offset += likert.shape[0]
    rows_in_order = np.array(order, dtype=np.intp)
    starts = np.cumsum([0, *sizes[:-1]])
    answers = np.concatenate([likert for _groups, likert, _ranks in rounds])[rows_in_order]
    ranks = np.concatenate([ranks for _groups, _likert, ranks in rounds])[rows_in_order]
    respondent_dims = _respondent_dimension_scores(instrument, _item_scores(instrument, answers))
    k = len(sizes)

    dims = _exact_group_means(respondent_dims, starts, sizes)
    # Sums of small integers are exact, so these means are order-independent too.
    present = ~np.isnan(answers)
    answered = np.add.reduceat(present.astype(np.int64), starts, axis=0)
    totals = np.add.reduceat(np.where(present, answers, 0.0), starts, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        item_means = np.where(answered > 0, totals / answered, np.nan)

    ranked = ~np.isnan(ranks[:, 0])
    n_ranked = np.add.reduceat(ranked.astype(np.int64), starts)
    rank_totals = np.add.reduceat(np.where(ranked[:, None], ranks, 0.0), starts, axis=0)
    has_ranking = n_ranked > 0
    rankings = np.full((k, ranks.shape[1]), np.nan)
    tie_sums = np.zeros(k)
    if has_ranking.any():
        # Spec step 5: the agency's ranking = mean ranks re-ranked with ties averaged.
        mean_ranks = rank_totals[has_ranking] / n_ranked[has_ranking][:, None]
        rankings[has_ranking] = _average_ranks(mean_ranks)
        tie_sums[has_ranking] = _tie_sums(rankings[has_ranking])
    out = []
    first = 0
    for groups, _likert, _ranks in rounds:
        last = first + len(groups)
        out.append(
            _AgencyData(
                labels=tuple(str(agency) for agency, _rows in groups),
                sizes=tuple(sizes[first:last]),
                dims=dims[first:last],
                item_means=item_means[first:last],
                rankings=rankings[first:last],
                has_ranking=has_ranking[first:last],
                tie_sums=tie_sums[first:last],
            )
        )
        first = last
    return out


@dataclass(frozen=True)
class _AgencyStack:
    """The agency figures of rounds with as many agencies, stacked: (rounds, k, ...)."""

    dims: np.ndarray
    rankings: np.ndarray
    has_ranking: np.ndarray
    tie_sums: np.ndarray


def _stacked(datas: Sequence[_AgencyData]) -> _AgencyStack:
    return _AgencyStack(
        dims=np.stack([data.dims for data in datas]),
        rankings=np.stack([data.rankings for data in datas]),
        has_ranking=np.stack([data.has_ranking for data in datas]),
        tie_sums=np.stack([data.tie_sums for data in datas]),
    )


def _partnership_dimensions(counts: np.ndarray, dims: np.ndarray) -> np.ndarray:
    """Spec step 4 for every row of agency multiplicities: (B, k) -> (B, 6), or for a stack
    of rounds' agency scores (rounds, k, 6) -> (rounds, B, 6).

    An agency counts once per draw whatever its number of respondents (step 3); agencies
    without a score for a dimension drop out of that dimension's mean. A stacked product
    makes the same BLAS call per round as the round alone, so the same bits.
    """
    present = ~np.isnan(dims)
    total = counts @ np.where(present, dims, 0.0)
    weight = counts @ present.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight > 0, total / weight, np.nan)


def _components(counts: np.ndarray, data: _AgencyStack, participant_col: int) -> np.ndarray:
    """The 7 index components for every row of agency multiplicities, for each round of the
    stack: (B, k) -> (rounds, B, 7).

    The point estimate is the row of ones; a bootstrap resample is the row of how often each
    agency was drawn, so an agency drawn twice counts twice, also as two raters in W.
    """
    dimensions = _partnership_dimensions(counts, data.dims)
    out = np.full((*dimensions.shape[:-1], len(INDEX_COMPONENTS)), np.nan)
    out[..., :_N_INDEX_DIMS] = dimensions[..., :_N_INDEX_DIMS]
    if not data.has_ranking.any():
        return out
    n = data.rankings.shape[-1]
    ranked = data.has_ranking
    # Agencies without a ranking weigh 0. Counts are whole, ranks half-integers and tie sums
    # whole, so these products and sums are exact: the same numbers as over the ranking
    # agencies alone.
    raters = (counts @ ranked[..., None].astype(float))[..., 0]
    rank_sums = counts @ np.where(ranked[..., None], data.rankings, 0.0)
    ties = (counts @ data.tie_sums[..., None])[..., 0]
    w = _concordance(rank_sums, raters, n, ties)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_participant_rank = rank_sums[..., participant_col] / raters
    # Spec step 6: 1 when every agency ranks the participant-defined outcome first, 0 last.
    p = 1.0 - (mean_participant_rank - 1.0) / (n - 1)
    # Agreement needs at least two raters; P is held to the same rule so that one agency's
    # ranking never stands in for the partnership's. (W alone can still be undefined, when
    # every ranking is one big tie.)
    enough = raters >= 2
    out[..., _W_COL] = np.where(enough, w, np.nan)
    out[..., _P_COL] = np.where(enough, p, np.nan)
    return out


def _index(components: np.ndarray, weights: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """100 * weighted mean of the components present; weights renormalised over them."""
    present = ~np.isnan(components) & allowed
    weight = present.astype(float) @ weights
    total = np.where(present, components, 0.0) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(weight > 0, 100.0 * total / weight, np.nan)
    return np.clip(index, 0.0, 100.0)


@functools.lru_cache(maxsize=64)
def _bootstrap_counts(n_agencies: int, n_resamples: int, seed: int) -> np.ndarray:
    """(n_resamples, k) multiplicities of agencies drawn with replacement.

    Draws are rng.integers(0, k, size=(n_resamples, k)) over agencies in canonical order, with
    rng = numpy.random.default_rng(seed): the same seed always gives the same scorecard. So
    the draws depend on k alone for a given seed, and rounds with as many agencies share them
    (kept, read-only, for the last 64 shapes: at most 64 x 1,000 x k floats).
    """
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_agencies, size=(n_resamples, n_agencies))
    offsets = (np.arange(n_resamples) * n_agencies)[:, None]
    flat = np.bincount((draws + offsets).ravel(), minlength=n_resamples * n_agencies)
    counts = flat.reshape(n_resamples, n_agencies).astype(float)
    counts.setflags(write=False)
    return counts


def _divergent_items(
    instrument: Instrument, data: _AgencyData, limit: int
) -> tuple[DivergentItem, ...]:
    """Spec step 12: spread of agency means per item, most divergent first."""
    means = data.item_means
    n_present = np.sum(~np.isnan(means), axis=0)
    spread = np.full(means.shape[1], np.nan)
    sd = np.full(means.shape[1], np.nan)
    every = n_present == means.shape[0]  # the common case, all items at once: one row each
    if every.any():
        rows = np.ascontiguousarray(means[:, every].T)
        spread[every] = rows.max(axis=1) - rows.min(axis=1)
        sd[every] = np.std(rows, axis=1, ddof=0)
    for j in np.flatnonzero(~every & (n_present >= 2)).tolist():
        values = means[~np.isnan(means[:, j]), j]
        spread[j] = values.max() - values.min()
        sd[j] = np.std(values, ddof=0)
    # Spread between agencies needs two agencies.
    ranked = sorted(
        (-r, -s, item.code, j)
        for j, (item, r, s, n) in enumerate(
            zip(instrument.items, spread.tolist(), sd.tolist(), n_present.tolist(), strict=True)
        )
        if n >= 2
    )
    found = []
    for neg_range, neg_sd, code, j in ranked[:limit]:
        item = instrument.items[j]
        found.append(
            DivergentItem(
                code=code,
                dimension=item.dimension,
                range=-neg_range,
                sd=-neg_sd,
                agency_means={
                    label: mean
                    for label, mean in zip(data.labels, means[:, j].tolist(), strict=True)
                    if mean == mean  # not NaN
                },
            )
        )
    return tuple(found)


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


def _shown_band(value: float) -> str:
    """The band of a value as the scorecard shows it, rounded."""
    shown = _round(value)
    if shown is None:  # not finite: refused as band_for refuses anything but a number
        raise ScoringInputError(f"index must be a number in [0, 100], got {value!r}")
    return band_for(shown)


def score_round(
    instrument: Instrument,
    respondents: Sequence[Respondent],
    *,
    seed: int = 20000,
    n_resamples: int = 1000,
    n_divergent: int = 5,
) -> Scorecard:
    """Score one survey round of one partnership (README.md, "Scoring a round").

    In an anonymous round the caller passes only the groups that count (specification 1.1:
    small groups pooled under one label, or left out), so every figure comes from them alone.
    The respondents are checked and turned into arrays, then scored by ``score_answers``: the
    one computation of a scorecard, which the bulk rescore calls with arrays it read itself.
    """
    respondents = list(respondents)
    _validate_respondents(instrument, respondents)
    answers = RoundAnswers(
        agencies=[respondent.agency for respondent in respondents],
        likert=_answer_matrix(instrument, respondents),
        rankings=[respondent.ranking for respondent in respondents],
    )
    return score_answers(
        instrument, answers, seed=seed, n_resamples=n_resamples, n_divergent=n_divergent
    )


def score_answers(
    instrument: Instrument,
    answers: RoundAnswers,
    *,
    seed: int = 20000,
    n_resamples: int = 1000,
    n_divergent: int = 5,
) -> Scorecard:
    """Score one round given as arrays (``RoundAnswers``); ``score_round`` for Respondents."""
    (card,) = score_answers_many(
        instrument, [answers], seed=seed, n_resamples=n_resamples, n_divergent=n_divergent
    )
    if isinstance(card, ScoringInputError):
        raise card
    return card


# Rounds of a stack are scored together: (rounds, resamples, 7) floats and a few more like it.
_STACK_ROUNDS = 50


def score_answers_many(
    instrument: Instrument,
    rounds: Sequence[RoundAnswers],
    *,
    seed: int = 20000,
    n_resamples: int = 1000,
    n_divergent: int = 5,
) -> list[Scorecard | ScoringInputError]:
    """Score several rounds of one instrument at once, each as ``score_answers`` scores it
    alone, to the bit: a round that cannot be scored gets its ScoringInputError in its place
    and the others are scored.

    Rounds are read into one set of arrays, and rounds with as many agencies share their
    bootstrap draws, so they are resampled as one stack: every reduction runs along the same
    axis in the same order as for the round alone, and each stacked matrix product makes the
    BLAS call the round alone makes.
    """
    if not _is_int(n_resamples) or n_resamples < 0:
        raise ScoringInputError(f"n_resamples must be a non-negative integer, got {n_resamples!r}")
    if not _is_int(n_divergent) or n_divergent < 0:
        raise ScoringInputError(f"n_divergent must be a non-negative integer, got {n_divergent!r}")
    results: list[Scorecard | ScoringInputError | None] = [None] * len(rounds)
    partnerships = []  # (position, groups, likert, ranks) of the rounds with two agencies
    for position, answers in enumerate(rounds):
        try:
            likert = _validate_likert(instrument, answers)
            ranks = _ranking_matrix(instrument, answers)
            groups = _group_rows(answers.agencies)
        except ScoringInputError as error:
            results[position] = error
            continue
        if len(groups) < 2:
            results[position] = _insufficient(instrument, len(groups), len(answers.agencies))
        else:
            partnerships.append((position, groups, likert, ranks))
    datas = (
        _agency_data(
            instrument, [(groups, likert, ranks) for _, groups, likert, ranks in partnerships]
        )
        if partnerships
        else []
    )
    by_size: dict[int, list[int]] = {}
    for at, data in enumerate(datas):
        by_size.setdefault(len(data.labels), []).append(at)
    for ats in by_size.values():
        for first in range(0, len(ats), _STACK_ROUNDS):
            chunk = ats[first : first + _STACK_ROUNDS]
            cards = _stack_score(
                instrument,
                [datas[at] for at in chunk],
                [len(rounds[partnerships[at][0]].agencies) for at in chunk],
                seed=seed,
                n_resamples=n_resamples,
                n_divergent=n_divergent,
            )
            for at, card in zip(chunk, cards, strict=True):
                results[partnerships[at][0]] = card
    return cast("list[Scorecard | ScoringInputError]", results)  # every position filled


def _stack_score(
    instrument: Instrument,
    datas: Sequence[_AgencyData],
    n_respondents: Sequence[int],
    *,
    seed: int,
    n_resamples: int,
    n_divergent: int,
) -> list[Scorecard | ScoringInputError]:
    """The scorecards of rounds with as many agencies (at least two), from their agency
    figures: the point estimates and the bootstrap of every round at once."""
    k = len(datas[0].labels)
    stack = _stacked(datas)
    layout = _layout(instrument)
    participant_col = layout.participant_col
    weights = layout.weights

    ones = np.ones((1, k))
    dimensions = _partnership_dimensions(ones, stack.dims)[:, 0]
    components = _components(ones, stack, participant_col)[:, 0]
    available = ~np.isnan(components)[:, None, :]  # per round, (1, 7)
    index = _index(components[:, None, :], weights, available)[:, 0]
    has_index = ~np.isnan(index)

    intervals: list[tuple[float, float] | None] = [None] * len(datas)
    if n_resamples > 0 and has_index.any():
        counts = _bootstrap_counts(k, n_resamples, seed)
        # Same component set as the point estimate: the bootstrap varies the data, not the
        # definition (e.g. one ranking agency drawn twice must not bring W into the index).
        resampled = _index(_components(counts, stack, participant_col), weights, available)
        defined = ~np.isnan(resampled)
        every = defined.all(axis=1) & has_index
        if every.any():  # the common case: every resample has an index, percentiles at once
            low, high = np.percentile(resampled[every], [2.5, 97.5], axis=1).tolist()
            for r, bounds in zip(
                np.flatnonzero(every).tolist(), zip(low, high, strict=True), strict=True
            ):
                intervals[r] = bounds
        for r in np.flatnonzero(has_index & ~every).tolist():
            kept = resampled[r][defined[r]]
            if kept.size:
                low_r, high_r = np.percentile(kept, [2.5, 97.5])
                intervals[r] = (float(low_r), float(high_r))

    cards: list[Scorecard | ScoringInputError] = []
    for r, data in enumerate(datas):
        try:
            cards.append(
                _scorecard(
                    instrument,
                    data,
                    n_respondents=n_respondents[r],
                    dimensions=dimensions[r].tolist(),
                    components=components[r].tolist(),
                    index=float(index[r]),
                    interval=intervals[r],
                    n_divergent=n_divergent,
                )
            )
        except ScoringInputError as error:
            cards.append(error)
    return cards


def _scorecard(
    instrument: Instrument,
    data: _AgencyData,
    *,
    n_respondents: int,
    dimensions: list[float],
    components: list[float],
    index: float,
    interval: tuple[float, float] | None,
    n_divergent: int,
) -> Scorecard:
    """One round's scorecard from its agency figures, point estimates and interval."""
    layout = _layout(instrument)
    option_codes = layout.option_codes
    index_value = None if math.isnan(index) else index
    w = components[_W_COL]
    chi_square = p_value = None
    if not math.isnan(w):
        chi_square, p_value = _chi_square_p(w, int(data.has_ranking.sum()), len(option_codes))

    # Band and uncertainty come from the rounded numbers the scorecard shows, so a displayed
    # 80.0 can never sit in the band below.
    band = None if index_value is None else _shown_band(index_value)
    uncertain = interval is not None and _shown_band(interval[0]) != _shown_band(interval[1])

    dimension_cols = layout.dimension_columns
    rwg = dict(
        zip(
            DIMENSIONS,
            rwg_by_dimension(data.item_means, [dimension_cols[dim] for dim in DIMENSIONS]),
            strict=True,
        )
    )
    dims_of = data.dims.tolist()
    rankings_of = data.rankings.tolist()
    has_ranking = data.has_ranking.tolist()
    agencies = tuple(
        AgencyScore(
            agency=data.labels[a],
            n_respondents=data.sizes[a],
            dimensions={
                dim: None if v != v else v for dim, v in zip(DIMENSIONS, dims_of[a], strict=True)
            },
            ranking=(
                dict(zip(option_codes, rankings_of[a], strict=True)) if has_ranking[a] else None
            ),
        )
        for a in range(len(data.labels))
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
        n_agencies=len(data.labels),
        n_respondents=n_respondents,
        scoring_version=SCORING_VERSION,
        instrument_version=str(instrument.version),
    )


def alpha_by_dimension(
    instrument: Instrument, respondents: Sequence[Respondent], *, minimum: int = RELIABILITY_MINIMUM
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
