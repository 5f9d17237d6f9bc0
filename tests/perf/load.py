"""python -m tests.perf.load: 300 partners answer the whole questionnaire over HTTP within
about a minute.

Each partner goes through the respondent journey as a browser does: the e-mailed link (which is
exchanged for a session), the consent page, every section page (read, then posted with real
answers), check-your-answers and submit; a few go back from check-your-answers to change a
page, and some press submit twice at once. All of it runs against gunicorn, PostgreSQL and a
Celery worker on Redis on 127.0.0.1, bounded in count and time.

Afterwards it checks, from the database, that every acknowledged submission is stored exactly
once with exactly the answers that were posted, and that each round's latest scorecard equals a
fresh recomputation from the stored answers (the bootstrap is seeded, so equality is exact).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from tests.perf import cli
from tests.perf.served import CSRF_INPUT, Client, Session, app_servers, percentile

DEFAULT_BROKER = "redis://127.0.0.1:6379/13"
RESUME_INPUT = re.compile(r'name="resume" value="([^"]+)"')

# How partners answer: a few "don't know", a few items left blank, comments now and then.
DONT_KNOW_RATE = 0.04
SKIP_RATE = 0.02
COMMENT_RATE = 0.6
COMMENTS = {
    "works_well": [
        "Regular joint meetings where every agency turns up.",
        "The youth workers and the careers advisers know each other by name.",
        "Shared referral form; nobody has to tell their story twice.",
        "Young people sit on the steering group & are listened to.",
    ],
    "gets_in_the_way": [
        "Each agency reports against its own targets, so we pull in different directions.",
        "Information sharing stops at the data protection question.",
        "Staff turnover: the people who built the relationships have moved on.",
        "Meetings are about funding rather than about the young people.",
    ],
    "one_change": [
        "Agree two or three shared outcomes and measure them together.",
        "Ask the young people what they want before we plan the year.",
        "An information-sharing protocol everyone has signed.",
        "Job shadowing between the agencies.",
    ],
}
AGENCY_TYPES = [
    ("Youth service", "youth_service"),
    ("Careers service", "careers"),
    ("College", "fe_college"),
    ("Secondary school", "school"),
    ("Youth offending team", "youth_offending"),
    ("Police", "police"),
    ("Health", "health"),
    ("Social care", "social_care"),
    ("Housing", "housing"),
    ("Voluntary organisation", "voluntary"),
]


@dataclass(frozen=True)
class RoundPlan:
    authority: str
    partnership: str
    project: str
    agencies: int
    partners: int
    mood: float  # the partnership's typical Likert answer before reverse items: 1 to 5
    anonymous_k: int | None = None  # None: attributed


# Six rounds of 50 over two authorities, three partnerships and five projects.
WORKLOAD = (
    RoundPlan("Northshire", "Northshire NEET partnership", "Back into learning", 8, 50, 4.0),
    RoundPlan("Northshire", "Northshire NEET partnership", "Careers week", 8, 50, 3.6),
    RoundPlan("Northshire", "Northshire youth justice board", "Prevention panel", 6, 50, 2.6),
    RoundPlan(
        "Northshire", "Northshire youth justice board", "Restorative practice", 6, 50, 3.0, 5
    ),
    RoundPlan("Eastborough", "Eastborough youth partnership", "Healthy lives", 10, 50, 3.3),
    RoundPlan("Eastborough", "Eastborough youth partnership", "Safe homes", 10, 50, 2.2),
)


# --------------------------------------------------------------------------------------------
# Answers


def _likert(rng: random.Random, mood: float, reverse: bool) -> str:
    roll = rng.random()
    if roll < DONT_KNOW_RATE:
        return "dk"
    if roll < DONT_KNOW_RATE + SKIP_RATE:
        return ""
    value = min(5, max(1, round(rng.gauss(mood, 0.8))))
    return str(6 - value if reverse else value)


def _ranking(rng: random.Random, options: Sequence[Mapping[str, Any]], mood: float) -> list[str]:
    """Outcome codes, highest priority first: the better connected, the likelier the young
    people's own needs come first and the agency's targets last (a weighted draw)."""
    pull = (mood - 1) / 4  # 0 .. 1
    weights = {}
    for option in options:
        if option.get("participant_defined"):
            weights[option["code"]] = 1 + 8 * pull
        elif option["code"] == "agency_targets":
            weights[option["code"]] = 1 + 8 * (1 - pull)
        else:
            weights[option["code"]] = 1.5
    order = []
    while weights:
        codes = list(weights)
        pick = rng.choices(codes, weights=[weights[c] for c in codes])[0]
        order.append(pick)
        del weights[pick]
    return order


def section_payload(questions: Sequence, rng: random.Random, *, mood: float) -> dict[str, str]:
    """What a browser posts for one questionnaire page (without the CSRF token and resume).

    `questions` are the page's questions (objects with code, type, reverse and options);
    an unanswered Likert item or comment is posted empty, as an untouched field is.
    """
    from surveys.forms import RANK_SEPARATOR

    data = {}
    for question in questions:
        if question.type == "likert":
            data[question.code] = _likert(rng, mood, question.reverse)
        elif question.type == "choice":
            data[question.code] = rng.choice([o["code"] for o in question.options])
        elif question.type == "text":
            pool = COMMENTS.get(question.code, ["No comment."])
            data[question.code] = rng.choice(pool) if rng.random() < COMMENT_RATE else ""
        elif question.type == "ranking":
            order = _ranking(rng, question.options, mood)
            for rank, code in enumerate(order, start=1):
                data[f"{question.code}{RANK_SEPARATOR}{code}"] = str(rank)
    return data


def expected_answers(questions: Sequence, payload: Mapping[str, str]) -> dict[str, Any]:
    """The stored answers a page's payload should leave, in the shape of `stored_answer`."""
    from surveys.forms import RANK_SEPARATOR

    expected: dict[str, Any] = {}
    for question in questions:
        if question.type == "ranking":
            prefix = f"{question.code}{RANK_SEPARATOR}"
            ranks = {k[len(prefix) :]: int(v) for k, v in payload.items() if k.startswith(prefix)}
            if ranks:
                expected[question.code] = ranks
        elif payload.get(question.code, "").strip():
            expected[question.code] = payload[question.code].strip()
    return expected


