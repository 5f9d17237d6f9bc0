"""The harness's one data builder: every tool's authorities, agencies, partnerships, projects,
rounds, invitations, responses and answers are made here.

The registry (authorities, agencies, partnerships with their memberships, projects, rounds,
invitations) goes through bulk inserts, the same way for every workload. Responses and answers
come in the shapes each measurement needs:

* the scoring benchmark's millions of answers are written by PostgreSQL itself
  (INSERT ... SELECT over generate_series, so PostgreSQL only);
* the reports benchmark's submitted responses come through invitations, with the Likert answers
  written by one portable INSERT ... SELECT, so the tests check them on SQLite at a tiny size;
* the submission benchmark's and the fault scenarios' invitations have every answer saved but
  nothing submitted.

Values are fixed arithmetic mixes of ids and positions, never random, so every run scores and
reads the same data. (The load test draws its answers from a seeded generator, in load.py, and
builds its registry with the functions here.)
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import login
from django.db import connection, transaction
from django.http import HttpRequest
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
from reports import scoring, services
from reports.instrument_loader import instrument_load_all
from reports.models import Scorecard, ScorecardStatus
from surveys.models import (
    Answer,
    Instrument,
    Invitation,
    Question,
    QuestionType,
    Response,
    Round,
)
from surveys.services import round_members_snapshot
from surveys.tokens import new_link

BATCH = 5_000
ROUNDS_PER_PROJECT = 100  # the scoring benchmark's rounds, grouped into projects
PROGRAMMES = ("New Start", "Connexions", "Safer Streets", "")
AGENCY_TYPES = [t for t in AgencyType.values if t != AgencyType.OTHER]
OVERVIEW_INSUFFICIENT_EVERY = 25  # one partnership in 25 has too few responses to be placed


# --------------------------------------------------------------------------------------------
# The registry


def instrument() -> Instrument:
    """The current questionnaire, loaded from surveys/instruments/ if it is not yet."""
    return instrument_load_all()[0][0]


def instrument_with_relationships() -> Instrument:
    """The first questionnaire with a working-relationships section (its rounds have a map)."""
    for questionnaire, _outcome in instrument_load_all():
        if questionnaire.questions.filter(type=QuestionType.RELATIONSHIPS).exists():
            return questionnaire
    raise LookupError("no instrument in surveys/instruments/ asks about working relationships")


def relationship_level(rater: int, other: int, n: int) -> int | None:
    """A rater's seeded level for another agency: each pair has its own level, spread over
    0-5 (two thirds of pairs at cooperation or more); one rating in 8 is two levels higher, so
    some pairs are mismatched, and one in 20 is "don't know"."""
    low, high = min(rater, other), max(rater, other)
    if (rater * 11 + other * 3 + n) % 20 == 0:
        return None
    level = (low * 7 + high * 13) % 6
    return min(5, level + 2) if (rater * 5 + other + n) % 8 == 0 else level


def bench_tag() -> str:
    """A tag no earlier run (nor a concurrent one in another process) has used."""
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"


def authority_create(*, name: str, slug: str) -> LocalAuthority:
    return LocalAuthority.objects.create(name=name, slug=slug)


def agencies_create(authority: LocalAuthority, kinds: Iterable[tuple[str, str]]) -> list[Agency]:
    """Agencies of the authority from (name, agency type) pairs, in that order."""
    return Agency.objects.bulk_create(
        Agency(authority=authority, name=name, agency_type=agency_type)
        for name, agency_type in kinds
    )


def user_create(*, username: str, authority: LocalAuthority, role: str, **fields) -> User:
    """A user who never signs in with a password (see session_cookie)."""
    user = User(username=username, authority=authority, role=role, **fields)
    user.set_unusable_password()
    user.save()
    return user


@dataclass(frozen=True)
class PartnershipPlan:
    name: str
    agencies: Sequence[Agency]  # its members
    level: str = Level.OPERATIONAL
    programme: str = ""


def partnerships_create(
    authority: LocalAuthority, plans: Sequence[PartnershipPlan]
) -> list[Partnership]:
    """The partnerships, in order, each with a membership for each of its agencies."""
    partnerships = Partnership.objects.bulk_create(
        Partnership(authority=authority, name=p.name, programme=p.programme, level=p.level)
        for p in plans
    )
    Membership.objects.bulk_create(
        (
            Membership(partnership=partnership, agency=agency)
            for partnership, plan in zip(partnerships, plans, strict=True)
            for agency in plan.agencies
        ),
        batch_size=BATCH,
    )
    return partnerships


def partnership_create(
    authority: LocalAuthority, name: str, agencies: Sequence[Agency], **fields
) -> Partnership:
    return partnerships_create(authority, [PartnershipPlan(name, agencies, **fields)])[0]


def projects_create(named: Iterable[tuple[Partnership, str]]) -> list[Project]:
    return Project.objects.bulk_create(Project(partnership=p, name=name) for p, name in named)


def project_create(partnership: Partnership, name: str) -> Project:
    return projects_create([(partnership, name)])[0]


def round_new(
    project: Project,
    questionnaire: Instrument,
    *,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date,
    introduction: str,
    **fields,
) -> Round:
    """A round, not yet saved (rounds_create saves many at once)."""
    return Round(
        project=project,
        instrument=questionnaire,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        introduction=introduction,
        **fields,
    )


def rounds_create(rounds: Iterable[Round]) -> list[Round]:
    return Round.objects.bulk_create(rounds)


def round_create(project: Project, questionnaire: Instrument, **fields) -> Round:
    return rounds_create([round_new(project, questionnaire, **fields)])[0]


def invitations_create(
    survey_round: Round,
    agencies: Sequence[Agency],
    indexes: Iterable[int],
    *,
    name: str = "Person {}",
    email: str = "person{}@bench.example.org",
    numbered_from: int = 1,
    **fields,
) -> tuple[list[Invitation], list[str]]:
    """One sent invitation per index i, to agencies[i % len(agencies)] (agencies in turn), its
    person numbered i + numbered_from in `name` and `email`; returns them and their tokens."""
    now = timezone.now()
    invitations, tokens = [], []
    for i in indexes:
        link, token = new_link()
        tokens.append(token)
        number = i + numbered_from
        invitations.append(
            Invitation(
                round=survey_round,
                agency=agencies[i % len(agencies)],
                name=name.format(number),
                email=email.format(number),
                sent_at=now,
                **fields,
                **link,
            )
        )
    return Invitation.objects.bulk_create(invitations, batch_size=BATCH), tokens


def responses_create(invitations: Sequence[Invitation], *, submitted: bool) -> list[Response]:
    """A consented response per invitation, every page saved (last_section is the last one);
    submitted now, or not yet."""
    if not invitations:
        return []
    now = timezone.now()
    survey_round = invitations[0].round
    sections = survey_round.instrument.sections.count()
    return Response.objects.bulk_create(
        (
            Response(
                round=survey_round,
                agency_id=inv.agency_id,
                invitation=inv,
                consented_at=now,
                submitted_at=now if submitted else None,
                last_section=sections,
            )
            for inv in invitations
        ),
        batch_size=BATCH,
    )


def rotation(codes: Sequence[str], shift: int) -> dict[str, int]:
    """The ranking that puts codes[shift] first and goes on in order: agencies whose rankings
    are rotations neither agree perfectly nor rank at random."""
    shift %= len(codes)
    order = [*codes[shift:], *codes[:shift]]
    return {code: rank for rank, code in enumerate(order, start=1)}


def likert_answers_insert(round_ids: Sequence[int], instrument_id: int) -> int:
    """Every Likert item answered for each submitted response of the rounds, written by the
    database itself: a fixed mix of ids spreads values over 1..5, and every 40th is "don't
    know" (no value, as the check constraint requires). Portable SQL; returns the rows."""
    rounds = ", ".join(["%s"] * len(round_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO surveys_answer
                (response_id, question_id, value, dont_know, choice, text, ranking)
            SELECT r.id, q.id,
                   CASE WHEN (r.id + q.id) %% 40 = 0 THEN NULL
                        ELSE 1 + (r.id * 31 + q.id * 17 + r.agency_id * 7) %% 5 END,
                   (r.id + q.id) %% 40 = 0, '', '', NULL
            FROM surveys_response r CROSS JOIN surveys_question q
            WHERE r.round_id IN ({rounds}) AND r.submitted_at IS NOT NULL
              AND q.instrument_id = %s AND q.type = %s
            """,  # noqa: S608  # only placeholders are formatted in
            [*round_ids, instrument_id, QuestionType.LIKERT],
        )
        return cursor.rowcount


def analyze() -> None:
    """Fresh planner statistics after a bulk load (autovacuum would get there later)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --------------------------------------------------------------------------------------------
# The scoring benchmark: many rounds, PostgreSQL writing the responses and answers


@dataclass(frozen=True)
class BenchData:
    instrument: Instrument
    round_ids: list[int]
    n_responses: int
    n_answers: int


def _rankings(questionnaire: Instrument) -> list[str]:
    """Every rotation of the outcome list, as JSON; responses cycle through them."""
    question = questionnaire.questions.get(type=QuestionType.RANKING)
    codes = [option["code"] for option in question.options]
    return [json.dumps(rotation(codes, shift)) for shift in range(len(codes))]


@transaction.atomic
def bench_rounds_create(
    *, n_rounds: int, n_agencies: int, respondents_per_agency: int, tag: str
) -> BenchData:
    """n_rounds rounds, each with n_agencies x respondents_per_agency submitted responses,
    each response answering every Likert item (one in 40 "don't know") and the ranking."""
    if connection.vendor != "postgresql":
        raise RuntimeError("the benchmark data generator needs PostgreSQL")
    questionnaire = instrument()
    authority = authority_create(name=f"Benchmark {tag}", slug=f"bench-{tag}")
    agencies = agencies_create(
        authority, ((f"Bench agency {i + 1}", AgencyType.OTHER) for i in range(n_agencies))
    )
    officer = user_create(username=f"bench-officer-{tag}", authority=authority, role=Role.OFFICER)
    partnership = partnership_create(authority, f"Bench partnership {tag}", agencies)
    today = timezone.localdate()
    rounds: list[Round] = []
    for p in range(math.ceil(n_rounds / ROUNDS_PER_PROJECT)):
        project = project_create(partnership, f"Bench {tag} {p + 1}")
        for i in range(min(ROUNDS_PER_PROJECT, n_rounds - len(rounds))):
            rounds.append(
                round_new(
                    project,
                    questionnaire,
                    title=f"Bench round {p + 1}.{i + 1}",
                    opens_on=today - dt.timedelta(days=30),
                    closes_on=today,
                    introduction="Benchmark round.",
                )
            )
    round_ids = [r.pk for r in rounds_create(rounds)]
    per_round = n_agencies * respondents_per_agency
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO surveys_response
                (round_id, agency_id, entered_by_id, consented_at, started_at, updated_at,
                 submitted_at, last_section, language)
            SELECT r.id, (%(agencies)s::bigint[])[1 + g / %(per_agency)s], %(officer)s,
                   now(), now(), now(), now(), 0, ''
            FROM unnest(%(rounds)s::bigint[]) AS r(id)
            CROSS JOIN generate_series(0, %(last)s) AS g
            """,
            {
                "agencies": [a.pk for a in agencies],
                "per_agency": respondents_per_agency,
                "officer": officer.pk,
                "rounds": round_ids,
                "last": per_round - 1,
            },
        )
        n_responses = cursor.rowcount
        rankings = _rankings(questionnaire)
        n_answers = likert_answers_insert(round_ids, questionnaire.pk)
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
                "instrument": questionnaire.pk,
                "rankings": rankings,
                "n_rankings": len(rankings),
            },
        )
        n_answers += cursor.rowcount
    return BenchData(
        instrument=questionnaire,
        round_ids=round_ids,
        n_responses=n_responses,
        n_answers=n_answers,
    )


# --------------------------------------------------------------------------------------------
# The submission benchmark and the fault scenarios: answers saved, nothing submitted


def saved_round_create(n_invitations: int, n_agencies: int = 20) -> tuple[Round, list[str]]:
    """One authority, n agencies in a partnership, a round, invitations with every answer saved
    page by page and nothing submitted; returns the round and the invitations' tokens.

    The authority is named after the current second.
    """
    questionnaire = instrument()
    stamp = time.strftime("%Y%m%d%H%M%S")
    with transaction.atomic():
        authority = authority_create(name=f"Bench {stamp}", slug=f"bench-{stamp}")
        agencies = agencies_create(
            authority, ((f"Agency {i}", AgencyType.OTHER) for i in range(n_agencies))
        )
        partnership = partnership_create(authority, "Bench partnership", agencies)
        project = project_create(partnership, "Bench project")
        today = timezone.localdate()
        survey_round = round_create(
            project,
            questionnaire,
            title="Bench round",
            opens_on=today,
            closes_on=today,
            introduction="Bench",
        )
    questions = list(questionnaire.questions.all())
    tokens = []
    for start in range(0, n_invitations, 500):
        with transaction.atomic():
            invitations, batch_tokens = invitations_create(
                survey_round,
                agencies,
                range(start, min(start + 500, n_invitations)),
                numbered_from=0,
            )
            tokens += batch_tokens
            saved_answers_create(responses_create(invitations, submitted=False), questions)
    return survey_round, tokens


def saved_answers_create(responses: Sequence[Response], questions: Sequence[Question]) -> None:
    """Every Likert item and the ranking answered, the n-th response's values shifted by n."""
    answers = []
    for n, response in enumerate(responses):
        for q in questions:
            if q.type == QuestionType.LIKERT:
                answers.append(
                    Answer(response=response, question=q, value=1 + (n + q.position) % 5)
                )
            elif q.type == QuestionType.RANKING:
                codes = [o["code"] for o in q.options]
                answers.append(Answer(response=response, question=q, ranking=rotation(codes, n)))
    Answer.objects.bulk_create(answers, batch_size=BATCH)


# --------------------------------------------------------------------------------------------
# The reports benchmark: three authorities of its own, each deleted at the end


@dataclass(frozen=True)
class Tenant:
    authority: LocalAuthority
    manager: User
    agencies: list[Agency]


def tenant_create(*, tag: str, purpose: str, n_agencies: int) -> Tenant:
    """An authority, its agencies and a manager who sees the whole authority."""
    authority = authority_create(
        name=f"Bench reports {purpose} {tag}", slug=f"bench-reports-{purpose}-{tag}"
    )
    agencies = agencies_create(
        authority,
        ((f"Agency {i + 1:02d}", AGENCY_TYPES[i % len(AGENCY_TYPES)]) for i in range(n_agencies)),
    )
    # Signed in through a session made here (session_cookie), never a password.
    manager = user_create(
        username=f"bench-reports-{purpose}-{tag}",
        authority=authority,
        role=Role.MANAGER,
        sees_whole_authority=True,
    )
    return Tenant(authority=authority, manager=manager, agencies=agencies)


def submitted_responses_create(
    *, survey_round: Round, agencies: list[Agency], n_responses: int
) -> int:
    """n submitted responses (through invitations, agencies in turn), each answering every
    Likert item (one answer in 40 "don't know"), the ranking and the choice; returns the number
    of answers written."""
    invitations, _tokens = invitations_create(
        survey_round, agencies, range(n_responses), send_count=1
    )
    responses = responses_create(invitations, submitted=True)
    # The Likert answers (36 of 38 per response) are written by the database itself.
    n_answers = likert_answers_insert([survey_round.pk], survey_round.instrument_id)
    questions = survey_round.instrument.questions
    ranking = questions.get(type=QuestionType.RANKING)
    choice = questions.get(type=QuestionType.CHOICE)
    outcomes = [o["code"] for o in ranking.options]
    positions = [o["code"] for o in choice.options]
    others = []
    for n, response in enumerate(responses):
        others.append(
            Answer(
                response=response,
                question=ranking,
                ranking=rotation(outcomes, n + response.agency_id),
            )
        )
        others.append(Answer(response=response, question=choice, choice=positions[n % 4]))
    relationships = questions.filter(type=QuestionType.RELATIONSHIPS).first()
    if relationships is not None:  # each rates every other agency of the round at opening
        members = list(survey_round.agencies_at_opening.values_list("pk", flat=True))
        for n, response in enumerate(responses):
            ratings = {
                str(other): relationship_level(response.agency_id, other, n)
                for other in members
                if other != response.agency_id
            }
            others.append(Answer(response=response, question=relationships, relationships=ratings))
    Answer.objects.bulk_create(others, batch_size=BATCH)
    return n_answers + len(others)


def _round(project: Project, questionnaire: Instrument, title: str, opens_on: dt.date) -> Round:
    return round_new(
        project,
        questionnaire,
        title=title,
        opens_on=opens_on,
        closes_on=opens_on + dt.timedelta(days=21),
        introduction="Benchmark round.",
    )


def _partnership_with_project(tenant: Tenant, name: str) -> Project:
    partnership = partnership_create(
        tenant.authority, name, tenant.agencies, programme="New Start", level=Level.OPERATIONAL
    )
    return project_create(partnership, f"{name} project")


@transaction.atomic
def csv_round_create(*, tag: str, n_responses: int, n_agencies: int = 40) -> tuple[Round, int]:
    """One attributed round with n submitted responses; returns it and its number of answers."""
    tenant = tenant_create(tag=tag, purpose="csv", n_agencies=n_agencies)
    project = _partnership_with_project(tenant, "CSV partnership")
    (survey_round,) = rounds_create(
        [_round(project, instrument(), "CSV round", timezone.localdate())]
    )
    n_answers = submitted_responses_create(
        survey_round=survey_round, agencies=tenant.agencies, n_responses=n_responses
    )
    return survey_round, n_answers


def dashboard_project_create(
    *, tag: str, n_agencies: int = 40, n_rounds: int = 10, respondents_per_agency: int = 3
) -> Project:
    """A project of n agencies with n_rounds rounds a month apart, every one scored; the
    questionnaire asks about working relationships, so every dashboard draws the network map
    (n x (n - 1) ratings per set of respondents)."""
    with transaction.atomic():
        tenant = tenant_create(tag=tag, purpose="dashboard", n_agencies=n_agencies)
        project = _partnership_with_project(tenant, "Dashboard partnership")
        questionnaire = instrument_with_relationships()
        first = timezone.localdate() - dt.timedelta(days=30 * n_rounds)
        rounds = rounds_create(
            _round(project, questionnaire, f"Round {i + 1}", first + dt.timedelta(days=30 * i))
            for i in range(n_rounds)
        )
        for survey_round in rounds:
            round_members_snapshot(survey_round=survey_round)
            submitted_responses_create(
                survey_round=survey_round,
                agencies=tenant.agencies,
                n_responses=n_agencies * respondents_per_agency,
            )
    # Real scorecards, as the scoring task would store them (bootstrap included).
    for _progress in services.rescore(authority_id=tenant.authority.pk):
        pass
    return project


@transaction.atomic
def overview_authority_create(
    *, tag: str, n_partnerships: int = 1000, n_agencies: int = 50, agencies_per_partnership: int = 5
) -> LocalAuthority:
    """n partnerships of a few agencies each, each with a project, a round and a scorecard.

    The first round is answered and scored for real; the others get copies of its scorecard
    with their own index and band (the overview reads stored scorecards only, never answers).
    """
    tenant = tenant_create(tag=tag, purpose="overview", n_agencies=n_agencies)
    agencies = tenant.agencies
    partnerships = partnerships_create(
        tenant.authority,
        [
            PartnershipPlan(
                name=f"Partnership {i + 1:04d}",
                agencies=[agencies[(i + j) % n_agencies] for j in range(agencies_per_partnership)],
                level=Level.STRATEGIC if i % 3 == 0 else Level.OPERATIONAL,
                programme=PROGRAMMES[i % len(PROGRAMMES)],
            )
            for i in range(n_partnerships)
        ],
    )
    projects = projects_create((p, f"{p.name} project") for p in partnerships)
    questionnaire = instrument()
    today = timezone.localdate()
    rounds = rounds_create(
        _round(p, questionnaire, f"Round of {p.name}", today - dt.timedelta(days=i % 365))
        for i, p in enumerate(projects)
    )
    submitted_responses_create(
        survey_round=rounds[0],
        agencies=agencies[:agencies_per_partnership],
        n_responses=3 * agencies_per_partnership,
    )
    for _progress in services.rescore(round_id=rounds[0].pk):
        pass
    template = Scorecard.objects.get(round=rounds[0])
    copies = []
    for i, survey_round in enumerate(rounds[1:], start=1):
        if i % OVERVIEW_INSUFFICIENT_EVERY == 0:
            index, band, status = None, "", ScorecardStatus.INSUFFICIENT
        else:
            index = (i * 37) % 1000 / 10  # spread over the whole continuum
            band, status = scoring.band_for(index), ScorecardStatus.OK
        copies.append(
            Scorecard(
                round=survey_round,
                computed_at=template.computed_at,
                scoring_version=template.scoring_version,
                instrument_version=template.instrument_version,
                status=status,
                index=index,
                band=band,
                uncertain=i % 7 == 0 and index is not None,
                n_agencies=template.n_agencies,
                n_respondents=template.n_respondents,
                submissions_seen=template.submissions_seen,
                data={**template.data, "index": index, "band": band or None},
                alpha_sums=template.alpha_sums,
            )
        )
    Scorecard.objects.bulk_create(copies, batch_size=500)
    return tenant.authority


def session_cookie(user: User) -> str:
    """A signed-in session for the user, made by django.contrib.auth.login as a sign-in does;
    returns the session key, the value of the session cookie."""
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()
    key = request.session.session_key
    if key is None:  # never: save() has just made the key
        raise RuntimeError("the session has no key after save()")
    return key


def tenants_delete(slugs: list[str], session_keys: list[str]) -> None:
    """Everything the benchmark made, children first (most of it without loading a row), and
    the questionnaire's reliability recomputed without the deleted scorecards."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in session_keys:
        store(session_key=key).delete()
    authorities = LocalAuthority.objects.filter(slug__in=slugs)
    rounds = Round.objects.filter(project__partnership__authority__in=authorities)
    instrument_ids = set(rounds.values_list("instrument_id", flat=True))
    with transaction.atomic():
        Scorecard.objects.filter(round__in=rounds).delete()
        Answer.objects.filter(response__round__in=rounds).delete()
        Response.objects.filter(round__in=rounds).delete()
        Invitation.objects.filter(round__in=rounds).delete()
        rounds.delete()
        Project.objects.filter(partnership__authority__in=authorities).delete()
        Membership.objects.filter(partnership__authority__in=authorities).delete()
        Partnership.objects.filter(authority__in=authorities).delete()
        User.objects.filter(authority__in=authorities).delete()
        Agency.objects.filter(authority__in=authorities).delete()
        authorities.delete()
    for instrument_id in instrument_ids:
        services.instrument_reliability_refresh(instrument_id=instrument_id)


# --------------------------------------------------------------------------------------------
# Reading back


def round_respondents(round_id: int) -> list[scoring.Respondent]:
    """A round's submitted respondents as the scoring module takes them, read straight from the
    tables (not through the scoring service, which the load test checks): in response order,
    each with its Likert answers by item code (a "don't know" has no value: None, missing) and
    its ranking, if any."""
    survey_round = Round.objects.get(pk=round_id)
    submitted = Response.objects.filter(round=survey_round, submitted_at__isnull=False)
    answers = Answer.objects.filter(
        response__in=submitted, question__instrument_id=survey_round.instrument_id
    )
    likert: dict[int, dict[str, int | None]] = {}
    for response_id, code, value in answers.filter(question__type=QuestionType.LIKERT).values_list(
        "response_id", "question__code", "value"
    ):
        likert.setdefault(response_id, {})[code] = value
    ranking_of = dict(
        answers.filter(question__type=QuestionType.RANKING, ranking__isnull=False).values_list(
            "response_id", "ranking"
        )
    )
    return [
        scoring.Respondent(agency=agency_id, answers=likert.get(pk, {}), ranking=ranking_of.get(pk))
        for pk, agency_id in submitted.order_by("pk").values_list("pk", "agency_id")
    ]
