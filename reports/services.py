"""Scoring rounds and keeping their scorecards: the Django side of reports/scoring.py.

Three ways in, one computation:

* ``round_scoring_request`` is the hook every submission path calls. It coalesces bursts: a
  conditional UPDATE flips ``Round.scoring_queued`` from False to True and only the caller that
  flipped it enqueues ``score_round_task`` (with a short countdown). The task's first act clears
  the flag (``round_scoring_run``), so a submission committed after that enqueues a new task,
  and the last task always reads every submission.
* ``rescore`` recomputes many rounds in batches (bounded memory) for ``manage.py rescore``;
  ``stale_rounds_rescore`` reuses it to catch up rounds whose scoring request was lost.
* ``round_score`` scores one round in a constant number of queries.

Each computation stores a new Scorecard row (history is kept). Cronbach's alpha of the
instrument is pooled from per-round sums stored with each scorecard; after a round is scored
its refresh is requested the same coalescing way (``InstrumentReliability.refresh_queued``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from surveys.models import Answer, Instrument, QuestionType, Response, Round

from . import scoring
from .models import InstrumentReliability, Scorecard

logger = logging.getLogger(__name__)

DEFAULT_SCORING_DELAY_SECONDS = 10
DEFAULT_RELIABILITY_DELAY_SECONDS = 60
RELIABILITY_MINIMUM = 10  # MODEL.md step 13: alpha is shown once there are at least 10
RESCORE_BATCH_SIZE = 100  # rounds per batch: ~150,000 answers of typical rounds in memory
STALE_ROUNDS_PER_RUN = 2_000


# --------------------------------------------------------------------------------------------
# The instrument, as the pure scoring module sees it


@dataclass(frozen=True)
class _InstrumentView:
    scoring: scoring.Instrument
    likert_codes: dict[int, str]  # question id -> item code
    ranking_ids: tuple[int, ...]  # the ranking question (one: the loader makes sure)


def _instrument_view(instrument: Instrument) -> _InstrumentView:
    items: list[scoring.Item] = []
    options: list[scoring.RankingOption] = []
    likert_codes: dict[int, str] = {}
    ranking_ids: list[int] = []
    questions = (
        instrument.questions.filter(type__in=[QuestionType.LIKERT, QuestionType.RANKING])
        .order_by("position")
        .values_list("pk", "code", "type", "dimension", "reverse", "options")
    )
    for pk, code, question_type, dimension, reverse, question_options in questions:
        if question_type == QuestionType.LIKERT:
            items.append(scoring.Item(code=code, dimension=dimension, reverse=reverse))
            likert_codes[pk] = code
        else:
            ranking_ids.append(pk)
            options = [
                scoring.RankingOption(
                    code=option["code"],
                    participant_defined=bool(option.get("participant_defined", False)),
                )
                for option in question_options
            ]
    return _InstrumentView(
        scoring=scoring.Instrument(
            version=instrument.label,
            items=tuple(items),
            ranking_options=tuple(options),
            weights=instrument.weights,
        ),
        likert_codes=likert_codes,
        ranking_ids=tuple(ranking_ids),
    )


def scoring_instrument(instrument: Instrument) -> scoring.Instrument:
    """The scoring view of a questionnaire version: Likert items, ranking options, weights."""
    return _instrument_view(instrument).scoring


# --------------------------------------------------------------------------------------------
# Loading answers


@dataclass
class _LoadedRounds:
    respondents: dict[int, list[scoring.Respondent]]  # round id -> its submitted respondents
    n_answers: int


def _load_respondents(round_ids: Sequence[int], views: Iterable[_InstrumentView]) -> _LoadedRounds:
    """Every submitted respondent of these rounds, in three queries whatever their number.

    Answers are fetched by response id (read first) and question id, with no join: the planner
    then always uses the (response, question) index, where a join on round ids can make it scan
    the whole answer table for a batch of rounds. A "don't know" is stored without a value, so
    it arrives as None: missing, as MODEL.md says.
    """
    likert_codes: dict[int, str] = {}
    ranking_ids: list[int] = []
    for view in views:
        likert_codes.update(view.likert_codes)
        ranking_ids.extend(view.ranking_ids)
    meta = {
        response_id: (round_id, agency_id)
        for response_id, round_id, agency_id in Response.objects.filter(
            round_id__in=round_ids, submitted_at__isnull=False
        )
        .order_by("pk")
        .values_list("pk", "round_id", "agency_id")
    }
    response_ids = list(meta)
    answers: dict[int, dict[str, int | None]] = {response_id: {} for response_id in meta}
    n_answers = 0
    for response_id, question_id, value in Answer.objects.filter(
        response_id__in=response_ids, question_id__in=list(likert_codes)
    ).values_list("response_id", "question_id", "value"):
        answers[response_id][likert_codes[question_id]] = value
        n_answers += 1
    ranking_of: dict[int, dict[str, int]] = {}
    for response_id, ranking in Answer.objects.filter(
        response_id__in=response_ids, question_id__in=ranking_ids, ranking__isnull=False
    ).values_list("response_id", "ranking"):
        ranking_of[response_id] = ranking
        n_answers += 1

    respondents: dict[int, list[scoring.Respondent]] = {round_id: [] for round_id in round_ids}
    for response_id, (round_id, agency_id) in meta.items():
        respondents[round_id].append(
            scoring.Respondent(
                agency=agency_id, answers=answers[response_id], ranking=ranking_of.get(response_id)
            )
        )
    return _LoadedRounds(respondents=respondents, n_answers=n_answers)


# --------------------------------------------------------------------------------------------
# Cronbach's alpha from sums
#
# Alpha over ALL submitted respondents of an instrument version would mean re-reading every
# answer of every round. Instead each scorecard keeps, per dimension, the sums alpha needs over
# the round's respondents who answered every item of the dimension (alpha drops incomplete
# rows, as scoring.cronbach_alpha does). Item scores are kept as points 0..4 (the score times
# 4): alpha does not change with the scale, and integer sums are exact, add up across rounds in
# any order and stay short in JSON. A test holds the result to scoring.alpha_by_dimension.
#
# Layout of one dimension's sums: [n, sum of totals, sum of squared totals, per-item sums...,
# per-item sums of squares...], where a total is a respondent's points over the dimension.


def _alpha_sums(
    instrument: scoring.Instrument, respondents: Sequence[scoring.Respondent]
) -> dict[str, list[int]]:
    codes = [item.code for item in instrument.items]
    if not respondents or not codes:
        return {}
    raw = np.array([[r.answers.get(code) for code in codes] for r in respondents], dtype=float)
    reverse = np.array([item.reverse for item in instrument.items], dtype=bool)
    points = np.where(reverse, scoring.LIKERT_MAX - raw, raw - scoring.LIKERT_MIN)
    sums: dict[str, list[int]] = {}
    for dimension in scoring.DIMENSIONS:
        columns = [j for j, item in enumerate(instrument.items) if item.dimension == dimension]
        if not columns:
            continue
        block = points[:, columns]
        complete = block[~np.isnan(block).any(axis=1)].astype(np.int64)
        totals = complete.sum(axis=1)
        sums[dimension] = [
            len(complete),
            int(totals.sum()),
            int((totals**2).sum()),
            *complete.sum(axis=0).tolist(),
            *(complete**2).sum(axis=0).tolist(),
        ]
    return sums


def _alpha(pooled: list[int]) -> float | None:
    """k/(k-1) * (1 - sum of item variances / variance of the total), from pooled sums.

    n(n-1) times a variance is n * sum of squares - sum^2: exact in integers, and the common
    factor cancels in the ratio. None where scoring.cronbach_alpha gives None.
    """
    n, total, total_sq, *items = pooled
    k = len(items) // 2
    if k < 2 or n < 2:
        return None
    total_spread = n * total_sq - total**2
    if total_spread <= 0:
        return None
    item_spread = sum(n * sq - s**2 for s, sq in zip(items[:k], items[k:], strict=True))
    return k / (k - 1) * (1 - item_spread / total_spread)


def instrument_alpha(
    parts: Iterable[tuple[int, dict[str, list[int]]]], *, minimum: int = RELIABILITY_MINIMUM
) -> tuple[int, dict[str, float | None]]:
    """Pool (n_respondents, alpha_sums) of several rounds: respondents and alpha by dimension."""
    n_respondents = 0
    rows: dict[str, list[list[int]]] = {}
    for respondents, sums in parts:
        n_respondents += respondents
        for dimension, row in sums.items():
            rows.setdefault(dimension, []).append(row)
    alpha: dict[str, float | None] = dict.fromkeys(scoring.DIMENSIONS)
    if n_respondents < minimum:
        return n_respondents, alpha
    for dimension, dimension_rows in rows.items():
        width = len(dimension_rows[-1])
        # A scorecard from before a version's questions were replaced (possible only while the
        # version had no responses) has another width and nothing to pool.
        same = [row for row in dimension_rows if len(row) == width]
        pooled = [int(v) for v in np.array(same, dtype=np.int64).sum(axis=0)]
        value = _alpha(pooled)
        alpha[dimension] = None if value is None else round(value, scoring.DECIMALS)
    return n_respondents, alpha


@transaction.atomic
def instrument_reliability_refresh(*, instrument_id: int) -> InstrumentReliability:
    """Recompute the instrument's alpha from the latest scorecard of each of its rounds.

    The row is locked before anything is read and its coalescing flag cleared in the same
    transaction: a request made meanwhile waits for the lock, then finds the flag clear and
    queues another refresh, which will read the scorecard that request was made for.
    """
    InstrumentReliability.objects.get_or_create(instrument_id=instrument_id)
    reliability = InstrumentReliability.objects.select_for_update().get(instrument_id=instrument_id)
    latest = (
        Scorecard.objects.filter(round=OuterRef("pk")).order_by("-computed_at", "-id").values("pk")
    )
    latest_ids = Round.objects.filter(instrument_id=instrument_id).values(
        latest=Subquery(latest[:1])
    )
    parts = Scorecard.objects.filter(pk__in=latest_ids).values_list("n_respondents", "alpha_sums")
    reliability.n_respondents, reliability.alpha = instrument_alpha(parts)
    reliability.computed_at = timezone.now()
    reliability.refresh_queued = False
    reliability.save()
    return reliability


def instrument_reliability_request(*, instrument_id: int) -> None:
    """Ask for the instrument's alpha to be refreshed soon (coalesced, after the commit)."""

    def enqueue() -> None:
        from .tasks import refresh_reliability_task  # the task module imports this one

        InstrumentReliability.objects.get_or_create(instrument_id=instrument_id)
        _enqueue_once(
            InstrumentReliability.objects.filter(instrument_id=instrument_id),
            flag="refresh_queued",
            task=refresh_reliability_task,
            task_arg=instrument_id,
            delay=getattr(settings, "RELIABILITY_DELAY_SECONDS", DEFAULT_RELIABILITY_DELAY_SECONDS),
            what=f"the reliability refresh of instrument {instrument_id}",
        )

    transaction.on_commit(enqueue)