def stored_answer(answer) -> Any:
    """One Answer row as the value a form posts: "1".."5" or "dk", a code, a text, a ranking."""
    if answer.ranking:
        return answer.ranking
    if answer.dont_know:
        return "dk"
    if answer.value is not None:
        return str(answer.value)
    return answer.choice or answer.text


# --------------------------------------------------------------------------------------------
# Data


@dataclass
class Partner:
    invitation_id: int
    round_id: int
    token: str
    pages: list[dict[str, str]]  # one payload per section, in order
    expected: dict[str, Any]  # question code -> stored value, after any change of mind
    revisit: tuple[int, dict[str, str]] | None = None  # (section, new payload) from the check
    press_twice: bool = False


def build_workload(*, seed: int, double_press_rate: float, revisit_rate: float, tag: str = ""):
    """Authorities, partnerships, agencies, projects, the rounds of WORKLOAD and one invitation
    (with its planned answers) per partner. Returns (round ids, partners in arrival order).

    ``tag`` (data.bench_tag) names the authorities apart, so that two benchmarks can build the
    workload in one database (``make bench`` runs profile_journey, then bench_journeys)."""
    from partnerships.models import Agency, Partnership
    from surveys.models import ReportingMode
    from tests.perf import data

    rng = random.Random(seed)  # reproducible answers, not security
    instrument = data.instrument()
    pages = [
        list(section.questions.order_by("position"))
        for section in instrument.sections.order_by("position")
    ]
    today = timezone.localdate()
    authorities: dict[str, list[Agency]] = {}  # name -> its agencies
    partnerships: dict[str, tuple[Partnership, list[Agency]]] = {}
    round_ids, partners = [], []
    with transaction.atomic():
        for plan in WORKLOAD:
            if plan.authority not in authorities:
                suffix = f" {tag}" if tag else ""
                authority = data.authority_create(
                    name=f"{plan.authority} (load test{suffix})",
                    slug=f"load-{plan.authority.lower()}{suffix.replace(' ', '-')}",
                )
                authorities[plan.authority] = data.agencies_create(
                    authority, ((f"{plan.authority} {name}", kind) for name, kind in AGENCY_TYPES)
                )
            if plan.partnership not in partnerships:
                # An agency often sits in more than one of its authority's partnerships.
                agencies = rng.sample(authorities[plan.authority], plan.agencies)
                partnership = data.partnership_create(
                    agencies[0].authority, plan.partnership, agencies
                )
                partnerships[plan.partnership] = (partnership, agencies)
            partnership, agencies = partnerships[plan.partnership]
            project = data.project_create(partnership, plan.project)
            survey_round = data.round_create(
                project,
                instrument,
                title=f"{plan.project}: spring survey",
                opens_on=today - dt.timedelta(days=7),
                closes_on=today + dt.timedelta(days=14),
                reporting_mode=(
                    ReportingMode.ANONYMOUS if plan.anonymous_k else ReportingMode.ATTRIBUTED
                ),
                min_group_size=plan.anonymous_k or 3,
                introduction="Please tell us how the partnership works.",
            )
            round_ids.append(survey_round.pk)
            # Agencies differ from each other; people in one agency differ less.
            agency_mood = {a.pk: rng.gauss(plan.mood, 0.5) for a in agencies}
            invitations, tokens = data.invitations_create(
                survey_round,
                agencies,
                range(plan.partners),
                name="Partner {}",
                email=f"partner{{}}@round{survey_round.pk}.load.example.org",
            )
            for invitation, token in zip(invitations, tokens, strict=True):
                mood = agency_mood[invitation.agency_id]
                payloads = [section_payload(qs, rng, mood=mood) for qs in pages]
                expected: dict[str, Any] = {}
                for questions, payload in zip(pages, payloads, strict=True):
                    expected.update(expected_answers(questions, payload))
                revisit = None
                if rng.random() < revisit_rate:
                    # Back from check-your-answers to one page of opinions, answered afresh.
                    number = rng.randrange(2, len(pages))
                    payload = section_payload(pages[number - 1], rng, mood=mood)
                    for question in pages[number - 1]:
                        expected.pop(question.code, None)
                    expected.update(expected_answers(pages[number - 1], payload))
                    revisit = (number, payload)
                partners.append(
                    Partner(
                        invitation_id=invitation.pk,
                        round_id=survey_round.pk,
                        token=token,
                        pages=payloads,
                        expected=expected,
                        revisit=revisit,
                        press_twice=rng.random() < double_press_rate,
                    )
                )
    # Partners of every round arrive mixed together, as replies to e-mails sent the same day.
    rng.shuffle(partners)
    return round_ids, partners


