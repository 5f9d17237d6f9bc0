"""The reports benchmark (manage.py bench_reports): its data, its load and its measurements.

Three workloads, each in an authority of its own named with a fresh tag, so a rerun (or another
benchmark in the same database) never collides with it, and each deleted at the end:

* a round of 10,000 submitted responses, exported as the CSV of raw answers;
* a project of 40 agencies with 10 scored rounds, whose dashboard is read;
* an authority of 1,000 partnerships, each with a project, a round and a scorecard, whose
  overview is read.

The data is written portably (bulk inserts, and one INSERT ... SELECT for the Likert answers,
the bulk of the rows), so the tests check it on SQLite at a tiny size; the timings run only on
PostgreSQL. Values are fixed arithmetic mixes of ids, never random, so every run reads the same
shapes. Pages are read by closed-loop clients on one event loop (surveys.bench's pattern), so
the load generator stays cheap beside gunicorn and PostgreSQL on the same two cores.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import http.client
import os
import statistics
import subprocess  # nosec B404  # the benchmark starts our own gunicorn, nothing else
import sys
import time
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

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
from reports.bench.data import bench_analyze
from reports.exports import csv_lines, round_responses_rows
from reports.instrument_loader import instrument_load_all
from reports.models import Scorecard, ScorecardStatus
from surveys.bench import (
    SERVED_ENV,
    free_port,
    percentile,
    start_process,
    stop_process,
    wait_for_port,
)
from surveys.models import Answer, Instrument, Invitation, QuestionType, Response, Round
from surveys.tokens import new_link

BASE_DIR = Path(settings.BASE_DIR)
PROGRAMMES = ("New Start", "Connexions", "Safer Streets", "")
AGENCY_TYPES = [t for t in AgencyType.values if t != AgencyType.OTHER]
OVERVIEW_INSUFFICIENT_EVERY = 25  # one partnership in 25 has too few responses to be placed
BATCH = 5_000
SOLO_REQUESTS = 50
FRESH_READS = 15


@dataclass(frozen=True)
class Tenant:
    authority: LocalAuthority
    manager: User
    agencies: list[Agency]


def bench_tag() -> str:
    """A tag no earlier run (nor a concurrent one in another process) has used."""
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"


def tenant_create(*, tag: str, purpose: str, n_agencies: int) -> Tenant:
    """An authority, its agencies and a manager who sees the whole authority."""
    authority = LocalAuthority.objects.create(
        name=f"Bench reports {purpose} {tag}", slug=f"bench-reports-{purpose}-{tag}"
    )
    agencies = Agency.objects.bulk_create(
        Agency(
            authority=authority,
            name=f"Agency {i + 1:02d}",
            agency_type=AGENCY_TYPES[i % len(AGENCY_TYPES)],
        )
        for i in range(n_agencies)
    )
    manager = User(
        username=f"bench-reports-{purpose}-{tag}",
        authority=authority,
        role=Role.MANAGER,
        sees_whole_authority=True,
    )
    manager.set_unusable_password()  # signed in through a session made here, never a password
    manager.save()
    return Tenant(authority=authority, manager=manager, agencies=agencies)


def _instrument() -> Instrument:
    return instrument_load_all()[0][0]


def responses_create(*, survey_round: Round, agencies: list[Agency], n_responses: int) -> int:
    """n submitted responses (through invitations, agencies in turn), each answering every
    Likert item (one answer in 40 "don't know"), the ranking and the choice; returns the number
    of answers written."""
    now = timezone.now()
    sections = survey_round.instrument.sections.count()
    invitations = []
    for i in range(n_responses):
        link, _token = new_link()
        invitations.append(
            Invitation(
                round=survey_round,
                agency=agencies[i % len(agencies)],
                name=f"Person {i + 1}",
                email=f"person{i + 1}@bench.example.org",
                sent_at=now,
                send_count=1,
                **link,
            )
        )
    invitations = Invitation.objects.bulk_create(invitations, batch_size=BATCH)
    responses = Response.objects.bulk_create(
        (
            Response(
                round=survey_round,
                agency_id=inv.agency_id,
                invitation=inv,
                consented_at=now,
                submitted_at=now,
                last_section=sections,
            )
            for inv in invitations
        ),
        batch_size=BATCH,
    )
    questions = survey_round.instrument.questions
    # The Likert answers (36 of 38 per response) are written by the database itself.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO surveys_answer
                (response_id, question_id, value, dont_know, choice, text, ranking)
            SELECT r.id, q.id,
                   CASE WHEN (r.id + q.id) %% 40 = 0 THEN NULL
                        ELSE 1 + (r.id * 31 + q.id * 17 + r.agency_id * 7) %% 5 END,
                   (r.id + q.id) %% 40 = 0, '', '', NULL
            FROM surveys_response r CROSS JOIN surveys_question q
            WHERE r.round_id = %s AND r.submitted_at IS NOT NULL
              AND q.instrument_id = %s AND q.type = %s
            """,
            [survey_round.pk, survey_round.instrument_id, QuestionType.LIKERT],
        )
        n_answers = cursor.rowcount
    ranking = questions.get(type=QuestionType.RANKING)
    choice = questions.get(type=QuestionType.CHOICE)
    outcomes = [o["code"] for o in ranking.options]
    positions = [o["code"] for o in choice.options]
    others = []
    for n, response in enumerate(responses):
        # Rotations of the outcome list: agencies neither agree perfectly nor rank at random.
        shift = (n + response.agency_id) % len(outcomes)
        order = outcomes[shift:] + outcomes[:shift]
        others.append(
            Answer(
                response=response,
                question=ranking,
                ranking={code: rank for rank, code in enumerate(order, start=1)},
            )
        )
        others.append(Answer(response=response, question=choice, choice=positions[n % 4]))
    Answer.objects.bulk_create(others, batch_size=BATCH)
    return n_answers + len(others)