# --------------------------------------------------------------------------------------------
# Scoring one round


def _scorecard_row(
    *,
    round_id: int,
    instrument: scoring.Instrument,
    respondents: list[scoring.Respondent],
    computed_at,
) -> Scorecard:
    card = scoring.score_round(instrument, respondents)
    return Scorecard(
        round_id=round_id,
        computed_at=computed_at,
        scoring_version=card.scoring_version,
        instrument_version=card.instrument_version,
        status=card.status,
        index=None if card.index is None else round(card.index, scoring.DECIMALS),
        band=card.band or "",
        uncertain=card.uncertain,
        n_agencies=card.n_agencies,
        n_respondents=card.n_respondents,
        submissions_seen=len(respondents),
        data=card.to_dict(),
        alpha_sums=_alpha_sums(instrument, respondents),
    )


def round_score(*, round_id: int) -> Scorecard:
    """Score one round from its submitted responses and store the scorecard.

    Six queries whatever the round's size: the round with its instrument, its questions, the
    submitted responses, their Likert answers, their rankings, and the insert. The instrument's
    reliability refresh is requested for after the commit.
    """
    computed_at = timezone.now()  # before reading: see Scorecard.computed_at
    rnd = Round.objects.select_related("instrument").get(pk=round_id)
    view = _instrument_view(rnd.instrument)
    loaded = _load_respondents([round_id], [view])
    scorecard = _scorecard_row(
        round_id=round_id,
        instrument=view.scoring,
        respondents=loaded.respondents[round_id],
        computed_at=computed_at,
    )
    scorecard.save()  # a single insert: atomic by itself
    instrument_reliability_request(instrument_id=rnd.instrument_id)
    return scorecard