# --------------------------------------------------------------------------------------------
# The journey


@dataclass(frozen=True)
class Hit:
    step: str
    seconds: float
    status: int  # 0: no answer (an exception)
    failed: bool  # no HTTP answer, or not 2xx/3xx
    unexpected: bool  # 2xx/3xx, but not what the journey expects next
    at: float = field(default_factory=time.monotonic)  # when it was answered (or failed)


class JourneyStopped(Exception):
    pass


@dataclass
class Journey:
    """One partner's requests, each recorded; stops at the first one that goes wrong."""

    client: Client
    partner: Partner
    deadline: float
    think: Callable[[], float]
    record: Callable[[Hit], None]
    session: Session = field(init=False)
    acknowledged: bool = field(init=False, default=False)  # the submit answered "done"

    def __post_init__(self):
        self.session = Session(self.partner.token)

    def step(self, step, method, path, *, body=None, status=200, location=None, pause=True):
        if pause:
            time.sleep(self.think())
        if time.monotonic() > self.deadline:
            raise JourneyStopped("time limit")
        began = time.perf_counter()
        try:
            got, got_location, payload = self.client.request(method, path, self.session, body)
        except Exception as error:  # refused, reset or timed out: the request failed
            self.record(Hit(step, time.perf_counter() - began, 0, True, False))
            raise JourneyStopped(f"{step}: {error!r}") from error
        elapsed = time.perf_counter() - began
        failed = not 200 <= got < 400
        unexpected = not failed and (got != status or (location and got_location != location))
        self.record(Hit(step, elapsed, got, failed, bool(unexpected)))
        if failed or unexpected:
            raise JourneyStopped(f"{step}: HTTP {got} {got_location or ''}")
        return payload.decode()

    def form(self, page: str, *names: re.Pattern) -> list[str]:
        values = []
        for pattern in names:
            match = pattern.search(page)
            if not match:
                raise JourneyStopped("a form field is missing from the page")
            values.append(match.group(1))
        return values

    def run(self) -> None:
        """The whole journey; JourneyStopped at the first request that goes wrong."""
        partner = self.partner
        self.step("link", "GET", f"/r/{partner.token}/", status=302, location="/respond/")
        page = self.step("consent", "GET", "/respond/", pause=False)
        (csrf,) = self.form(page, CSRF_INPUT)
        self.step(
            "consent",
            "POST",
            "/respond/",
            body={"csrfmiddlewaretoken": csrf, "consent": "on"},
            status=302,
            location="/respond/section/1/",
        )
        total = len(partner.pages)
        for number, payload in enumerate(partner.pages, start=1):
            path = f"/respond/section/{number}/"
            page = self.step("section", "GET", path, pause=False)
            csrf, resume = self.form(page, CSRF_INPUT, RESUME_INPUT)
            following = f"/respond/section/{number + 1}/" if number < total else "/respond/check/"
            body = {**payload, "csrfmiddlewaretoken": csrf, "resume": resume, "action": "continue"}
            self.step("section", "POST", path, body=body, status=302, location=following)
        page = self.step("check", "GET", "/respond/check/", pause=False)
        if partner.revisit:
            number, payload = partner.revisit
            path = f"/respond/section/{number}/"
            page = self.step("section", "GET", f"{path}?return=check")
            csrf, resume = self.form(page, CSRF_INPUT, RESUME_INPUT)
            body = {
                **payload,
                "csrfmiddlewaretoken": csrf,
                "resume": resume,
                "return": "check",
                "action": "continue",
            }
            self.step("section", "POST", path, body=body, status=302, location="/respond/check/")
            page = self.step("check", "GET", "/respond/check/", pause=False)
        (csrf,) = self.form(page, CSRF_INPUT)
        submit = {"csrfmiddlewaretoken": csrf}
        if partner.press_twice:
            # Two presses in flight at once: both must be answered with the done page.
            time.sleep(self.think())
            second = threading.Thread(target=self._second_press, args=(submit,))
            second.start()
            try:
                self.step("submit", "POST", "/respond/submit/", body=submit, status=302,
                          location="/respond/done/", pause=False)  # fmt: skip
            finally:
                second.join()
        else:
            self.step("submit", "POST", "/respond/submit/", body=submit, status=302,
                      location="/respond/done/")  # fmt: skip
        self.acknowledged = True
        self.step("done", "GET", "/respond/done/", pause=False)

    def _second_press(self, body: dict[str, str]) -> None:
        with contextlib.suppress(JourneyStopped):  # recorded as a failure already
            self.step("submit again", "POST", "/respond/submit/", body=body, status=302,
                      location="/respond/done/", pause=False)  # fmt: skip
            self.acknowledged = True


