"""Synthetic rounds for the benchmark, written by PostgreSQL itself.

Millions of answers cannot go through the ORM in a reasonable time, so the small registry
(authority, agencies, partnership, projects, rounds) is created with the ORM and the responses
and answers with INSERT ... SELECT over generate_series. Values are deterministic (a fixed
arithmetic mix of ids, no random()), so every run scores the same data.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from partnerships.models import (
    Agency,
    AgencyType,
    Level,
    LocalAuthority,
    Membership,
    Partnership,
    Project,
    Role,
    User,
)
from reports.instrument_loader import instrument_load_all
from surveys.models import Instrument, QuestionType, Round

ROUNDS_PER_PROJECT = 100


@dataclass(frozen=True)
class BenchData:
    instrument: Instrument
    round_ids: list[int]
    n_responses: int
    n_answers: int


def _registry(n_agencies: int, tag: str) -> tuple[Instrument, list[int], User, Partnership]:
    instrument = instrument_load_all()[0][0]
    authority, _created = LocalAuthority.objects.get_or_create(
        slug=f"bench-{tag}", defaults={"name": f"Benchmark {tag}"}
    )
    agencies = [
        Agency.objects.get_or_create(
            authority=authority,
            name=f"Bench agency {i + 1}",
            defaults={"agency_type": AgencyType.OTHER},
        )[0]
        for i in range(n_agencies)
    ]
    officer, _created = User.objects.get_or_create(
        username=f"bench-officer-{tag}",
        defaults={"authority": authority, "role": Role.OFFICER},
    )
    partnership, _created = Partnership.objects.get_or_create(
        authority=authority, name=f"Bench partnership {tag}", defaults={"level": Level.OPERATIONAL}
    )
    for agency in agencies:
        Membership.objects.get_or_create(partnership=partnership, agency=agency)
    return instrument, [a.pk for a in agencies], officer, partnership


def _rankings(instrument: Instrument) -> list[str]:
    """Eight full rankings of the outcome list (rotations), as JSON; responses cycle through
    them, so agencies neither agree perfectly nor rank at random."""
    question = instrument.questions.get(type=QuestionType.RANKING)
    codes = [option["code"] for option in question.options]
    out = []
    for shift in range(len(codes)):
        order = codes[shift:] + codes[:shift]
        out.append(json.dumps({code: rank + 1 for rank, code in enumerate(order)}))
    return out


@transaction.atomic
def bench_rounds_create(
    *, n_rounds: int, n_agencies: int, respondents_per_agency: int, tag: str
) -> BenchData:
    """n_rounds rounds, each with n_agencies x respondents_per_agency submitted responses,
    each response answering every Likert item (one in 40 "don't know") and the ranking."""
    if connection.vendor != "postgresql":
        raise RuntimeError("the benchmark data generator needs PostgreSQL")
    instrument, agency_ids, officer, partnership = _registry(n_agencies, tag)
    today = timezone.localdate()
    rounds: list[Round] = []
    for p in range(-(-n_rounds // ROUNDS_PER_PROJECT)):
        project = Project.objects.create(partnership=partnership, name=f"Bench {tag} {p + 1}")
        for i in range(min(ROUNDS_PER_PROJECT, n_rounds - len(rounds))):
            rounds.append(
                Round(
                    project=project,
                    instrument=instrument,
                    title=f"Bench round {p + 1}.{i + 1}",
                    opens_on=today - dt.timedelta(days=30),
                    closes_on=today,
                    introduction="Benchmark round.",
                )
            )
    round_ids = [r.pk for r in Round.objects.bulk_create(rounds)]
    per_round = n_agencies * respondents_per_agency
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO surveys_response
                (round_id, agency_id, entered_by_id, consented_at, started_at, updated_at,
                 submitted_at, last_section)
            SELECT r.id, (%(agencies)s::bigint[])[1 + g / %(per_agency)s], %(officer)s,
                   now(), now(), now(), now(), 0
            FROM unnest(%(rounds)s::bigint[]) AS r(id)
            CROSS JOIN generate_series(0, %(last)s) AS g
            """,
            {
                "agencies": agency_ids,
                "per_agency": respondents_per_agency,
                "officer": officer.pk,
                "rounds": round_ids,
                "last": per_round - 1,
            },
        )
        n_responses = cursor.rowcount
        # Likert answers: a fixed mix of ids spreads values over 1..5; every 40th is "don't
        # know" (no value), as the check constraint requires.
        cursor.execute(
            """
            INSERT INTO surveys_answer
                (response_id, question_id, value, dont_know, choice, text, ranking)
            SELECT resp.id, q.id,
                   CASE WHEN (resp.id + q.id) %% 40 = 0 THEN NULL
                        ELSE 1 + (resp.id * 31 + q.id * 17 + resp.agency_id * 7) %% 5 END,
                   (resp.id + q.id) %% 40 = 0, '', '', NULL
            FROM surveys_response resp
            CROSS JOIN surveys_question q
            WHERE resp.round_id = ANY(%(rounds)s::bigint[])
              AND q.instrument_id = %(instrument)s AND q.type = 'likert'
            """,
            {"rounds": round_ids, "instrument": instrument.pk},
        )
        n_answers = cursor.rowcount
        rankings = _rankings(instrument)
        cursor.execute(
            """
            INSERT INTO surveys_answer
                (response_id, question_id, value, dont_know, choice, text, ranking)
            SELECT resp.id, q.id, NULL, false, '', '',
                   (%(rankings)s::jsonb[])[1 + (resp.id + resp.agency_id) %% %(n_rankings)s]
            FROM surveys_response resp
            CROSS JOIN surveys_question q
            WHERE resp.round_id = ANY(%(rounds)s::bigint[])
              AND q.instrument_id = %(instrument)s AND q.type = 'ranking'
            """,
            {
                "rounds": round_ids,
                "instrument": instrument.pk,
                "rankings": rankings,
                "n_rankings": len(rankings),
            },
        )
        n_answers += cursor.rowcount
    return BenchData(
        instrument=instrument, round_ids=round_ids, n_responses=n_responses, n_answers=n_answers
    )


def bench_analyze() -> None:
    """Fresh planner statistics after a bulk load (autovacuum would get there later)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
