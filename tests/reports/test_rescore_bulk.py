"""The bulk rescore reads rounds into arrays in one pass per batch; its scorecards must be the
ones scoring each round on its own stores (round_score), field for field."""

from __future__ import annotations

import importlib
import random

import numpy as np
import pytest
from django.db import connection

from reports import scoring
from reports.models import Scorecard
from reports.scoring.model import _ranking_matrix as scoring_ranks
from reports.services import rescore, round_score, scoring_instrument
from reports.services.answers import instrument_view, respondents_load
from surveys.models import Answer, ReportingMode
from tests import factories
from tests.reports.test_round_score import CONNECTED_ORDER

# The module, not the function reports.services re-exports under the same name.
rescore_module = importlib.import_module("reports.services.rescore")

STORED = (
    "scoring_version",
    "instrument_version",
    "status",
    "index",
    "band",
    "uncertain",
    "n_agencies",
    "n_respondents",
    "submissions_seen",
    "data",
    "alpha_sums",
    "network",
)


def stored(card: Scorecard | None) -> dict:
    assert card is not None, "no scorecard stored"
    return {field: getattr(card, field) for field in STORED}


def latest(rnd) -> Scorecard:
    card = Scorecard.objects.latest_of_round(rnd)
    assert card is not None, f"round {rnd.pk} has no scorecard"
    return card


def varied(instrument, seed: int) -> dict[str, int]:
    """Likert answers that differ from item to item and from respondent to respondent."""
    codes = instrument.questions.filter(type="likert").order_by("position")
    return {q.code: 1 + (seed * 7 + i * 3) % 5 for i, q in enumerate(codes)}


def rotated(shift: int) -> list[str]:
    return CONNECTED_ORDER[shift:] + CONNECTED_ORDER[:shift]


@pytest.fixture
def sample(cast):
    """Five rounds: attributed with don't knows, anonymous with pooled small groups, one with
    working relationships, one with a single agency, and one with a broken ranking."""
    v1, v2 = factories.instrument_version(1), factories.instrument_version(2)
    names = ["Youth", "College", "Health", "Police"]
    agencies = [factories.agency(cast.authority, f"Bulk {name}") for name in names]
    for agency in agencies:
        factories.membership(cast.partnership, agency)

    attributed = factories.survey_round(cast.project, v1)
    for n, agency in enumerate(agencies * 2):
        factories.submitted_response(
            attributed, agency, likert=varied(v1, n), ranking=rotated(n % 3)
        )
    dont_know = Answer.objects.filter(response__round=attributed, question__type="likert")
    every_seventh = list(dont_know.order_by("pk").values_list("pk", flat=True))[::7]
    Answer.objects.filter(pk__in=every_seventh).update(value=None, dont_know=True)

    anonymous = factories.survey_round(
        cast.project, v1, reporting_mode=ReportingMode.ANONYMOUS, min_group_size=3
    )
    # 3 + 3 respondents count as they are; 1 + 2 are pooled into one group of 3.
    for n, (agency, times) in enumerate(zip(agencies, [3, 3, 1, 2], strict=True)):
        for t in range(times):
            factories.submitted_response(
                anonymous, agency, likert=varied(v1, n * 5 + t), ranking=rotated(n + t)
            )
    factories.closed(anonymous)

    network = factories.survey_round(cast.project, v2)
    for n, agency in enumerate(agencies):
        levels: dict = {other: (n + m) % 6 for m, other in enumerate(agencies) if other != agency}
        levels[agencies[(n + 1) % 4]] = None  # don't know
        factories.submitted_response(
            network, agency, likert=varied(v2, n), ranking=rotated(n), relationships=levels
        )

    alone = factories.survey_round(cast.project, v1)
    factories.submitted_response(alone, agencies[0], likert=varied(v1, 1))
    factories.submitted_response(alone, agencies[0], likert=varied(v1, 2))

    broken = factories.survey_round(cast.project, v1)
    for n, agency in enumerate(agencies[:2]):
        factories.submitted_response(broken, agency, likert=varied(v1, n))
    Answer.objects.filter(response__round=broken, question__type="ranking").update(
        ranking={"participant_needs": 1}
    )
    return attributed, anonymous, network, alone, broken