# --------------------------------------------------------------------------------------------
# The run


@dataclass
class Outcome:
    hits: list[Hit]
    acknowledged: list[Partner]  # their submit was answered with the done page
    finished: int  # journeys completed to the done page
    stopped: list[str]
    wall: float
    journeys: list[float] = field(default_factory=list)  # seconds of each finished journey


def drive(
    port: int,
    partners: list[Partner],
    *,
    clients: int,
    ramp: float,
    think: tuple[float, float],
    time_limit: float,
    seed: int,
) -> Outcome:
    """`clients` threads take partners in turn; partner i starts no earlier than i * ramp / n
    seconds in (arrivals spread over the ramp), with a think time before most page requests."""
    hits: list[Hit] = []
    acknowledged: list[Partner] = []
    stopped: list[str] = []
    journeys: list[float] = []
    lock = threading.Lock()
    queue = list(enumerate(partners))
    client = Client(port)
    began = time.monotonic()
    deadline = began + time_limit

    def record(hit: Hit) -> None:
        with lock:
            hits.append(hit)

    def worker(number: int) -> None:
        rng = random.Random(seed * 1000 + number)  # think times, not security

        def pause() -> float:
            return rng.uniform(*think)

        while True:
            with lock:
                if not queue:
                    return
                i, partner = queue.pop(0)
            wait = began + i * ramp / len(partners) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            journey = Journey(client, partner, deadline, pause, record)
            started = time.perf_counter()
            try:
                journey.run()
            except JourneyStopped as reason:
                with lock:
                    stopped.append(str(reason))
            else:
                with lock:
                    journeys.append(time.perf_counter() - started)
            with lock:
                if journey.acknowledged:
                    acknowledged.append(partner)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(worker, n) for n in range(clients)]:
            future.result()
    wall = time.monotonic() - began
    return Outcome(hits, acknowledged, len(partners) - len(stopped), stopped, wall, journeys)


