"""Scoring one round, and the coalesced queue that asks for it.

``round_scoring_request`` is what every submission path calls (through the surveys app's
``round_answers_changed`` signal). It coalesces bursts: a conditional UPDATE flips
``Round.scoring_queued`` from False to True and only the caller that flipped it enqueues
``score_round_task`` (with a short countdown). The task's first act clears the flag
(``round_scoring_run``), so a submission committed after that enqueues a new task, and the last
task always reads every submission. Each computation stores a new Scorecard row (history is
kept); after a round is scored the instrument's reliability refresh is requested the same way.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reports import scoring
from reports.models import Scorecard
from surveys.anonymity import group_labels
from surveys.models import Round

from .answers import NetworkInput, instrument_view, respondents_load
from .publication import publication_due
from .queue import enqueue_once
from .reliability import instrument_reliability_request

DEFAULT_SCORING_DELAY_SECONDS = 10


@dataclass(frozen=True)
class RoundToScore:
    """What one round's new scorecard is made from: every submitted respondent of the round;
    ``small_number_k``: the k of an anonymous round; ``network``: the round's working
    relationships, when its questionnaire asks about them (scored from the same submitted
    responses, under the same rule for small groups)."""

    round_id: int
    answers: scoring.RoundAnswers
    small_number_k: int | None
    network: NetworkInput | None = None


def scorecard_rows(
    *, instrument: scoring.Instrument, rounds: Sequence[RoundToScore], computed_at: dt.datetime
) -> list[Scorecard | scoring.ScoringInputError]:
    """New scorecards (not saved) of rounds of one questionnaire, scored together
    (``scoring.score_answers_many``: each as it would be alone); a round that cannot be
    scored gets its ScoringInputError in its place."""
    counted = [
        r.answers if r.small_number_k is None else answers_that_count(r.answers, r.small_number_k)
        for r in rounds
    ]
    cards = scoring.score_answers_many(instrument, counted)
    rows: list[Scorecard | scoring.ScoringInputError] = []
    for r, card in zip(rounds, cards, strict=True):
        if isinstance(card, scoring.ScoringInputError):
            rows.append(card)
            continue
        try:
            network = (
                None
                if r.network is None
                else scoring.score_network(
                    r.network.nodes, r.network.respondents, min_group_size=r.small_number_k
                ).to_dict()
            )
        except scoring.ScoringInputError as error:
            rows.append(error)
            continue
        rows.append(
            Scorecard(
                round_id=r.round_id,
                computed_at=computed_at,
                scoring_version=card.scoring_version,
                instrument_version=card.instrument_version,
                status=card.status,
                index=None if card.index is None else round(card.index, scoring.DECIMALS),
                band=card.band or "",
                uncertain=card.uncertain,
                n_agencies=card.n_agencies,
                n_respondents=card.n_respondents,
                # every submitted response read, counted or not
                submissions_seen=len(r.answers.agencies),
                data=card.to_dict(),
                alpha_sums=scoring.likert_alpha_sums(instrument, r.answers.likert),
                network=network,
            )
        )
    return rows


def scorecard_row(
    *, instrument: scoring.Instrument, round_to_score: RoundToScore, computed_at: dt.datetime
) -> Scorecard:
    """``scorecard_rows`` of one round; raises its ScoringInputError."""
    (row,) = scorecard_rows(instrument=instrument, rounds=[round_to_score], computed_at=computed_at)
    if isinstance(row, scoring.ScoringInputError):
        raise row
    return row


def round_score(*, round_id: int) -> Scorecard | None:
    """Score one round from its submitted responses and store the scorecard.

    Six queries whatever the round's size: the round with its instrument, its questions, the
    submitted responses, their Likert answers, their rankings, and the insert (five on
    PostgreSQL, which reads the Likert answers and the rankings in one pass; an anonymous
    round reads its published scorecard too; a questionnaire that asks about working
    relationships adds two: the ratings and the agencies at opening). The instrument's
    reliability refresh is requested for after the commit. None, and nothing stored, when an
    anonymous round may not publish yet.
    """
    computed_at = timezone.now()  # before reading: see Scorecard.computed_at
    rnd = Round.objects.select_related("instrument").get(pk=round_id)
    view = instrument_view(rnd.instrument)
    loaded = respondents_load({round_id: view})
    answers = loaded.answers[round_id]
    if rnd.is_anonymous:
        published = Scorecard.objects.of_round(rnd).values_list("submissions_seen", flat=True)
        n_submitted = len(answers.agencies)
        if not publication_due(rnd, n_submitted=n_submitted, published_seen=published.first()):
            return None
    scorecard = scorecard_row(
        instrument=view.scoring,
        round_to_score=RoundToScore(
            round_id=round_id,
            answers=answers,
            small_number_k=small_number_k(rnd),
            network=loaded.networks.get(round_id) if view.relationship_ids else None,
        ),
        computed_at=computed_at,
    )
    scorecard.save()  # a single insert: atomic by itself
    instrument_reliability_request(instrument_id=rnd.instrument_id)
    return scorecard


def groups_that_count(respondents: list[scoring.Respondent], k: int) -> list[scoring.Respondent]:
    """The respondents of the groups that count in an anonymous round, small groups relabelled
    "Other agencies" or left out (surveys.anonymity.group_labels)."""
    labels = group_labels(Counter(r.agency for r in respondents), k)
    return [
        replace(r, agency=label) for r in respondents if (label := labels[r.agency]) is not None
    ]


def answers_that_count(answers: scoring.RoundAnswers, k: int) -> scoring.RoundAnswers:
    """``groups_that_count`` for a round read as arrays: the same labels, the same rows."""
    labels = group_labels(Counter(answers.agencies), k)
    rows = [row for row, agency in enumerate(answers.agencies) if labels[agency] is not None]
    rankings = answers.rankings
    return scoring.RoundAnswers(
        agencies=[labels[answers.agencies[row]] for row in rows],
        likert=answers.likert[rows],
        rankings=(
            rankings[rows] if isinstance(rankings, np.ndarray) else [rankings[row] for row in rows]
        ),
    )


def small_number_k(survey_round: Round) -> int | None:
    """The threshold the scoring applies to this round: its k if anonymous."""
    return survey_round.min_group_size if survey_round.is_anonymous else None


def round_scoring_request(*, round_id: int) -> None:
    """Ask for the round to be rescored soon; the hook every submission path calls.

    Safe anywhere: inside a transaction it waits for the commit (a worker must never read a
    submission that is not there yet); outside one, in an on_commit callback, it runs at once.
    It never raises: the submission is already stored and scoring catches up later.
    """

    def enqueue() -> None:
        from reports.tasks import score_round_task  # the task module imports this one

        enqueue_once(
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


def round_history_prune(*, round_id: int) -> int:
    """Keep only a round's latest scorecard (its responses were deleted): earlier scorecards
    hold what was derived from the deleted answers. Returns how many were deleted."""
    latest = Scorecard.objects.of_round(round_id).values_list("pk", flat=True).first()
    if latest is None:  # no scorecard: nothing to prune
        return 0
    deleted, _by_model = Scorecard.objects.filter(round_id=round_id).exclude(pk=latest).delete()
    return deleted
