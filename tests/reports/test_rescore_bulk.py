"""The bulk rescore reads rounds into arrays in one pass per batch; its scorecards must be the
ones scoring each round on its own stores (round_score), field for field."""

from __future__ import annotations

import pytest

from reports import scoring
from reports.models import Scorecard
from reports.services import rescore, round_score
from surveys.models import Answer, ReportingMode
from tests import factories
from tests.reports.test_round_score import CONNECTED_ORDER

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