def warm_up(port: int, workers: int, seconds: float = 60) -> None:
    """Wait, untimed, until every gunicorn worker answers: the port opens before the workers
    have imported the app, and requests queue meanwhile. Bursts of sign-in page requests go
    out until one burst is answered quickly."""
    client = Client(port)

    def one(_n: int) -> tuple[int, float]:
        began = time.perf_counter()
        status, _location, _body = client.request("GET", "/accounts/login/", Session(""))
        return status, time.perf_counter() - began

    deadline = time.monotonic() + seconds
    with ThreadPoolExecutor(max_workers=4 * workers) as pool:
        while time.monotonic() < deadline:
            answers = list(pool.map(one, range(4 * workers)))
            if all(status == 200 for status, _ in answers) and max(t for _, t in answers) < 1:
                return
    raise RuntimeError("the application did not answer quickly within a minute")


def wait_for_scoring(round_ids: list[int], seconds: float) -> bool:
    """True once no scoring task is pending and each round's latest scorecard read every
    submitted response, or the round may not get one (an open anonymous round stores nothing,
    publication's own rule)."""
    from reports.models import Scorecard
    from reports.services.publication import publication_due
    from surveys.models import Response, Round

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        settled = not Round.objects.filter(pk__in=round_ids, scoring_queued=True).exists()
        for survey_round in Round.objects.filter(pk__in=round_ids):
            latest = Scorecard.objects.filter(round=survey_round).order_by("-computed_at", "-id")
            seen = latest.values_list("submissions_seen", flat=True).first()
            submitted = Response.objects.filter(round=survey_round, submitted_at__isnull=False)
            count = submitted.count()
            due = publication_due(survey_round, n_submitted=count, published_seen=seen)
            settled = settled and (seen == count or not due)
        if settled:
            return True
        time.sleep(0.5)
    return False