def _enqueue_once(
    flagged: QuerySet, *, flag: str, task, task_arg: int, delay: float, what: str
) -> None:
    # The conditional UPDATE is the coalescing: of all concurrent callers, exactly one sees the
    # flag False and flips it; the others know a task that has not started yet will read what
    # they committed too.
    if not flagged.filter(**{flag: False}).update(**{flag: True}):
        return
    try:
        task.apply_async(args=[task_arg], countdown=delay)
    except Exception:
        # Broker down (or, with eager tasks, the task itself failed). Clear the flag so the next
        # request tries again; score_stale_rounds catches up meanwhile.
        flagged.update(**{flag: False})
        logger.warning("Could not queue %s", what, exc_info=True)


def round_scoring_request(*, round_id: int) -> None:
    """Ask for the round to be rescored soon; the hook every submission path calls.

    Safe anywhere: inside a transaction it waits for the commit (a worker must never read a
    submission that is not there yet); outside one, in an on_commit callback, it runs at once.
    It never raises: the submission is already stored and scoring catches up later.
    """

    def enqueue() -> None:
        from .tasks import score_round_task  # the task module imports this one

        _enqueue_once(
            Round.objects.filter(pk=round_id),
            flag="scoring_queued",
            task=score_round_task,
            task_arg=round_id,
            delay=getattr(settings, "SCORING_DELAY_SECONDS", DEFAULT_SCORING_DELAY_SECONDS),
            what=f"scoring of round {round_id}",
        )

    transaction.on_commit(enqueue)


