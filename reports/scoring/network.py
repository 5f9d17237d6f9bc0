"""Working relationships: the network map of specification 1.1 (README.md, "The network").

Each respondent rates, for every other agency that was a member when the round opened, how their
own agency works with it, on the Levels of Collaboration scale (0 no contact .. 5 collaboration;
"don't know" is missing). From those ratings:

* the directed rating r(a, b): the mean over agency a's respondents of their ratings of b;
* the pair level L(a, b): the mean of r(a, b) and r(b, a) where both exist, else the one that
  exists; a pair with neither is unrated and is left out of every figure;
* a mismatch: both directions exist and differ by 2 or more;
* density (share of rated pairs at level 2 or more), mean level (over rated pairs), degree
  (agencies at level 2 or more with it), normalised degree (degree / (n - 1)), isolated (at least
  one rated pair and degree 0), and Freeman's degree centralization.

Levels are compared exactly (in integers): a mean of 7/3 and 5/3 is level 2, never 1.9999.
Only ratings between nodes count: a rater that is not a node, a rating of an agency that is not
a node, and a rating of one's own agency are ignored. In an anonymous round with threshold k only
agencies with at least k respondents rate; the pooled "Other agencies" group is not a node.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import Any

import networkx as nx

from .model import DECIMALS, ScoringInputError

LEVEL_MIN = 0
LEVEL_MAX = 5
# The scale in the specification's words; the questionnaire describes each level in its own.
LEVELS = (
    (0, "No contact"),
    (1, "Networking"),
    (2, "Cooperation"),
    (3, "Coordination"),
    (4, "Coalition"),
    (5, "Collaboration"),
)
WORKING_LEVEL = 2  # cooperation or more: a tie that counts for density and degree
MISMATCH_GAP = 2
MINIMUM_NODES = 3
MINIMUM_RATERS = 2

Agency = int | str


@dataclass(frozen=True)
class RelationshipRespondent:
    """One submitted respondent: their agency and their rating (or None: don't know) of others."""

    agency: Agency
    ratings: Mapping[int, int | None] | Mapping[str, int | None]


@dataclass(frozen=True)
class NetworkNode:
    agency: str
    degree: int
    normalised_degree: float
    isolated: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "degree": self.degree,
            "normalised_degree": _round(self.normalised_degree),
            "isolated": self.isolated,
        }


@dataclass(frozen=True)
class NetworkPair:
    a: str
    b: str
    r_ab: float | None
    r_ba: float | None
    level: float
    mismatch: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "r_ab": _round(self.r_ab),
            "r_ba": _round(self.r_ba),
            "level": _round(self.level),
            "mismatch": self.mismatch,
        }