def check_stored(round_ids: list[int], acknowledged: list[Partner]) -> dict[str, Any]:
    """Each acknowledged submission stored once, with exactly the answers posted; nothing else."""
    from surveys.models import Answer, Response

    submitted = Response.objects.filter(round_id__in=round_ids, submitted_at__isnull=False)
    per_invitation = Counter(submitted.values_list("invitation_id", flat=True))
    acknowledged_ids = {p.invitation_id for p in acknowledged}
    response_of = dict(submitted.values_list("invitation_id", "pk"))
    stored: dict[int, dict[str, Any]] = {pk: {} for pk in response_of.values()}
    for answer in Answer.objects.filter(response__in=submitted).select_related("question"):
        stored[answer.response_id][answer.question.code] = stored_answer(answer)
    mismatched = [
        p.invitation_id
        for p in acknowledged
        if p.invitation_id in response_of and stored[response_of[p.invitation_id]] != p.expected
    ]
    return {
        "submitted": sum(per_invitation.values()),
        "duplicates": sum(1 for n in per_invitation.values() if n > 1),
        "missing": len(acknowledged_ids - per_invitation.keys()),
        "unacknowledged": len(per_invitation.keys() - acknowledged_ids),
        "answers_posted": sum(len(p.expected) for p in acknowledged),
        "answers_stored": sum(len(a) for a in stored.values()),
        "mismatched": len(mismatched),
        "ok": (
            set(per_invitation) == acknowledged_ids
            and all(n == 1 for n in per_invitation.values())
            and not mismatched
        ),
    }


def check_scorecards(round_ids: list[int]) -> dict[str, Any]:
    """Each round's latest stored scorecard against a fresh computation from the database."""
    from django.utils import timezone

    from reports import scoring
    from reports.models import Scorecard
    from reports.services import round_score, scoring_instrument
    from reports.services.scorecards import groups_that_count
    from surveys.models import Round
    from tests.perf.data import round_respondents

    matching, computed = 0, 0
    for survey_round in Round.objects.filter(pk__in=round_ids).select_related("instrument"):
        stored_while_open = Scorecard.objects.filter(round=survey_round).count()
        computed += stored_while_open
        respondents = round_respondents(survey_round.pk)
        counted = respondents
        if survey_round.is_anonymous:
            # Nothing of an open anonymous round is stored; its results are published at close.
            if stored_while_open:
                continue
            Round.objects.filter(pk=survey_round.pk).update(closed_at=timezone.now())
            round_score(round_id=survey_round.pk)
            counted = groups_that_count(respondents, survey_round.min_group_size)
        stored = Scorecard.objects.latest_of_round(survey_round)
        fresh = scoring.score_round(scoring_instrument(survey_round.instrument), counted)
        # Through JSON as the stored copy went: tuples become lists, agency ids strings.
        data = json.loads(json.dumps(fresh.to_dict()))
        index = None if fresh.index is None else round(fresh.index, scoring.DECIMALS)
        if (
            stored is not None
            and stored.data == data
            and stored.index == index
            and stored.status == fresh.status
            and stored.n_respondents == fresh.n_respondents
            and stored.submissions_seen == len(respondents)
        ):
            matching += 1
    return {"rounds": len(round_ids), "matching": matching, "computed": computed}


def _ms(values: list[float], q: float) -> float:
    return 1000 * percentile(values, q) if values else 0.0


