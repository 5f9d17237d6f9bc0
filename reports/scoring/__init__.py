"""Connectedness scoring: turns one round of survey responses into a scorecard.

Implements the specification in reports/scoring/README.md (version ``SCORING_VERSION``). Pure
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

from .engine import (
    alpha_by_dimension,
    score_answers,
    score_answers_many,
    score_round,
)
from .model import (
    BANDS,
    DECIMALS,
    DIMENSIONS,
    INDEX_COMPONENTS,
    INDEX_DIMENSIONS,
    LIKERT_MAX,
    LIKERT_MIN,
    LIKERT_OPTIONS,
    RELIABILITY_MINIMUM,
    SCORING_VERSION,
    WEIGHT_TOLERANCE,
    Instrument,
    Item,
    RankingOption,
    Respondent,
    RoundAnswers,
    ScoringInputError,
    band_for,
    default_weights,
)
from .network import (
    LEVEL_MAX,
    LEVEL_MIN,
    Network,
    NetworkNode,
    NetworkPair,
    RelationshipRespondent,
    score_network,
)
from .reliability import alpha_from_sums, alpha_sums, instrument_alpha, likert_alpha_sums
from .results import (
    AgencyScore,
    DivergentItem,
    Scorecard,
)
from .statistics import (
    cronbach_alpha,
    kendall_w,
    rwg_j,
)

__all__ = [
    "AgencyScore",
    "BANDS",
    "DECIMALS",
    "DIMENSIONS",
    "DivergentItem",
    "INDEX_COMPONENTS",
    "INDEX_DIMENSIONS",
    "Instrument",
    "Item",
    "LEVEL_MAX",
    "LEVEL_MIN",
    "LIKERT_MAX",
    "LIKERT_MIN",
    "LIKERT_OPTIONS",
    "Network",
    "NetworkNode",
    "NetworkPair",
    "RELIABILITY_MINIMUM",
    "RelationshipRespondent",
    "RankingOption",
    "Respondent",
    "RoundAnswers",
    "SCORING_VERSION",
    "Scorecard",
    "ScoringInputError",
    "WEIGHT_TOLERANCE",
    "alpha_by_dimension",
    "alpha_from_sums",
    "alpha_sums",
    "band_for",
    "cronbach_alpha",
    "instrument_alpha",
    "default_weights",
    "kendall_w",
    "likert_alpha_sums",
    "rwg_j",
    "score_answers",
    "score_answers_many",
    "score_network",
    "score_round",
]