def _round(project: Project, instrument: Instrument, title: str, opens_on: dt.date) -> Round:
    return Round(
        project=project,
        instrument=instrument,
        title=title,
        opens_on=opens_on,
        closes_on=opens_on + dt.timedelta(days=21),
        introduction="Benchmark round.",
    )


def _partnership_with_project(tenant: Tenant, name: str) -> Project:
    partnership = Partnership.objects.create(
        authority=tenant.authority, name=name, programme="New Start", level=Level.OPERATIONAL
    )
    Membership.objects.bulk_create(
        Membership(partnership=partnership, agency=a) for a in tenant.agencies
    )
    return Project.objects.create(partnership=partnership, name=f"{name} project")


@transaction.atomic
def csv_round_create(*, tag: str, n_responses: int, n_agencies: int = 40) -> tuple[Round, int]:
    """One attributed round with n submitted responses; returns it and its number of answers."""
    tenant = tenant_create(tag=tag, purpose="csv", n_agencies=n_agencies)
    project = _partnership_with_project(tenant, "CSV partnership")
    survey_round = _round(project, _instrument(), "CSV round", timezone.localdate())
    survey_round.save()
    n_answers = responses_create(
        survey_round=survey_round, agencies=tenant.agencies, n_responses=n_responses
    )
    return survey_round, n_answers