def run(
    *,
    clients: int,
    workers: int,
    ramp: float,
    think: tuple[float, float],
    time_limit: float,
    double_press_rate: float,
    revisit_rate: float,
    seed: int,
    env: dict[str, str],
) -> dict[str, Any]:
    if connection.vendor != "postgresql":
        raise SystemExit("The load test needs PostgreSQL: set DATABASE_URL.")
    round_ids, partners = build_workload(
        seed=seed, double_press_rate=double_press_rate, revisit_rate=revisit_rate
    )
    # Other work on the machine skews every figure: the load average before the run says so.
    load_before = os.getloadavg()[0]
    with app_servers(env=env, workers=workers, name="load") as port:
        warm_up(port, workers)
        outcome = drive(
            port,
            partners,
            clients=clients,
            ramp=ramp,
            think=think,
            time_limit=time_limit,
            seed=seed,
        )
        scored = wait_for_scoring(round_ids, seconds=60)
    stored = check_stored(round_ids, outcome.acknowledged)
    scorecards = check_scorecards(round_ids)
    every = [h.seconds for h in outcome.hits]
    submits = [h.seconds for h in outcome.hits if h.step == "submit"]
    by_step: dict[str, list[float]] = {}
    for hit in outcome.hits:
        by_step.setdefault(hit.step, []).append(hit.seconds)
    return {
        "partners": len(partners),
        "acknowledged": len(outcome.acknowledged),
        "finished": outcome.finished,
        "rounds": len(round_ids),
        "authorities": len({plan.authority for plan in WORKLOAD}),
        "clients": clients,
        "workers": workers,
        "wall_s": outcome.wall,
        "load_before": load_before,
        "requests": len(every),
        "submissions_per_s": len(outcome.acknowledged) / outcome.wall,
        "pages_per_s": len(every) / outcome.wall,
        "submit_ms": {q: _ms(submits, q) for q in (50, 95, 99)},
        "all_ms": {q: _ms(every, q) for q in (50, 95, 99)},
        "mean_ms": 1000 * statistics.fmean(every) if every else 0.0,
        "steps": {
            step: (len(v), _ms(v, 50), _ms(v, 95), _ms(v, 99)) for step, v in by_step.items()
        },
        "failed_requests": sum(h.failed for h in outcome.hits),
        "unexpected": sum(h.unexpected for h in outcome.hits),
        "stopped": outcome.stopped[:5],
        "double_presses": sum(p.press_twice for p in outcome.acknowledged),
        "revisits": sum(p.revisit is not None for p in outcome.acknowledged),
        "stored": stored,
        "scored_in_time": scored,
        "scorecards": scorecards,
    }


# --------------------------------------------------------------------------------------------
# The command


def _triple(ms: dict) -> str:
    return " / ".join(f"{ms[q]:.0f}" for q in (50, 95, 99))