def round_scoring_run(*, round_id: int) -> Scorecard | None:
    """What a queued scoring task does: clear the coalescing flag, then score.

    Clearing first (committed on its own, before any answer is read) is what makes the last
    task see every submission: a submission committed after this point queues another task.
    None when the round has been deleted since.
    """
    if not Round.objects.filter(pk=round_id).update(scoring_queued=False):
        return None
    return round_score(round_id=round_id)


# --------------------------------------------------------------------------------------------
# Many rounds at once


@dataclass(frozen=True)
class RescoreProgress:
    rounds_done: int
    rounds_total: int
    answers: int
    failed: int
    seconds: float

    @property
    def answers_per_second(self) -> float:
        return self.answers / self.seconds if self.seconds > 0 else 0.0


def _rescore_rounds(rounds: QuerySet[Round], *, batch_size: int) -> Iterator[RescoreProgress]:
    """Score every round of the queryset in batches of rounds, yielding after each batch.

    Memory is bounded by one batch: rounds are paged by id, only one batch's answers are held
    at a time, and the batch's scorecards are written with one bulk insert in its own
    transaction. (Not a server-side cursor: PostgreSQL plans a cursor for its first rows and
    then reads a batch about five times slower.)
    """
    started = time.perf_counter()
    total = rounds.count()
    done = answers = failed = 0
    yield RescoreProgress(done, total, answers, failed, 0.0)
    views: dict[int, _InstrumentView] = {}
    last_id = 0
    while batch := list(
        rounds.filter(pk__gt=last_id).order_by("pk").values_list("pk", "instrument_id")[:batch_size]
    ):
        last_id = batch[-1][0]
        for instrument_id in {instrument_id for _, instrument_id in batch} - views.keys():
            views[instrument_id] = _instrument_view(Instrument.objects.get(pk=instrument_id))
        computed_at = timezone.now()
        loaded = _load_respondents([pk for pk, _ in batch], views.values())
        rows = []
        for round_id, instrument_id in batch:
            try:
                rows.append(
                    _scorecard_row(
                        round_id=round_id,
                        instrument=views[instrument_id].scoring,
                        respondents=loaded.respondents[round_id],
                        computed_at=computed_at,
                    )
                )
            except scoring.ScoringInputError:
                # One round's bad data must not stop the others; it is logged with its id.
                failed += 1
                logger.exception("Round %s could not be scored", round_id)
        with transaction.atomic():
            Scorecard.objects.bulk_create(rows)
        done += len(batch)
        answers += loaded.n_answers
        yield RescoreProgress(done, total, answers, failed, time.perf_counter() - started)
    for instrument_id in views:
        instrument_reliability_refresh(instrument_id=instrument_id)
    yield RescoreProgress(done, total, answers, failed, time.perf_counter() - started)