def test_the_bulk_rescore_stores_what_scoring_each_round_alone_stores(sample):
    *scoreable, broken = sample
    alone = {rnd.pk: stored(round_score(round_id=rnd.pk)) for rnd in scoreable}
    with pytest.raises(scoring.ScoringInputError):
        round_score(round_id=broken.pk)

    steps = list(rescore(batch_size=10))  # every round of the sample in one batch

    assert steps[-1].failed == 1
    bulk = {
        rnd.pk: stored(latest(rnd))
        for rnd in scoreable
        if Scorecard.objects.filter(round=rnd).count() == 2
    }
    assert bulk == alone
    assert not Scorecard.objects.filter(round=broken).exists()


def test_the_sample_covers_what_it_says(sample):
    """The comparison above means something only if the sample has each kind of round."""
    attributed, anonymous, network, alone, _broken = sample
    list(rescore())
    cards = {rnd.pk: latest(rnd) for rnd in sample[:4]}

    assert cards[attributed.pk].status == "ok" and cards[attributed.pk].n_agencies == 4
    assert cards[attributed.pk].data["interval"] is not None
    anonymous_card = cards[anonymous.pk]
    assert [a["agency"] for a in anonymous_card.data["agencies"]][-1] == "other"
    assert (anonymous_card.n_agencies, anonymous_card.n_respondents) == (3, 9)
    network_map = cards[network.pk].network
    assert network_map is not None
    assert network_map["status"] == "ok" and network_map["pairs"]
    assert cards[alone.pk].status == "insufficient" and cards[alone.pk].n_agencies == 1


def test_batches_of_one_round_store_what_one_batch_stores(sample):
    list(rescore(batch_size=1))
    list(rescore(batch_size=50))
    for rnd in sample[:4]:
        first, second = Scorecard.objects.filter(round=rnd).order_by("id")
        assert stored(first) == stored(second)


# --------------------------------------------------------------------------------------------
# A sample of random rounds, and rankings read as ranks


def members(cast, *names: str) -> list:
    agencies = [factories.agency(cast.authority, f"Ranked {name}") for name in names]
    for agency in agencies:
        factories.membership(cast.partnership, agency)
    return agencies