def arguments() -> argparse.ArgumentParser:
    parser = cli.parser(
        "tests.perf.load",
        "Load test: 300 partners each go through the whole respondent journey over HTTP within "
        "about a minute, against gunicorn, PostgreSQL and a Celery worker on 127.0.0.1; then "
        "checks every acknowledged submission is stored once and every scorecard matches a "
        "fresh recomputation. Exits non-zero if any check fails.",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    return journey_arguments(parser, clients=30, ramp=42.0, time_limit=120.0)


def journey_arguments(
    parser: argparse.ArgumentParser, *, clients: int, ramp: float, time_limit: float
) -> argparse.ArgumentParser:
    """The options of a run of the journey workload (the load test and the cluster check)."""
    parser.add_argument("--clients", type=int, default=clients, help="concurrent clients")
    parser.add_argument(
        "--ramp", type=float, default=ramp, help="seconds over which partners arrive"
    )
    parser.add_argument("--think-min", type=float, default=0.1)
    parser.add_argument("--think-max", type=float, default=0.5)
    parser.add_argument(
        "--time-limit", type=float, default=time_limit, help="hard stop for the clients, seconds"
    )
    parser.add_argument(
        "--double-press", type=float, default=0.1, help="share who press submit twice"
    )
    parser.add_argument(
        "--revisit", type=float, default=0.1, help="share who change a page before submitting"
    )
    parser.add_argument("--seed", type=int, default=7)
    return parser


def command(args: argparse.Namespace, out: cli.Output) -> None:
    env = {
        **os.environ,
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", DEFAULT_BROKER),
        "SCORING_DELAY_SECONDS": os.environ.get("SCORING_DELAY_SECONDS", "1"),
        "RELIABILITY_DELAY_SECONDS": os.environ.get("RELIABILITY_DELAY_SECONDS", "1"),
    }
    think = (args.think_min, args.think_max)
    r = run(
        clients=args.clients,
        workers=args.workers,
        ramp=args.ramp,
        think=think,
        time_limit=args.time_limit,
        double_press_rate=args.double_press,
        revisit_rate=args.revisit,
        seed=args.seed,
        env=env,
    )
    stored, cards = r["stored"], r["scorecards"]
    anonymous = sum(1 for plan in WORKLOAD if plan.anonymous_k)
    w = out.write
    w("")
    w("Load test: the whole respondent journey")
    w(
        f"workload: {r['partners']} partners in {r['rounds']} rounds ({anonymous} anonymous) "
        f"of {r['authorities']} authorities; each opens the invitation link, consents, reads "
        f"and posts the 9 section pages (36 Likert items, a ranking of 8 outcomes, a choice, "
        f"3 comments), checks the answers and submits; {args.revisit:.0%} change a page "
        f"from check-your-answers, {args.double_press:.0%} press submit twice at once. "
        f"{r['clients']} concurrent clients, arrivals spread over {args.ramp:.0f} s, "
        f"{think[0]}-{think[1]} s think time before each form post; gunicorn with "
        f"{r['workers']} workers, PostgreSQL and a Celery worker on Redis, all on 127.0.0.1."
    )
    yes = {True: "yes", False: "NO"}
    rows = [
        ("partners acknowledged / planned", f"{r['acknowledged']} / {r['partners']}"),
        ("journeys finished (done page shown)", str(r["finished"])),
        ("rounds / authorities", f"{r['rounds']} / {r['authorities']}"),
        ("concurrent clients / gunicorn workers", f"{r['clients']} / {r['workers']}"),
        ("wall time (s)", f"{r['wall_s']:.1f}"),
        ("machine load average before the run", f"{r['load_before']:.1f}"),
        ("requests", str(r["requests"])),
        ("submissions per second", f"{r['submissions_per_s']:.2f}"),
        ("pages (requests) per second", f"{r['pages_per_s']:.1f}"),
        ("submit p50 / p95 / p99 (ms)", _triple(r["submit_ms"])),
        ("all requests p50 / p95 / p99 (ms)", _triple(r["all_ms"])),
        ("failed requests (no answer or not 2xx/3xx)", str(r["failed_requests"])),
        ("unexpected answers (form refused, wrong page)", str(r["unexpected"])),
        ("double presses / pages changed", f"{r['double_presses']} / {r['revisits']}"),
        ("submitted responses stored", str(stored["submitted"])),
        ("answers posted / stored", f"{stored['answers_posted']} / {stored['answers_stored']}"),
        ("every acknowledged submission stored once", yes[stored["ok"]]),
        ("scoring caught up within 60 s", yes[r["scored_in_time"]]),
        ("scorecards computed (coalesced)", str(cards["computed"])),
        ("scorecards matching a recomputation", f"{cards['matching']} / {cards['rounds']}"),
    ]  # fmt: skip
    width = max(len(name) for name, _value in rows) + 2
    for name, value in rows:
        w(f"{name:<{width}}{value:>14}")
    w("")
    w(f"{'request':<14}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    for step, (count, p50, p95, p99) in r["steps"].items():
        w(f"{step:<14}{count:>8}{p50:>10.0f}{p95:>10.0f}{p99:>10.0f}")

    problems = []
    if r["finished"] != r["partners"]:
        problems.append(f"{r['partners'] - r['finished']} journeys did not finish")
    if r["failed_requests"] or r["unexpected"]:
        problems.append("some requests failed or were answered unexpectedly")
    if not stored["ok"]:
        problems.append(
            f"stored submissions differ: {stored['missing']} missing, "
            f"{stored['unacknowledged']} not acknowledged, {stored['duplicates']} duplicated, "
            f"{stored['mismatched']} with other answers than posted"
        )
    if not r["scored_in_time"] or cards["matching"] != cards["rounds"]:
        problems.append("some scorecards do not match a fresh recomputation")
    for reason in r["stopped"]:
        w(f"stopped journey: {reason}")
    if problems:
        raise CommandError("; ".join(problems))
    w("")
    w("All checks passed.")


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(arguments(), command, argv)


if __name__ == "__main__":
    sys.exit(main())