def rescore(
    *,
    authority_id: int | None = None,
    round_id: int | None = None,
    batch_size: int = RESCORE_BATCH_SIZE,
) -> Iterator[RescoreProgress]:
    """Recompute every round (or one authority's, or one round) and report progress.

    A generator: nothing happens until it is iterated. Each yield is the progress so far; the
    last one is the total, after the instruments' reliability has been refreshed.
    """
    rounds = Round.objects.all()
    if authority_id is not None:
        rounds = rounds.filter(project__partnership__authority_id=authority_id)
    if round_id is not None:
        rounds = rounds.filter(pk=round_id)
    return _rescore_rounds(rounds, batch_size=batch_size)


def stale_rounds() -> QuerySet[Round]:
    """Rounds whose latest scorecard does not reflect their submitted responses.

    Stale: submitted responses but no scorecard; or another number of submitted responses than
    the latest scorecard read (a late commit: submitted_at is stamped before the commit; or a
    response withdrawn or deleted); or a submission stamped after the latest scorecard read.
    """
    latest = Scorecard.objects.filter(round=OuterRef("pk")).order_by("-computed_at", "-id")
    # A round whose responses were deleted under the retention rules keeps its last scorecard.
    return (
        Round.objects.filter(responses_deleted_at__isnull=True)
        .annotate(
            n_submitted=Count("responses", filter=Q(responses__submitted_at__isnull=False)),
            last_submitted_at=Max("responses__submitted_at"),
            seen=Subquery(latest.values("submissions_seen")[:1]),
            scored_at=Subquery(latest.values("computed_at")[:1]),
        )
        .filter(
            Q(scored_at__isnull=True, n_submitted__gt=0)
            | (Q(scored_at__isnull=False) & ~Q(seen=F("n_submitted")))
            | Q(last_submitted_at__gt=F("scored_at"))
        )
    )


def stale_rounds_rescore(*, limit: int = STALE_ROUNDS_PER_RUN) -> int:
    """Catch up rounds whose scoring request was lost (broker down, worker killed); returns
    how many rounds were rescored."""
    round_ids = list(stale_rounds().order_by("pk").values_list("pk", flat=True)[:limit])
    if not round_ids:
        return 0
    # A flag left set by a lost task would otherwise stop every later request for the round.
    Round.objects.filter(pk__in=round_ids).update(scoring_queued=False)
    for _progress in _rescore_rounds(
        Round.objects.filter(pk__in=round_ids), batch_size=RESCORE_BATCH_SIZE
    ):
        pass
    logger.info("Rescored %s stale rounds", len(round_ids))
    return len(round_ids)