def random_rounds(cast, *, n_rounds: int, seed: int) -> list:
    """Rounds of 1 to 5 agencies with 1 to 3 respondents each: random answers with don't
    knows, some respondents without a ranking, one round in four anonymous and closed."""
    rng = random.Random(seed)
    v1 = factories.instrument_version(1)
    likert_codes = list(v1.questions.filter(type="likert").values_list("code", flat=True))
    pool = members(cast, *(f"Random {i}" for i in range(5)))
    rounds = []
    for r in range(n_rounds):
        anonymous = r % 4 == 3
        rnd = factories.survey_round(
            cast.project,
            v1,
            **(
                {"reporting_mode": ReportingMode.ANONYMOUS, "min_group_size": 2}
                if anonymous
                else {}
            ),
        )
        for agency in rng.sample(pool, rng.randint(1, 5)):
            for _ in range(rng.randint(1, 3)):
                order = CONNECTED_ORDER[:]
                rng.shuffle(order)
                factories.submitted_response(
                    rnd,
                    agency,
                    likert={code: rng.randint(1, 5) for code in likert_codes},
                    ranking=order,
                )
        answers = Answer.objects.filter(response__round=rnd)
        likert = list(answers.filter(question__type="likert").values_list("pk", flat=True))
        Answer.objects.filter(pk__in=rng.sample(likert, len(likert) // 10)).update(
            value=None, dont_know=True
        )
        rankings = list(answers.filter(question__type="ranking").values_list("pk", flat=True))
        Answer.objects.filter(pk__in=rng.sample(rankings, len(rankings) // 4)).update(ranking=None)
        if anonymous:
            factories.closed(rnd)
        rounds.append(rnd)
    return rounds


def test_a_sample_of_random_rounds_scores_in_bulk_as_one_by_one(cast):
    rounds = random_rounds(cast, n_rounds=12, seed=18)
    alone = {rnd.pk: round_score(round_id=rnd.pk) for rnd in rounds}

    steps = list(rescore(batch_size=5))  # batches of several rounds, and a short last one

    assert steps[-1].failed == 0 and steps[-1].rounds_done == len(rounds)
    for rnd in rounds:
        if alone[rnd.pk] is None:  # an anonymous round with too few to publish: none in bulk
            assert not Scorecard.objects.filter(round=rnd).exists()
            continue
        assert Scorecard.objects.filter(round=rnd).count() == 2
        assert stored(latest(rnd)) == stored(alone[rnd.pk])
    assert sum(card is not None and card.status == "ok" for card in alone.values()) >= 6


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_companion_connections_store_the_same(cast):
    """Committed data, so on PostgreSQL the batches are read and stored by the companion threads."""
    rounds = random_rounds(cast, n_rounds=6, seed=5)
    assert rescore_module._companion_connections() == (connection.vendor == "postgresql")
    alone = {rnd.pk: round_score(round_id=rnd.pk) for rnd in rounds}

    steps = list(rescore(batch_size=2))

    assert [step.rounds_done for step in steps] == [0, 2, 4, 6, 6]
    for rnd in rounds:
        if alone[rnd.pk] is not None:
            assert stored(latest(rnd)) == stored(alone[rnd.pk])


BAD_RANKINGS = {
    "an option missing": {"participant_needs": 1},
    "an unknown option": {**{code: i + 1 for i, code in enumerate(CONNECTED_ORDER)}, "x": 9},
    "a rank twice": {code: min(i + 1, 7) for i, code in enumerate(CONNECTED_ORDER)},
    "a rank as text": {code: str(i + 1) for i, code in enumerate(CONNECTED_ORDER)},
    "a rank as a fraction": {code: i + 1.5 for i, code in enumerate(CONNECTED_ORDER)},
    "a rank out of range": {code: i + 2 for i, code in enumerate(CONNECTED_ORDER)},
    "not a mapping": [1, 2, 3],
}


@pytest.mark.parametrize("what", BAD_RANKINGS)
def test_a_bad_stored_ranking_is_refused_as_scoring_the_stored_mapping_refuses_it(cast, what):
    v1 = factories.instrument_version(1)
    youth, college = members(cast, "Youth", "College")
    rnd = factories.survey_round(cast.project, v1)
    for agency in (youth, college, college):
        factories.submitted_response(rnd, agency, likert=4, ranking=rotated(1))
    bad = Answer.objects.filter(response__round=rnd, question__type="ranking").order_by("pk")
    Answer.objects.filter(pk=bad.values_list("pk", flat=True)[1]).update(ranking=BAD_RANKINGS[what])
    instrument = scoring_instrument(v1)
    respondents = [
        scoring.Respondent(agency=agency, answers={}, ranking=ranking)
        for agency, ranking in Answer.objects.filter(response__round=rnd, question__type="ranking")
        .order_by("response_id")
        .values_list("response__agency_id", "ranking")
    ]
    with pytest.raises(scoring.ScoringInputError) as expected:
        scoring.score_round(instrument, respondents)

    with pytest.raises(scoring.ScoringInputError) as refused:
        round_score(round_id=rnd.pk)
    assert str(refused.value) == str(expected.value)
    steps = list(rescore())
    assert steps[-1].failed == 1


def test_rankings_read_as_ranks_are_the_stored_rankings_in_the_options_order(cast):
    v1 = factories.instrument_version(1)
    youth, college = members(cast, "Youth", "College")
    rnd = factories.survey_round(cast.project, v1)
    factories.submitted_response(rnd, youth, likert=4, ranking=rotated(2))
    factories.submitted_response(rnd, college, likert=4, ranking=CONNECTED_ORDER)
    Answer.objects.filter(response__agency=college, question__type="ranking").update(ranking=None)
    view = instrument_view(v1)

    read = respondents_load({rnd.pk: view}).answers[rnd.pk]

    options = [option.code for option in view.scoring.ranking_options]
    ranks = scoring_ranks(view.scoring, read)
    assert ranks[0].tolist() == [float(rotated(2).index(code) + 1) for code in options]
    assert np.isnan(ranks[1]).all()