@dataclass(frozen=True)
class Network:
    status: str  # "ok" or "insufficient"
    nodes: tuple[NetworkNode, ...]
    pairs: tuple[NetworkPair, ...]  # the rated pairs, a before b in the nodes' order
    density: float | None
    mean_level: float | None
    centralization: float | None
    n_nodes: int
    n_raters: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe plain types, figures rounded to 4 decimals; agencies as string labels."""
        return {
            "status": self.status,
            "nodes": [node.to_dict() for node in self.nodes],
            "pairs": [pair.to_dict() for pair in self.pairs],
            "density": _round(self.density),
            "mean_level": _round(self.mean_level),
            "centralization": _round(self.centralization),
            "n_nodes": self.n_nodes,
            "n_raters": self.n_raters,
        }


def _round(value: float | None) -> float | None:
    if value is None:
        return None
    return round(float(value), DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _sort_key(agency: Hashable) -> tuple[int, int, str]:
    # The scorecard's canonical order: ids numerically, then labels.
    if isinstance(agency, Integral) and not isinstance(agency, bool):
        return (0, int(agency), "")
    return (1, 0, str(agency))


def _check_level(respondent: RelationshipRespondent, target: Agency, level: object) -> None:
    if level is None or (type(level) is int and LEVEL_MIN <= level <= LEVEL_MAX):
        return  # the common case, without the slower checks below
    if (
        not isinstance(level, Integral)
        or isinstance(level, bool)
        or not LEVEL_MIN <= int(level) <= LEVEL_MAX
    ):
        raise ScoringInputError(
            f"agency {respondent.agency!r} rated {target!r} {level!r}: a level is an integer "
            f"from {LEVEL_MIN} to {LEVEL_MAX}, or None for don't know"
        )


def _insufficient(n_nodes: int, n_raters: int) -> Network:
    return Network(
        status="insufficient",
        nodes=(),
        pairs=(),
        density=None,
        mean_level=None,
        centralization=None,
        n_nodes=n_nodes,
        n_raters=n_raters,
    )


def _directed_ratings(
    node_set: set[Agency], respondents: Sequence[RelationshipRespondent], raters: set[Agency]
) -> dict[tuple[Agency, Agency], tuple[int, int]]:
    """r(a, b) for every (a, b) with at least one rating, as (sum of ratings, how many)."""
    totals: dict[tuple[Agency, Agency], list[int]] = {}
    for respondent in respondents:
        for target, level in respondent.ratings.items():
            _check_level(respondent, target, level)
            if (
                level is None
                or respondent.agency not in raters
                or target not in node_set
                or target == respondent.agency
            ):
                continue
            total = totals.setdefault((respondent.agency, target), [0, 0])
            total[0] += int(level)
            total[1] += 1
    return {key: (total, count) for key, (total, count) in totals.items()}


def score_network(
    nodes: Sequence[Agency],
    respondents: Sequence[RelationshipRespondent],
    *,
    min_group_size: int | None = None,
) -> Network:
    """The network of one round: ``nodes`` are the member agencies when it opened,
    ``respondents`` every submitted respondent, ``min_group_size`` the k of an anonymous round."""
    ordered = sorted(set(nodes), key=_sort_key)
    if len({str(agency) for agency in ordered}) != len(ordered):
        raise ScoringInputError("two nodes share a label")
    node_set = set(ordered)
    sizes: dict[Agency, int] = {}
    for respondent in respondents:
        sizes[respondent.agency] = sizes.get(respondent.agency, 0) + 1
    raters = {
        agency
        for agency, n in sizes.items()
        if agency in node_set and (min_group_size is None or n >= min_group_size)
    }
    directed = _directed_ratings(node_set, respondents, raters)
    n = len(ordered)
    if n < MINIMUM_NODES or len(raters) < MINIMUM_RATERS:
        return _insufficient(n, len(raters))

    pairs: list[NetworkPair] = []
    ties: list[tuple[Agency, Agency]] = []
    rated: set[Agency] = set()
    levels: list[float] = []
    working = 0
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            ab, ba = directed.get((a, b)), directed.get((b, a))
            if ab is None and ba is None:
                continue  # unrated: left out of every figure
            # Exact comparisons in integers: r = t / c, so with both directions the level is
            # (t_ab c_ba + t_ba c_ab) / (2 c_ab c_ba), and a mismatch is a gap of 2 or more.
            if ab is not None and ba is not None:
                (t_ab, c_ab), (t_ba, c_ba) = ab, ba
                numerator, denominator = t_ab * c_ba + t_ba * c_ab, 2 * c_ab * c_ba
                mismatch = abs(t_ab * c_ba - t_ba * c_ab) >= MISMATCH_GAP * c_ab * c_ba
            else:
                numerator, denominator = ab or ba or (0, 1)
                mismatch = False
            level = numerator / denominator  # correctly rounded
            levels.append(level)
            rated.update((a, b))
            if numerator >= WORKING_LEVEL * denominator:
                ties.append((a, b))
                working += 1
            pairs.append(
                NetworkPair(
                    a=str(a),
                    b=str(b),
                    r_ab=None if ab is None else ab[0] / ab[1],
                    r_ba=None if ba is None else ba[0] / ba[1],
                    level=level,
                    mismatch=mismatch,
                )
            )

    graph: nx.Graph[Agency] = nx.Graph()
    graph.add_nodes_from(ordered)
    graph.add_edges_from(ties)
    degrees = {agency: int(graph.degree(agency)) for agency in ordered}
    normalised = nx.degree_centrality(graph)  # degree / (n - 1)
    max_degree = max(degrees.values())
    centralization = sum(max_degree - degree for degree in degrees.values()) / ((n - 1) * (n - 2))
    return Network(
        status="ok",
        nodes=tuple(
            NetworkNode(
                agency=str(agency),
                degree=degrees[agency],
                normalised_degree=float(normalised[agency]),
                isolated=agency in rated and degrees[agency] == 0,
            )
            for agency in ordered
        ),
        pairs=tuple(pairs),
        density=working / len(levels) if levels else None,
        mean_level=math.fsum(levels) / len(levels) if levels else None,
        centralization=centralization,
        n_nodes=n,
        n_raters=len(raters),
    )
