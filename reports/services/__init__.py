"""Scoring rounds and keeping their scorecards: the Django side of the pure ``reports.scoring``.

Three ways in, one computation:

* ``scorecards``: ``round_score`` scores one round in a constant number of queries;
  ``round_scoring_request`` is the coalesced queue every submission path goes through.
* ``rescore``: many rounds in batches (``manage.py rescore``) and the beat catch-up of stale
  rounds.
* ``reliability``: the instrument's Cronbach's alpha, pooled from sums stored with scorecards.

``answers`` loads submitted answers the way the engine takes them; ``queue`` is the coalescing
that both requests share.
"""

from .answers import scoring_instrument
from .reliability import instrument_reliability_refresh, instrument_reliability_request
from .rescore import (
    RESCORE_BATCH_SIZE,
    RescoreProgress,
    rescore,
    stale_rounds,
    stale_rounds_rescore,
)
from .scorecards import (
    round_history_prune,
    round_score,
    round_scoring_request,
    round_scoring_run,
)

__all__ = [
    "RESCORE_BATCH_SIZE",
    "RescoreProgress",
    "instrument_reliability_refresh",
    "instrument_reliability_request",
    "rescore",
    "round_history_prune",
    "round_score",
    "round_scoring_request",
    "round_scoring_run",
    "scoring_instrument",
    "stale_rounds",
    "stale_rounds_rescore",
]
