"""The working-relationships network of specification 1.1, worked by hand (no database).

Every expected figure below is worked out in the comment beside it from MODEL.md's definitions.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.scoring import (
    LEVEL_MAX,
    RelationshipRespondent,
    ScoringInputError,
    score_network,
)


def person(agency: int, **ratings: int | None) -> RelationshipRespondent:
    """A respondent of `agency` rating agencies named a1, a2, ... (keyword names)."""
    return RelationshipRespondent(
        agency=agency, ratings={int(name[1:]): level for name, level in ratings.items()}
    )


def every(agency: int, others: list[int], level: int | None) -> RelationshipRespondent:
    return RelationshipRespondent(agency=agency, ratings=dict.fromkeys(others, level))


def figures(network):
    return {n.agency: (n.degree, n.normalised_degree, n.isolated) for n in network.nodes}


def pair(network, a: int, b: int):
    return next(p for p in network.pairs if (p.a, p.b) == (str(a), str(b)))


def test_a_star_has_centralization_one():
    # Hub 1 and spokes 2, 3, 4 rate each other 3; spokes rate each other 0.
    people = [
        every(1, [2, 3, 4], 3),
        person(2, a1=3, a3=0, a4=0),
        person(3, a1=3, a2=0, a4=0),
        person(4, a1=3, a2=0, a3=0),
    ]
    network = score_network([1, 2, 3, 4], people)
    assert network.status == "ok" and (network.n_nodes, network.n_raters) == (4, 4)
    assert len(network.pairs) == 6  # every pair rated
    assert network.density == pytest.approx(3 / 6)  # the three hub pairs are at 3
    assert network.mean_level == pytest.approx((3 * 3 + 3 * 0) / 6)
    # Degrees 3, 1, 1, 1; normalised by n - 1 = 3; sum (3 - d) = 6 over (3)(2) = 6.
    assert figures(network) == {
        "1": (3, 1.0, False),
        "2": (1, pytest.approx(1 / 3), False),
        "3": (1, pytest.approx(1 / 3), False),
        "4": (1, pytest.approx(1 / 3), False),
    }
    assert network.centralization == pytest.approx(1.0)
    assert not any(p.mismatch for p in network.pairs)


def test_a_complete_network_has_density_one_and_centralization_zero():
    nodes = [1, 2, 3, 4]
    people = [every(a, [b for b in nodes if b != a], 4) for a in nodes]
    network = score_network(nodes, people)
    assert network.density == 1.0 and network.mean_level == 4.0
    assert {n.degree for n in network.nodes} == {3}
    assert {n.normalised_degree for n in network.nodes} == {1.0}
    assert network.centralization == 0.0
    assert all(p.level == 4.0 and p.r_ab == 4.0 and p.r_ba == 4.0 for p in network.pairs)


def test_a_chain_by_hand():
    # 1-2-3-4: neighbours rate each other 2, everyone else 1.
    people = [
        person(1, a2=2, a3=1, a4=1),
        person(2, a1=2, a3=2, a4=1),
        person(3, a1=1, a2=2, a4=2),
        person(4, a1=1, a2=1, a3=2),
    ]
    network = score_network([1, 2, 3, 4], people)
    assert network.density == pytest.approx(3 / 6)
    assert network.mean_level == pytest.approx((3 * 2 + 3 * 1) / 6)
    assert [n.degree for n in network.nodes] == [1, 2, 2, 1]
    third = 1 / 3
    assert [n.normalised_degree for n in network.nodes] == pytest.approx(
        [third, 2 * third, 2 * third, third]
    )
    # max degree 2: (1 + 0 + 0 + 1) / ((4 - 1)(4 - 2)) = 2 / 6
    assert network.centralization == pytest.approx(1 / 3)
    assert not any(n.isolated for n in network.nodes)


def test_a_mismatch_and_a_pair_rated_one_way():
    # Agency 1 has two people: they rate 2 as 4 and 5 (r = 4.5) and 3 as 3 and don't know (3).
    # Agency 2 rates 1 as 2 and 3 as 0. Agency 3 sent nobody.
    people = [person(1, a2=4, a3=3), person(1, a2=5, a3=None), person(2, a1=2, a3=0)]
    network = score_network([1, 2, 3], people)
    assert network.n_raters == 2
    one_two = pair(network, 1, 2)
    assert (one_two.r_ab, one_two.r_ba) == (4.5, 2.0)
    assert one_two.level == pytest.approx(3.25) and one_two.mismatch  # |4.5 - 2| >= 2
    one_three = pair(network, 1, 3)
    assert (one_three.r_ab, one_three.r_ba, one_three.level) == (3.0, None, 3.0)
    assert not one_three.mismatch  # one direction cannot disagree
    two_three = pair(network, 2, 3)
    assert (two_three.level, two_three.mismatch) == (0.0, False)
    assert network.density == pytest.approx(2 / 3)
    assert network.mean_level == pytest.approx((3.25 + 3 + 0) / 3)
    # Degrees 2, 1, 1: (0 + 1 + 1) / ((2)(1)) = 1.
    assert [n.degree for n in network.nodes] == [2, 1, 1]
    assert network.centralization == pytest.approx(1.0)


def test_a_gap_of_exactly_two_is_a_mismatch_and_one_and_a_half_is_not():
    people = [person(1, a2=4, a3=3), person(2, a1=2, a3=2), person(2, a1=2, a3=2)]
    assert pair(score_network([1, 2, 3], people), 1, 2).mismatch  # 4 vs 2
    people = [person(1, a2=4, a3=3), person(2, a1=2, a3=2), person(2, a1=3, a3=2)]
    assert not pair(score_network([1, 2, 3], people), 1, 2).mismatch  # 4 vs 2.5


def test_levels_are_compared_exactly():
    # r(1,2) = (2 + 2 + 3) / 3 = 7/3 and r(2,1) = (2 + 2 + 1) / 3 = 5/3: the level is exactly 2,
    # cooperation, so the pair is a working tie (in floating point it could fall just below).
    people = [
        person(1, a2=2),
        person(1, a2=2),
        person(1, a2=3),
        person(2, a1=2),
        person(2, a1=2),
        person(2, a1=1),
    ]
    network = score_network([1, 2, 3], people)
    assert pair(network, 1, 2).level == 2.0
    assert network.density == 1.0  # the only rated pair
    assert [n.degree for n in network.nodes] == [1, 1, 0]


def test_an_isolated_agency_has_rated_pairs_but_no_working_tie():
    # 3 is rated by everyone, only below cooperation; 4 is rated by nobody.
    people = [person(1, a2=3, a3=1), person(2, a1=3, a3=0), person(3, a1=1, a2=1)]
    network = score_network([1, 2, 3, 4], people)
    assert figures(network)["3"] == (0, 0.0, True)
    assert figures(network)["4"] == (0, 0.0, False)  # no rated pair: unknown, not isolated
    assert {(p.a, p.b) for p in network.pairs} == {("1", "2"), ("1", "3"), ("2", "3")}


def test_dont_know_is_missing():
    people = [person(1, a2=3, a3=None), person(2, a1=3, a3=None)]
    network = score_network([1, 2, 3], people)
    assert [(p.a, p.b) for p in network.pairs] == [("1", "2")]
    assert network.density == 1.0 and network.mean_level == 3.0


def test_too_few_nodes_or_raters_is_insufficient():
    two_nodes = score_network([1, 2], [person(1, a2=3), person(2, a1=3)])
    assert two_nodes.status == "insufficient" and two_nodes.nodes == () and two_nodes.pairs == ()
    assert two_nodes.density is None and two_nodes.centralization is None
    one_rater = score_network([1, 2, 3], [person(1, a2=3, a3=3), person(1, a2=4, a3=4)])
    assert one_rater.status == "insufficient" and one_rater.n_raters == 1
    assert score_network([1, 2, 3], [person(1, a2=3), person(2, a1=3)]).status == "ok"


def test_in_an_anonymous_round_only_groups_of_k_rate():
    # k = 2: agencies 1 and 2 have two respondents each, agency 3 one. 3's ratings are left out
    # (it would be pooled into "Other agencies", which rates nobody); 3 is still rated.
    people = [
        person(1, a2=4, a3=2),
        person(1, a2=4, a3=2),
        person(2, a1=4, a3=0),
        person(2, a1=4, a3=0),
        person(3, a1=5, a2=5),
    ]
    network = score_network([1, 2, 3], people, min_group_size=2)
    assert network.n_raters == 2
    assert pair(network, 1, 3).r_ba is None and pair(network, 1, 3).level == 2.0
    assert pair(network, 2, 3).r_ba is None and pair(network, 2, 3).level == 0.0
    attributed = score_network([1, 2, 3], people)
    assert attributed.n_raters == 3 and pair(attributed, 2, 3).r_ba == 5.0
    assert score_network([1, 2, 3], people, min_group_size=3).status == "insufficient"


def test_ratings_outside_the_nodes_and_of_ones_own_agency_are_ignored():
    # 9 joined after the round opened: it neither rates nor is rated. 1 rating itself is ignored.
    people = [person(1, a1=5, a2=3, a9=5), person(2, a1=3, a9=5), person(9, a1=5, a2=5)]
    network = score_network([1, 2, 3], people)
    assert network.n_raters == 2
    assert [(p.a, p.b, p.level) for p in network.pairs] == [("1", "2", 3.0)]


@pytest.mark.parametrize("level", [-1, 6, 2.5, True, "3"])
def test_a_level_outside_zero_to_five_is_refused(level):
    with pytest.raises(ScoringInputError, match="rated 2"):
        score_network([1, 2, 3], [RelationshipRespondent(agency=1, ratings={2: level})])


def test_the_stored_form_is_rounded_and_labelled():
    people = [person(1, a2=4, a3=3), person(1, a2=5, a3=None), person(2, a1=2, a3=0)]
    data = score_network([1, 2, 3], people).to_dict()
    assert data["status"] == "ok" and data["mean_level"] == 2.0833
    assert data["nodes"][0] == {
        "agency": "1",
        "degree": 2,
        "normalised_degree": 1.0,
        "isolated": False,
    }
    assert data["pairs"][0] == {
        "a": "1",
        "b": "2",
        "r_ab": 4.5,
        "r_ba": 2.0,
        "level": 3.25,
        "mismatch": True,
    }


# --- Properties -------------------------------------------------------------------------------
@st.composite
def rounds(draw):
    n = draw(st.integers(min_value=3, max_value=8))
    nodes = list(range(1, n + 1))
    levels = st.one_of(st.none(), st.integers(min_value=0, max_value=LEVEL_MAX))
    people = []
    for agency in nodes:
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            others = draw(st.lists(st.sampled_from(nodes), unique=True))
            people.append(
                RelationshipRespondent(
                    agency=agency, ratings={b: draw(levels) for b in others if b != agency}
                )
            )
    return nodes, people


@settings(max_examples=150, deadline=None)
@given(rounds(), st.randoms(use_true_random=False))
def test_figures_stay_in_range_and_ignore_order(case, shuffle):
    nodes, people = case
    network = score_network(nodes, people)
    shuffled = list(people)
    shuffle.shuffle(shuffled)
    assert score_network(list(reversed(nodes)), shuffled).to_dict() == network.to_dict()
    if network.status != "ok":
        return
    ties = [p for p in network.pairs if p.level >= 2]
    # Each working tie adds one to the degree of both its agencies.
    assert sum(n.degree for n in network.nodes) == 2 * len(ties)
    assert network.centralization is not None and 0.0 <= network.centralization <= 1.0
    for node in network.nodes:
        assert node.normalised_degree == pytest.approx(node.degree / (len(nodes) - 1))
    if network.pairs:
        assert network.density == pytest.approx(len(ties) / len(network.pairs))
        assert network.mean_level is not None and 0.0 <= network.mean_level <= LEVEL_MAX
    for p in network.pairs:
        assert p.mismatch == (
            p.r_ab is not None and p.r_ba is not None and abs(p.r_ab - p.r_ba) >= 2
        )
        assert min(r for r in (p.r_ab, p.r_ba) if r is not None) <= p.level
        assert p.level <= max(r for r in (p.r_ab, p.r_ba) if r is not None)


@settings(max_examples=100, deadline=None)
@given(rounds())
def test_a_dont_know_changes_nothing(case):
    nodes, people = case
    extra = RelationshipRespondent(agency=people[0].agency, ratings={}) if people else None
    before = score_network(nodes, people).to_dict()
    padded = [
        RelationshipRespondent(
            agency=p.agency,
            ratings={**dict.fromkeys((b for b in nodes if b != p.agency), None), **p.ratings},
        )
        for p in people
    ]
    assert score_network(nodes, padded).to_dict() == before
    if extra is not None:  # a respondent of an agency that already rates, with no rating
        with_extra = score_network(nodes, [*people, extra]).to_dict()
        assert with_extra == before


def test_equal_degrees_give_zero_centralization_whatever_the_size():
    for n in range(3, 9):
        nodes = list(range(1, n + 1))
        ring = [
            RelationshipRespondent(
                agency=a,
                ratings={b: (3 if abs(a - b) in (1, n - 1) else 0) for b in nodes if b != a},
            )
            for a in nodes
        ]
        random.Random(n).shuffle(ring)
        network = score_network(nodes, ring)
        assert {node.degree for node in network.nodes} == {2}
        assert network.centralization == 0.0