def dashboard_project_create(
    *, tag: str, n_agencies: int = 40, n_rounds: int = 10, respondents_per_agency: int = 3
) -> Project:
    """A project of n agencies with n_rounds rounds a month apart, every one scored."""
    with transaction.atomic():
        tenant = tenant_create(tag=tag, purpose="dashboard", n_agencies=n_agencies)
        project = _partnership_with_project(tenant, "Dashboard partnership")
        instrument = _instrument()
        first = timezone.localdate() - dt.timedelta(days=30 * n_rounds)
        rounds = Round.objects.bulk_create(
            _round(project, instrument, f"Round {i + 1}", first + dt.timedelta(days=30 * i))
            for i in range(n_rounds)
        )
        for survey_round in rounds:
            responses_create(
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
    partnerships = Partnership.objects.bulk_create(
        Partnership(
            authority=tenant.authority,
            name=f"Partnership {i + 1:04d}",
            programme=PROGRAMMES[i % len(PROGRAMMES)],
            level=Level.STRATEGIC if i % 3 == 0 else Level.OPERATIONAL,
        )
        for i in range(n_partnerships)
    )
    Membership.objects.bulk_create(
        (
            Membership(partnership=p, agency=agencies[(i + j) % n_agencies])
            for i, p in enumerate(partnerships)
            for j in range(agencies_per_partnership)
        ),
        batch_size=BATCH,
    )
    projects = Project.objects.bulk_create(
        Project(partnership=p, name=f"{p.name} project") for p in partnerships
    )
    instrument = _instrument()
    today = timezone.localdate()
    rounds = Round.objects.bulk_create(
        _round(p, instrument, f"Round of {p.name}", today - dt.timedelta(days=i % 365))
        for i, p in enumerate(projects)
    )
    responses_create(
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
    return request.session.session_key


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
# Load


@dataclass(frozen=True)
class LoadResult:
    requests: int
    failures: int
    wall_s: float
    p50_ms: float
    p95_ms: float
    page_bytes: int

    @property
    def per_second(self) -> float:
        return self.requests / self.wall_s if self.wall_s else 0.0


async def _get(port: int, path: str, cookie: str) -> tuple[int, int]:
    """One HTTP/1.1 GET on its own connection (gunicorn's sync workers close it anyway);
    returns (status, bytes received)."""
    head = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: {cookie}\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    return int(raw.split(b" ", 2)[1]), len(raw)


async def get_closed_loop(
    port: int, path: str, cookie: str, *, clients: int, time_limit: float, max_requests: int
) -> LoadResult:
    """`clients` clients each send the next request as soon as their previous one is answered,
    until max_requests have been sent or time_limit has passed, whichever comes first."""
    latencies: list[float] = []
    failures: list[int] = []
    sizes: list[int] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + time_limit
    sent = 0

    async def client() -> None:
        nonlocal sent
        while sent < max_requests and loop.time() < deadline:
            sent += 1
            begun = time.perf_counter()
            try:
                status, size = await _get(port, path, cookie)
            except (OSError, IndexError, ValueError):
                status, size = 0, 0
            elapsed = time.perf_counter() - begun
            if status == 200:
                latencies.append(elapsed)
                sizes.append(size)
            else:
                failures.append(status)

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    wall = time.perf_counter() - began
    return LoadResult(
        requests=len(latencies) + len(failures),
        failures=len(failures),
        wall_s=wall,
        p50_ms=1000 * statistics.median(latencies) if latencies else 0.0,
        p95_ms=1000 * percentile(latencies, 95) if latencies else 0.0,
        page_bytes=max(sizes, default=0),
    )


def _fetch(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Host": "127.0.0.1", "Cookie": cookie})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def _download_csv(port: int, path: str, cookie: str) -> tuple[int, int, float]:
    """Stream the CSV to the end: (status, lines, seconds from request to last byte)."""
    began = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Host": "127.0.0.1", "Cookie": cookie})
    response = conn.getresponse()
    lines = 0
    while chunk := response.read(65536):
        lines += chunk.count(b"\n")
    conn.close()
    return response.status, lines, time.perf_counter() - began


def fresh_reads(port: int, path: str, cookie: str, *, authority: str, reads: int) -> float:
    """Median ms of one client reading the page just after a change to what it shows (an agency
    of the authority touched), so nothing of it can come from the cache."""
    latencies = []
    for _read in range(reads):
        Agency.objects.filter(authority__slug=authority).update(updated_at=timezone.now())
        began = time.perf_counter()
        status, _body = _fetch(port, path, cookie)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        latencies.append(time.perf_counter() - began)
    return 1000 * statistics.median(latencies)


def csv_in_process(survey_round: Round) -> tuple[int, float]:
    """Consume csv_lines(round_responses_rows(round)) fully: (data rows, seconds)."""
    began = time.perf_counter()
    lines = sum(1 for _line in csv_lines(round_responses_rows(survey_round)))
    return lines - 1, time.perf_counter() - began


# --------------------------------------------------------------------------------------------
# The run


def _gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, **SERVED_ENV}
    args = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi"]
    args += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"]
    return start_process(args, env, BASE_DIR / "var" / "bench-reports-gunicorn.log")


def _checked(port: int, path: str, cookie: str, marker: str, count: int = 1) -> None:
    """The page answers 200 and shows what was built, before anything is timed."""
    status, body = _fetch(port, path, cookie)
    found = body.decode(errors="replace").count(marker)
    if status != 200 or found < count:
        raise RuntimeError(
            f"GET {path} answered {status} with {found} x {marker!r} (expected {count}); "
            "see var/bench-reports-gunicorn.log (did collectstatic run?)"
        )


def run(
    *,
    csv_responses: int,
    dashboard_agencies: int,
    dashboard_rounds: int,
    partnerships: int,
    clients: int,
    workers: int,
    time_limit: float,
    max_requests: int,
    trials_per_page: int,
    keep: bool,
    out,
) -> dict:
    tag = bench_tag()
    slugs = [f"bench-reports-{purpose}-{tag}" for purpose in ("csv", "dashboard", "overview")]
    sessions: list[str] = []
    results: dict = {"tag": tag, "workers": workers, "clients": clients}
    server = None
    try:
        began = time.perf_counter()
        out.write(f"building the data (tag {tag})...")
        csv_round, results["csv_answers"] = csv_round_create(tag=tag, n_responses=csv_responses)
        project = dashboard_project_create(
            tag=tag, n_agencies=dashboard_agencies, n_rounds=dashboard_rounds
        )
        overview_authority_create(tag=tag, n_partnerships=partnerships)
        bench_analyze()  # fresh planner statistics after the bulk load
        results["build_s"] = time.perf_counter() - began
        cookies = {}
        for slug in slugs:
            manager = User.objects.get(authority__slug=slug)
            sessions.append(session_cookie(manager))
            cookies[slug] = f"{settings.SESSION_COOKIE_NAME}={sessions[-1]}"
        csv_cookie, dashboard_cookie, overview_cookie = (cookies[s] for s in slugs)

        out.write("CSV in process...")
        results["csv_columns"] = len(next(round_responses_rows(csv_round)))
        results["csv_rows"], results["csv_s"] = csv_in_process(csv_round)

        port = free_port()
        server = _gunicorn(port, workers)
        wait_for_port(port)
        dashboard_path = f"/projects/{project.pk}/dashboard/"
        _checked(port, dashboard_path, dashboard_cookie, f"Round {dashboard_rounds}")
        _checked(port, "/overview/", overview_cookie, '<th scope="row">', partnerships)

        out.write("CSV through HTTP...")
        status, lines, seconds = _download_csv(
            port, f"/rounds/{csv_round.pk}/responses.csv", csv_cookie
        )
        if status != 200:
            raise RuntimeError(f"the CSV download answered {status}")
        results["http_csv_rows"], results["http_csv_s"] = lines - 1, seconds

        for name, path, cookie, slug in (
            ("dashboard", dashboard_path, dashboard_cookie, slugs[1]),
            ("overview", "/overview/", overview_cookie, slugs[2]),
        ):
            out.write(f"{name}, first reads after a change...")
            results[f"{name}_fresh_ms"] = fresh_reads(
                port, path, cookie, authority=slug, reads=FRESH_READS
            )
            out.write(f"{name} under {clients} clients...")
            # Untimed warm-up: every worker has rendered the page before the clock starts.
            asyncio.run(
                get_closed_loop(
                    port, path, cookie, clients=clients, time_limit=10, max_requests=4 * workers
                )
            )
            # One client alone: the time a request takes when it waits for nothing.
            results[f"{name}_alone"] = asyncio.run(
                get_closed_loop(
                    port, path, cookie, clients=1, time_limit=5, max_requests=SOLO_REQUESTS
                )
            )
            # Several trials: this machine's speed drifts from one minute to the next, so the
            # trial with the median p95 is reported, with the range of all of them.
            trials = [
                asyncio.run(
                    get_closed_loop(
                        port,
                        path,
                        cookie,
                        clients=clients,
                        time_limit=time_limit,
                        max_requests=max_requests,
                    )
                )
                for _trial in range(trials_per_page)
            ]
            results[name] = sorted(trials, key=lambda t: t.p95_ms)[len(trials) // 2]
            results[f"{name}_p95_range"] = (
                min(t.p95_ms for t in trials),
                max(t.p95_ms for t in trials),
            )
    finally:
        if server is not None:
            stop_process(server)
        if keep:
            out.write(f"kept: authorities {', '.join(slugs)}")
        else:
            began = time.perf_counter()
            tenants_delete(slugs, sessions)
            results["cleanup_s"] = time.perf_counter() - began
    return results
