"""Demo survey rounds with realistic, reproducible responses (seed_demo scores them)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from partnerships.models import Membership, Project

from .models import (
    Answer,
    Instrument,
    Invitation,
    Question,
    QuestionType,
    ReportingMode,
    Response,
    Round,
)
from .services import round_members_snapshot
from .tokens import new_link

# The outcome each kind of agency tends to rank first for itself (its own target).
OWN_TARGET = {
    "youth_service": "self_confidence",
    "careers": "ete_participation",
    "school": "ete_participation",
    "fe_college": "ete_participation",
    "youth_offending": "reduce_offending",
    "police": "reduce_offending",
    "health": "reduce_teenage_pregnancy",
    "social_care": "stable_housing",
    "housing": "stable_housing",
    "voluntary": "participant_needs",
    "community": "participant_needs",
    "other": "healthy_lifestyles",
}

# (project, round title, months ago it opened, reporting mode, open now?, level per dimension)
# Levels are 1..5 on the agree scale towards the connected pole.
DEMO_ROUNDS = [
    (
        "Back on Track",
        "Baseline, spring 2026",
        8,
        ReportingMode.ATTRIBUTED,
        False,
        {
            "aims": 2.6,
            "outcomes": 2.0,
            "client_focus": 2.2,
            "information": 2.8,
            "awareness": 2.5,
            "structure": 2.2,
        },
        0.25,
    ),
    (
        "Back on Track",
        "Follow-up, autumn 2026",
        2,
        ReportingMode.ATTRIBUTED,
        False,
        {
            "aims": 3.6,
            "outcomes": 3.3,
            "client_focus": 3.5,
            "information": 3.9,
            "awareness": 3.4,
            "structure": 3.0,
        },
        0.6,
    ),
    (
        "Personal Advisers in Schools",
        "Annual review 2026",
        3,
        ReportingMode.ANONYMOUS,
        False,
        {
            "aims": 3.2,
            "outcomes": 2.6,
            "client_focus": 2.4,
            "information": 3.0,
            "awareness": 3.1,
            "structure": 3.8,
        },
        0.3,
    ),
    (
        "Friday Night Project",
        "Partners' views 2026",
        4,
        ReportingMode.ATTRIBUTED,
        False,
        {
            "aims": 4.4,
            "outcomes": 2.1,
            "client_focus": 1.9,
            "information": 4.3,
            "awareness": 3.6,
            "structure": 1.7,
        },
        0.2,
    ),
    (
        "Summer Bridge",
        "First survey, winter 2026",
        0,
        ReportingMode.ATTRIBUTED,
        True,
        {
            "aims": 3.0,
            "outcomes": 3.0,
            "client_focus": 3.0,
            "information": 3.0,
            "awareness": 3.0,
            "structure": 3.0,
        },
        0.4,
    ),
]


def _likert(rng: random.Random, level: float, reverse: bool) -> int | None:
    if rng.random() < 0.04:
        return None  # "don't know"
    value = round(rng.gauss(level, 0.8))
    value = min(5, max(1, value))
    return 6 - value if reverse else value


# Working relationships in Back on Track (agency names as in partnerships.demo): the youth
# offending team works with nobody (isolated), and the youth service thinks it coordinates with
# the college, which thinks they barely network (a mismatch).
ISOLATED = "Northshire Youth Offending Team"
MISMATCH = (
    ("Northshire Youth Service", "Northshire College", 3),
    ("Northshire College", "Northshire Youth Service", 1),
)
DEMO_NETWORK_PROJECT = "Back on Track"


def _relationship_level(
    rng: random.Random, project: str, rater: str, rated: str, base: int
) -> int | None:
    """One person's rating of another agency: the pair's base level, sometimes one above (so two
    agencies' means never drift 2 apart by chance), or don't know now and then."""
    if project == DEMO_NETWORK_PROJECT:
        if ISOLATED in (rater, rated):
            return rng.choice([0, 1])
        for a, b, level in MISMATCH:
            if (rater, rated) == (a, b):
                return level
    if rng.random() < 0.05:
        return None
    return min(5, base + (1 if rng.random() < 0.3 else 0))


def _ranking(rng: random.Random, codes: list[str], own: str, client_first: float) -> dict:
    order = codes[:]
    rng.shuffle(order)
    first = "participant_needs" if rng.random() < client_first else own
    order.remove(first)
    return {code: rank for rank, code in enumerate([first, *order], start=1)}


@transaction.atomic
def seed_demo_rounds(*, authority, officer, instrument: Instrument) -> list[Round]:
    """The demo rounds with their invitations and submitted answers (scored by the caller)."""
    questions = list(Question.objects.filter(instrument=instrument))
    ranking = next(q for q in questions if q.type == QuestionType.RANKING)
    codes = [o["code"] for o in ranking.options]
    today = timezone.localdate()
    made = []
    for index, (project_name, title, months, mode, is_open, levels, client_first) in enumerate(
        DEMO_ROUNDS
    ):
        project = Project.objects.get(partnership__authority=authority, name=project_name)
        if Round.objects.filter(project=project, title=title).exists():
            continue
        opens = today - dt.timedelta(days=30 * months + 14)
        closes = today + dt.timedelta(days=21) if is_open else opens + dt.timedelta(days=28)
        survey_round = Round.objects.create(
            project=project,
            instrument=instrument,
            title=title,
            opens_on=opens,
            closes_on=closes,
            reporting_mode=mode,
            min_group_size=3,
            introduction=(
                instrument.intro_anonymous.replace("{k}", "3")
                if mode == ReportingMode.ANONYMOUS
                else instrument.intro_attributed
            ),
            created_by=officer,
        )
        round_members_snapshot(survey_round=survey_round)
        rng = random.Random(1000 + index)  # noqa: S311  # nosec B311  # reproducible demo data
        memberships = Membership.objects.filter(partnership=project.partnership).select_related(
            "agency"
        )
        members = [m.agency for m in memberships]
        # Each pair's base level (the same both ways), 1 networking to 4 coalition.
        bases = {
            frozenset((a.pk, b.pk)): rng.choice([1, 2, 2, 3, 3, 4])
            for i, a in enumerate(members)
            for b in members[i + 1 :]
        }
        for m_index, membership in enumerate(memberships):
            agency = membership.agency
            people = 2 + (m_index + index) % 3
            submitting = people if not is_open else max(0, people - 2)
            for person in range(people):
                link, _token = new_link()
                invitation = Invitation.objects.create(
                    round=survey_round,
                    agency=agency,
                    name=f"{agency.name.split()[0]} colleague {person + 1}",
                    email=f"person{person + 1}.{agency.pk}.{survey_round.pk}@demo.example.org",
                    sent_at=timezone.now(),
                    **link,
                )
                if person >= submitting:
                    continue
                response = Response.objects.create(
                    round=survey_round,
                    agency=agency,
                    invitation=invitation,
                    consented_at=timezone.now(),
                    submitted_at=timezone.now(),
                    last_section=instrument.sections.count(),
                )
                shift = rng.gauss(0, 0.4)  # agencies differ around the partnership's level
                answers = []
                for q in questions:
                    if q.type == QuestionType.LIKERT:
                        value = _likert(rng, levels.get(q.dimension, 3.0) + shift, q.reverse)
                        answers.append(
                            Answer(
                                response=response, question=q, value=value, dont_know=value is None
                            )
                        )
                    elif q.type == QuestionType.RANKING:
                        own = OWN_TARGET.get(agency.agency_type, "agency_targets")
                        answers.append(
                            Answer(
                                response=response,
                                question=q,
                                ranking=_ranking(rng, codes, own, client_first),
                            )
                        )
                    elif q.type == QuestionType.CHOICE:
                        answers.append(
                            Answer(
                                response=response, question=q, choice=rng.choice(q.options)["code"]
                            )
                        )
                    elif q.type == QuestionType.RELATIONSHIPS:
                        ratings = {
                            str(other.pk): _relationship_level(
                                rng,
                                project_name,
                                agency.name,
                                other.name,
                                bases[frozenset((agency.pk, other.pk))],
                            )
                            for other in members
                            if other.pk != agency.pk
                        }
                        answers.append(Answer(response=response, question=q, relationships=ratings))
                Answer.objects.bulk_create(answers)
        made.append(survey_round)
    return made
