"""The array forms the bulk rescore scores from: rankings given as ranks, rounds scored
together, and the statistics computed without numpy's and scipy's per-call wrappers, held to
what those wrappers give."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from reports.scoring import (
    RoundAnswers,
    ScoringInputError,
    engine,
    likert_alpha_sums,
    score_answers,
    score_answers_many,
)
from reports.scoring.engine import _exact_group_means
from reports.scoring.statistics import _average_ranks, _chi_square_p, rwg_by_dimension, rwg_j
from tests.reports.test_scoring import hand_round, small_instrument

OPTIONS = ("participant_needs", "reduce_offending", "ete_participation")


def hand_answers(rankings) -> RoundAnswers:
    respondents = hand_round()
    codes = [item.code for item in small_instrument().items]
    likert = np.array(
        [[np.nan if r.answers.get(c) is None else r.answers[c] for c in codes] for r in respondents]
    )
    return RoundAnswers(agencies=[r.agency for r in respondents], likert=likert, rankings=rankings)


def test_rankings_given_as_ranks_score_as_the_same_rankings_given_as_mappings():
    mappings = [r.ranking for r in hand_round()]
    ranks = np.array([[1, 2, 3], [2, 1, 3], [3, 1, 2]], dtype=np.float64)  # in OPTIONS' order
    assert [dict(zip(OPTIONS, row, strict=True)) for row in ranks.tolist()] == mappings
    instrument = small_instrument()

    as_ranks = score_answers(instrument, hand_answers(ranks))

    assert as_ranks == score_answers(instrument, hand_answers(mappings))
    # By hand: yot's two respondents rank (1, 2, 3) and (2, 1, 3); their mean ranks
    # (1.5, 1.5, 3) re-ranked with the tie averaged. Agencies come in label order: college, yot.
    assert as_ranks.agencies[1].agency == "yot"
    assert as_ranks.agencies[1].ranking == {
        "participant_needs": 1.5,
        "reduce_offending": 1.5,
        "ete_participation": 3.0,
    }


def test_a_row_of_no_ranking_is_a_respondent_without_one():
    with_none = [*(r.ranking for r in hand_round()[:2]), None]
    ranks = np.array([[1, 2, 3], [2, 1, 3], [np.nan] * 3])

    assert score_answers(small_instrument(), hand_answers(ranks)) == score_answers(
        small_instrument(), hand_answers(with_none)
    )


@pytest.mark.parametrize(
    "bad_row",
    [[1, 1, 3], [1, 2, np.nan], [0, 1, 2], [1, 2, 4], [1.5, 2, 3]],
    ids=["a rank twice", "a rank missing", "rank 0", "rank above n", "a fraction"],
)
def test_ranks_that_are_not_each_rank_once_are_refused(bad_row):
    ranks = np.array([[1, 2, 3], bad_row, [3, 1, 2]], dtype=float)

    with pytest.raises(ScoringInputError, match=r"respondent #1 \(agency 'yot'\).*1\.\.3"):
        score_answers(small_instrument(), hand_answers(ranks))


def test_ranks_of_another_shape_are_refused():
    with pytest.raises(ScoringInputError, match="one row of 3 options per respondent"):
        score_answers(small_instrument(), hand_answers(np.ones((3, 4))))


def random_round(rng: np.random.Generator, n_agencies: int) -> RoundAnswers:
    """A round of the small instrument: 1-4 respondents per agency in shuffled order, some
    answers missing (from none to most), some respondents without a ranking."""
    agencies = [a for a in range(n_agencies) for _ in range(int(rng.integers(1, 5)))]
    rng.shuffle(agencies)
    likert = rng.integers(1, 6, size=(len(agencies), 4)).astype(float)
    likert[rng.random(likert.shape) < rng.choice([0.0, 0.1, 0.5, 0.9])] = np.nan
    ranks = np.array([rng.permutation(3) + 1 for _ in agencies], dtype=float)
    ranks[rng.random(len(agencies)) < rng.choice([0.0, 0.3, 1.0])] = np.nan
    return RoundAnswers(agencies=agencies, likert=likert, rankings=ranks)


@pytest.mark.parametrize("seed", range(4))
def test_rounds_scored_together_score_as_each_round_alone_to_the_bit(seed):
    """Mixed sizes (one agency: insufficient; several rounds with as many agencies share a
    stack), sparse answers and missing rankings, more rounds of one size than one stack."""
    rng = np.random.default_rng(seed)
    sizes = [int(rng.integers(1, 9)) for _ in range(40)] + [5] * (engine._STACK_ROUNDS + 3)
    rounds = [random_round(rng, n_agencies) for n_agencies in sizes]

    together = score_answers_many(small_instrument(), rounds)

    alone = [score_answers(small_instrument(), answers) for answers in rounds]
    assert together == alone  # dataclass equality: every float equal, not approximately
    statuses = {card.status for card in alone}
    assert statuses == {"ok", "insufficient"}
    assert sum(card.interval is not None for card in alone) > len(rounds) // 2


def test_a_round_that_cannot_be_scored_gets_its_error_and_the_others_are_scored():
    rng = np.random.default_rng(11)
    good = [random_round(rng, 4) for _ in range(3)]
    bad_likert = good[0].likert.copy()
    bad_likert[1, 2] = 7
    bad = RoundAnswers(agencies=good[0].agencies, likert=bad_likert, rankings=good[0].rankings)

    results = score_answers_many(small_instrument(), [good[0], bad, good[1], good[2]])

    assert isinstance(results[1], ScoringInputError)
    assert "must be an integer 1..5" in str(results[1])
    assert results[0] == score_answers(small_instrument(), good[0])
    assert results[2:] == [score_answers(small_instrument(), answers) for answers in good[1:]]
    with pytest.raises(ScoringInputError, match="must be an integer 1..5"):
        score_answers(small_instrument(), bad)


def test_average_ranks_are_scipys_average_ranks():
    rng = np.random.default_rng(3)
    for _ in range(200):
        rows, n = int(rng.integers(1, 12)), int(rng.integers(2, 10))
        values = rng.integers(1, n + 1, (rows, n)) / rng.integers(1, 4, (rows, 1))

        assert np.array_equal(
            _average_ranks(values), stats.rankdata(values, method="average", axis=1)
        )
    assert _average_ranks(np.array([[2.0, 1.0, 2.0]])).tolist() == [[2.5, 1.0, 2.5]]


def test_the_p_value_is_scipys_chi_square_survival():
    for w, m, n in [(0.0, 2, 3), (0.31, 5, 8), (0.9, 12, 9), (1.0, 40, 6)]:
        chi_square, p_value = _chi_square_p(w, m, n)

        assert chi_square == m * (n - 1) * w
        assert p_value == float(stats.chi2.sf(chi_square, n - 1))


def test_rwg_by_dimension_is_rwg_j_of_each_dimension_to_the_bit():
    rng = np.random.default_rng(11)
    for _ in range(300):
        k, per_dimension = int(rng.integers(1, 16)), int(rng.integers(1, 7))
        means = rng.integers(4, 21, (k, 3 * per_dimension)) / 4.0
        means[rng.random(means.shape) < rng.choice([0.0, 0.2, 0.7])] = np.nan
        columns = [np.arange(d * per_dimension, (d + 1) * per_dimension) for d in range(3)]
        columns.append(np.array([], dtype=int))  # a dimension without items

        expected = [rwg_j(means[:, cols]) if cols.size else None for cols in columns]

        assert rwg_by_dimension(means, columns) == expected


def test_alpha_sums_of_a_likert_matrix_by_hand():
    # small_instrument: a1, a2 (reverse) in aims; o1, o2 in outcomes; no other dimension.
    likert = np.array([[5, 1, 3, np.nan], [4, 2, 2, 2], [3, 3, 1, 5]])

    sums = likert_alpha_sums(small_instrument(), likert)

    # aims points: (4, 4), (3, 3), (2, 2); outcomes: the first respondent did not answer o2.
    assert sums == {
        "aims": [3, 8 + 6 + 4, 64 + 36 + 16, 9, 9, 16 + 9 + 4, 16 + 9 + 4],
        "outcomes": [2, 2 + 4, 4 + 16, 1, 5, 1 + 0, 1 + 16],
    }


def test_exact_group_means_are_means_of_correctly_rounded_sums():
    rng = np.random.default_rng(5)
    for _ in range(300):
        sizes = [int(v) for v in rng.integers(1, rng.choice([5, 70]), int(rng.integers(1, 8)))]
        starts = np.cumsum([0, *sizes[:-1]])
        # Dimension scores (a whole number of quarter points over 1 to 6 items), and some
        # values far apart in magnitude, where the sums fall back to fsum.
        values = rng.integers(0, 25, (sum(sizes), 3)) / (4.0 * rng.integers(1, 7, (sum(sizes), 3)))
        if rng.random() < 0.3:
            values[:, 2] *= 2.0 ** rng.integers(-30, 30, sum(sizes))
        values[rng.random(values.shape) < 0.2] = np.nan

        expected = np.full((len(sizes), 3), np.nan)
        for a, (start, size) in enumerate(zip(starts, sizes, strict=True)):
            for d in range(3):
                kept = [v for v in values[start : start + size, d].tolist() if v == v]
                if kept:
                    expected[a, d] = math.fsum(kept) / len(kept)

        assert np.array_equal(_exact_group_means(values, starts, sizes), expected, equal_nan=True)
