"""Scoring many rounds at once: ``manage.py rescore`` and the beat catch-up of stale rounds.

Rounds are scored in batches (bounded memory); ``stale_rounds_rescore`` reuses the same loop for
rounds whose scoring request was lost (broker down, worker killed).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from itertools import chain

from django.db import connection, connections, transaction
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from reports import scoring
from reports.models import Scorecard
from surveys.models import Instrument, Round

from .answers import InstrumentView, LoadedRounds, instrument_view, respondents_load
from .publication import anonymous_q, closed_rounds_q, publication_due
from .reliability import instrument_reliability_refresh
from .scorecards import RoundToScore, scorecard_rows, small_number_k

logger = logging.getLogger(__name__)

ROUND_FIELDS = ("instrument_id", "reporting_mode", "min_group_size", "closes_on", "closed_at")
RESCORE_BATCH_SIZE = 100  # rounds per batch: ~150,000 answers of typical rounds in memory
STALE_ROUNDS_PER_RUN = 2_000


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


@dataclass(frozen=True)
class _BatchRead:
    """What scoring a batch of rounds reads: their answers and, for anonymous rounds, how many
    responses their latest scorecard read."""

    loaded: LoadedRounds
    published: dict[int, int]


def _batch_read(batch: list[Round], views: dict[int, InstrumentView]) -> _BatchRead:
    return _BatchRead(
        loaded=respondents_load({r.pk: views[r.instrument_id] for r in batch}),
        published=_published_seen([r.pk for r in batch if r.is_anonymous]),
    )


def _companion_connections() -> bool:
    """Whether batches can be read and stored on connections of their own while one is scored.

    Only on PostgreSQL (psycopg2 lets go of the interpreter while it waits for the server)
    and outside a transaction, whose uncommitted rows another connection would not see.
    """
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _companion_connection_setup() -> None:
    # Parallel workers would take the cores that score: the server reads a batch on one core
    # while Python scores the previous batch on the other. Each companion thread's own
    # connection, closed at the end, so nothing else inherits the setting.
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")


def _companion() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, initializer=_companion_connection_setup)


def _rescore_rounds(rounds: QuerySet[Round], *, batch_size: int) -> Iterator[RescoreProgress]:
    """Score every round of the queryset in batches of rounds, yielding after each batch.

    Memory is bounded by three batches: rounds are paged by id, and while one batch is scored
    the next one's answers are read and the previous one's scorecards stored (on PostgreSQL,
    by two more threads, each on its own connection, so the database reads and writes while
    Python scores). Each batch's scorecards are written with one bulk insert in its own
    transaction, and its progress is yielded once they are stored. (Not a server-side
    cursor: PostgreSQL plans a cursor for its first rows and then reads a batch about five
    times slower.)
    """
    started = time.perf_counter()
    total = rounds.count()
    done = answers = failed = 0
    yield RescoreProgress(done, total, answers, failed, 0.0)
    views: dict[int, InstrumentView] = {}
    reader, writer = (_companion(), _companion()) if _companion_connections() else (None, None)

    def read(batch: list[Round]) -> Future[_BatchRead]:
        for instrument_id in {r.instrument_id for r in batch} - views.keys():
            views[instrument_id] = instrument_view(Instrument.objects.get(pk=instrument_id))
        if reader is not None:
            return reader.submit(_batch_read, batch, dict(views))
        future: Future[_BatchRead] = Future()
        future.set_result(_batch_read(batch, views))
        return future

    def write(rows: list[Scorecard]) -> Future[None]:
        if writer is not None:
            return writer.submit(_scorecards_store, rows)
        _scorecards_store(rows)
        future: Future[None] = Future()
        future.set_result(None)
        return future

    try:
        pending: tuple[list[Round], Future[_BatchRead]] | None = None
        stored: tuple[Future[None], RescoreProgress] | None = None
        # A batch is scored once the next one has been asked for, and reported once stored.
        for batch in chain(_round_batches(rounds, batch_size=batch_size), [None]):
            ahead = None if batch is None else (batch, read(batch))
            if pending is not None:
                scored, future = pending
                read_ = future.result()
                rows, n_failed = _batch_score(scored, read_, views)
                done += len(scored)
                answers += read_.loaded.n_answers
                failed += n_failed
                if stored is not None:
                    stored[0].result()
                    yield replace(stored[1], seconds=time.perf_counter() - started)
                stored = (write(rows), RescoreProgress(done, total, answers, failed, 0.0))
            pending = ahead
        if stored is not None:
            stored[0].result()
            yield replace(stored[1], seconds=time.perf_counter() - started)
    finally:
        for companion in (reader, writer):
            if companion is not None:
                companion.submit(connections.close_all)  # the thread's own connection
                companion.shutdown(wait=True)
    for instrument_id in views:
        instrument_reliability_refresh(instrument_id=instrument_id)
    yield RescoreProgress(done, total, answers, failed, time.perf_counter() - started)


def _round_batches(rounds: QuerySet[Round], *, batch_size: int) -> Iterator[list[Round]]:
    last_id = 0
    while batch := list(
        rounds.filter(pk__gt=last_id).order_by("pk").only(*ROUND_FIELDS)[:batch_size]
    ):
        last_id = batch[-1].pk
        yield batch


def _batch_score(
    batch: list[Round], read: _BatchRead, views: dict[int, InstrumentView]
) -> tuple[list[Scorecard], int]:
    """The batch's scorecards (not saved), and how many of its rounds could not be scored.
    The rounds of each questionnaire are scored together."""
    computed_at = timezone.now()
    loaded = read.loaded
    due: dict[int, list[RoundToScore]] = {}  # instrument id -> its rounds to score
    for rnd in batch:
        answers = loaded.answers[rnd.pk]
        if not publication_due(
            rnd,
            n_submitted=len(answers.agencies),
            published_seen=read.published.get(rnd.pk),
            recompute=True,
        ):
            continue  # an anonymous round that may not publish (again) yet
        due.setdefault(rnd.instrument_id, []).append(
            RoundToScore(
                round_id=rnd.pk,
                answers=answers,
                small_number_k=small_number_k(rnd),
                network=(
                    loaded.networks.get(rnd.pk)
                    if views[rnd.instrument_id].relationship_ids
                    else None
                ),
            )
        )
    rows, failed = [], 0
    for instrument_id, rounds in due.items():
        scored = scorecard_rows(
            instrument=views[instrument_id].scoring, rounds=rounds, computed_at=computed_at
        )
        for to_score, row in zip(rounds, scored, strict=True):
            if isinstance(row, scoring.ScoringInputError):
                # One round's bad data must not stop the others; it is logged with its id.
                failed += 1
                logger.error("Round %s could not be scored", to_score.round_id, exc_info=row)
            else:
                rows.append(row)
    return rows, failed


def _scorecards_store(rows: list[Scorecard]) -> None:
    with transaction.atomic():
        Scorecard.objects.bulk_create(rows)


def _published_seen(round_ids: list[int]) -> dict[int, int]:
    """How many submitted responses each round's latest scorecard read (rounds with one)."""
    if not round_ids:
        return {}
    latest = Scorecard.objects.of_round(OuterRef("pk")).values("submissions_seen")[:1]
    return {
        pk: seen
        for pk, seen in Round.objects.filter(pk__in=round_ids)
        .annotate(seen=Subquery(latest))
        .values_list("pk", "seen")
        if seen is not None
    }


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
    # A round whose responses were deleted keeps its last scorecard; nothing is left to score.
    rounds = Round.objects.filter(responses_deleted_at__isnull=True)
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
    An anonymous round is stale only when its results are due (see publication): once closed,
    with no published scorecard, or with at least k more respondents than it was published from.
    """
    latest = Scorecard.objects.of_round(OuterRef("pk"))
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
            # Attributed: any difference from what the latest scorecard read.
            (
                ~anonymous_q()
                & (
                    Q(scored_at__isnull=True, n_submitted__gt=0)
                    | (Q(scored_at__isnull=False) & ~Q(seen=F("n_submitted")))
                    | Q(last_submitted_at__gt=F("scored_at"))
                )
            )
            # Anonymous: closed, and never published or at least k more respondents since.
            | (
                anonymous_q()
                & closed_rounds_q()
                & (
                    Q(scored_at__isnull=True, n_submitted__gt=0)
                    | Q(n_submitted__gte=F("seen") + F("min_group_size"))
                )
            )
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
