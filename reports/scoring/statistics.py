"""The statistics of the specification: Kendall's W with ties, rwg(j), Cronbach's alpha."""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

from .model import (
    LIKERT_OPTIONS,
    ScoringInputError,
)


def _tie_sums(ranks: np.ndarray) -> np.ndarray:
    """sum(t^3 - t) over the tie groups of each rater's ranks: (raters, objects) -> (raters,).

    Each of the t members of a tie group is equal to t ranks, itself included, and t^3 - t is
    the sum of t^2 - 1 over them; in integers, so exact.
    """
    equal = np.sum(ranks[:, :, None] == ranks[:, None, :], axis=2)
    sums: np.ndarray = np.sum(equal * equal - 1, axis=1).astype(float)
    return sums


def _concordance(rank_sums: np.ndarray, m: np.ndarray, n: int, tie_sums: np.ndarray) -> np.ndarray:
    """Vectorised Kendall's W with the ties correction, one value per row.

    rank_sums (..., n), m (...) raters, tie_sums (...) summed over raters: (B, n) for one
    round's resamples, (rounds, B, n) for several rounds at once. NaN where the denominator
    is 0 (n == 1, or every rater ties every object): no ranking information, W undefined.
    """
    s = np.sum((rank_sums - m[..., None] * (n + 1) / 2.0) ** 2, axis=-1)
    denominator = m**2 * (n**3 - n) - m * tie_sums
    w = np.full(s.shape, np.nan)
    ok = (m > 0) & (denominator > 0)
    w[ok] = 12.0 * s[ok] / denominator[ok]
    # Ranks are half-integers so the arithmetic is exact; the clip only guards the contract.
    return np.clip(w, 0.0, 1.0)


def _average_ranks(x: np.ndarray) -> np.ndarray:
    """Each row ranked, ties given the mean of their ranks (scipy's rankdata "average"), by
    counting: the values below plus the middle of the tie. Exact, as ranks are half-integers;
    for the few options of a ranking, much cheaper than sorting row by row."""
    below = np.sum(x[:, :, None] > x[:, None, :], axis=2)
    tied = np.sum(x[:, :, None] == x[:, None, :], axis=2)
    ranks: np.ndarray = below + (tied + 1) / 2.0
    return ranks


def _chi_square_p(w: float, m: int, n: int) -> tuple[float, float]:
    chi_square = m * (n - 1) * w
    # chdtrc is what stats.chi2.sf computes (with no loc or scale), without its wrapper.
    p_value = float(special.chdtrc(n - 1, chi_square)) if n > 1 else math.nan
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
    ties = float(_tie_sums(ranks).sum())
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


def rwg_by_dimension(
    item_means: np.ndarray, columns: list[np.ndarray], n_options: int = LIKERT_OPTIONS
) -> list[float | None]:
    """``rwg_j`` of each set of item columns (a dimension's) of the agencies' item means, with
    the same arithmetic as np.nanvar on each dimension's usable columns (same shapes, same
    reductions, so the same bits) but without its wrapper, which cost more than the sums."""
    null_variance = (n_options**2 - 1) / 12.0
    if item_means.shape[0] < 2:
        return [None] * len(columns)
    present = ~np.isnan(item_means)
    counts = np.add.reduce(present, axis=0, dtype=np.intp)
    out: list[float | None] = []
    for cols in columns:
        usable = cols[counts[cols] >= 2]
        j = len(usable)
        if j == 0:
            out.append(None)
            continue
        x = item_means[:, usable]
        mask = ~present[:, usable]
        arr = np.where(mask, 0.0, x)
        cnt = counts[usable]
        arr -= np.add.reduce(arr, axis=0, keepdims=True) / cnt
        arr[mask] = 0.0
        variances = np.add.reduce(arr * arr, axis=0) / (cnt - 1)
        mean_variance = float(np.mean(variances))
        if mean_variance >= null_variance:
            out.append(0.0)
            continue
        ratio = mean_variance / null_variance
        out.append(j * (1 - ratio) / (j * (1 - ratio) + ratio))
    return out


def cronbach_alpha(matrix: np.ndarray) -> float | None:
    """Cronbach's alpha; rows respondents, columns (already scored) items.

    Rows with any NaN are dropped (listwise). None with fewer than 2 items, fewer than 2
    complete rows, or zero variance of the total score (alpha undefined).
    """
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2:
        raise ScoringInputError("matrix must be 2-D (respondents x items)")
    k: int = x.shape[1]
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
