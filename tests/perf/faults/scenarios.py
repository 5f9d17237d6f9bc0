"""The fault scenarios, run in order against one private stack (see stack.py).

Each scenario breaks one thing, checks what people see and what the data says, and returns
what it observed; a failed check raises Failed with what it saw instead. The database restart
comes last: it is the one most likely to leave something behind if it fails.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction

from tests.perf.faults.stack import LOG_DIR, VISIBILITY_TIMEOUT, Stack, children, wait_until
from tests.perf.served import CSRF_INPUT, Client, NotOpened, Session, open_questionnaires

if TYPE_CHECKING:
    import subprocess  # nosec B404  # only for the type of the worker process

ROUND_SIZES = {"pool": 12, "worker": 12, "broker": 11, "database": 2}
VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')
STALE_EDIT = "Someone else changed this partnership while you were editing it."


class Failed(Exception):
    """A check did not hold; the message says what was seen instead."""


def check(condition: object, seen: str) -> None:
    if not condition:
        raise Failed(seen)


def found(pattern: re.Pattern[str], text: str, seen: str) -> re.Match[str]:
    """The pattern's match in the text, checked as check() checks a condition."""
    match = pattern.search(text)
    if match is None:
        raise Failed(seen)
    return match


@dataclass
class Outcome:
    name: str
    passed: bool
    observed: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'} {self.name}: {self.observed}"


class World:
    """What the scenarios share: the stack, an HTTP client, rounds and two officers."""

    def __init__(self, stack: Stack):
        from rest_framework.authtoken.models import Token

        from partnerships.models import Role, User

        self.stack = stack
        self.http = Client(stack.web_port)
        self.rounds = _rounds(ROUND_SIZES)
        authority = next(iter(self.rounds.values()))[0].project.partnership.authority
        self.password = "faults-" + os.urandom(8).hex()
        self.officers = [
            User.objects.create_user(
                username=f"officer-{who}",
                password=self.password,
                authority=authority,
                role=Role.OFFICER,
            )
            for who in ("a", "b")
        ]
        self.api_token = Token.objects.create(user=self.officers[0]).key
        self.worker: subprocess.Popen[bytes] | None = None  # the running Celery worker, if any
        self.worker_name = ""

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        self.worker = worker = self.stack.start_worker(name)
        self.worker_name = name
        return worker

    def ensure_worker(self, name: str) -> bool:
        """Start a worker unless one is running; whether one was running."""
        if self.worker is not None and self.worker.poll() is None:
            return True
        self.start_worker(name)
        return False


def _rounds(sizes: dict[str, int]):
    """One round per scenario, each with invitations whose answers are saved, not submitted.

    saved_round_create names its authority after the current second, so it is called once and
    its invitations (with their responses) are shared out over rounds of the same project.
    """
    from surveys.models import Invitation, Response, Round
    from tests.perf.data import saved_round_create

    first, tokens = saved_round_create(sum(sizes.values()), n_agencies=4)
    invitation_ids = list(
        Invitation.objects.filter(round=first).order_by("pk").values_list("pk", flat=True)
    )
    rounds = {}
    start = 0
    for n, (purpose, size) in enumerate(sizes.items()):
        ids = invitation_ids[start : start + size]
        survey_round = first
        if n:
            survey_round = Round.objects.create(
                project=first.project,
                instrument=first.instrument,
                title=f"Faults: {purpose}",
                opens_on=first.opens_on,
                closes_on=first.closes_on,
                introduction=first.introduction,
            )
            Invitation.objects.filter(pk__in=ids).update(round=survey_round)
            Response.objects.filter(invitation_id__in=ids).update(round=survey_round)
        rounds[purpose] = (survey_round, tokens[start : start + size])
        start += size
    return rounds


# --------------------------------------------------------------------------------------------
# Helpers: respondents, scorecards, locks


def _open_questionnaires(world: World, survey_round, tokens):
    """Each respondent opens their link and the last page, as just before pressing Submit."""
    last = survey_round.instrument.sections.count()
    try:
        return open_questionnaires(world.http, tokens, last)
    except NotOpened as error:
        raise Failed(f"a questionnaire did not open (HTTP {error.status})") from error


def _submit(world: World, session) -> tuple[bool, float, int]:
    """Press Submit: (acknowledged, seconds, HTTP status)."""
    began = time.monotonic()
    status, location, _body = world.http.request(
        "POST", "/respond/submit/", session, {"csrfmiddlewaretoken": session.csrf}
    )
    return status == 302 and location == "/respond/done/", time.monotonic() - began, status


def _submit_all(world: World, sessions) -> float:
    """Submit every session; all must be acknowledged. The slowest request's seconds."""
    results = [_submit(world, s) for s in sessions]
    refused = [status for ok, _s, status in results if not ok]
    check(not refused, f"{len(refused)} of {len(results)} submissions refused: HTTP {refused}")
    return max(seconds for _ok, seconds, _status in results)


def _scorecards(survey_round) -> list:
    from reports.models import Scorecard

    return list(Scorecard.objects.filter(round=survey_round).order_by("computed_at", "id"))


def _scored(survey_round, n: int) -> Callable[[], object]:
    """A predicate: the round's latest scorecard saw n submissions."""

    def predicate():
        cards = _scorecards(survey_round)
        return cards[-1] if cards and cards[-1].submissions_seen == n else None

    return predicate


def _flag(survey_round) -> bool:
    from surveys.models import Round

    return Round.objects.values_list("scoring_queued", flat=True).get(pk=survey_round.pk)


@contextmanager
def _answers_locked() -> Iterator[Callable[[], bool]]:
    """Hold the answers table so a scoring task that starts stops at its first read of it.

    A running task then waits, mid-way (it has already cleared the round's flag and read its
    responses), for as long as we like: killing it there is deterministic. Yields a predicate,
    true once some other session waits on the lock. The killed task's own query, still queued
    behind the lock, finishes harmlessly when we let go: it only reads.
    """
    from surveys.models import Answer

    table = Answer._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')

        def waiting() -> bool:
            # Inside a transaction PostgreSQL keeps serving the first snapshot of the activity.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid() AND query LIKE %s",
                [f'%"{table}"%'],
            )
            return cursor.fetchone()[0] > 0

        yield waiting


def _stop_worker(world: World) -> None:
    if world.worker is not None:
        world.stack.stop_worker(world.worker)
        world.worker = None


def _submit_with_worker_stopped(world: World, purpose: str):
    """The round's respondents submit while no worker runs: one scoring task waits in Redis."""
    survey_round, tokens = world.rounds[purpose]
    _stop_worker(world)
    _submit_all(world, _open_questionnaires(world, survey_round, tokens))
    check(_flag(survey_round), "no scoring task was queued by the submissions")
    return survey_round, len(tokens)


# --------------------------------------------------------------------------------------------
# The scenarios


def worker_pool_process_killed(world: World) -> str:
    """The pool process running the scoring task dies (OOM killer, segfault); its worker lives.

    acks_late with task_reject_on_worker_lost: the message goes back to the queue at once and
    the same worker's new pool process scores the round.
    """
    survey_round, n = _submit_with_worker_stopped(world, "pool")
    with _answers_locked() as task_waiting:
        worker = world.start_worker("worker-1")
        check(wait_until(task_waiting, seconds=30), "the scoring task never started")
        check(not _flag(survey_round), "the running task had not cleared the round's flag")
        pool = children(worker.pid)
        check(len(pool) == 1, f"expected one pool process, found {pool}")
        os.kill(pool[0], signal.SIGKILL)
        killed_at = time.monotonic()
    card = wait_until(_scored(survey_round, n), seconds=30)
    check(card, f"no scorecard with {n} submissions 30 s after the kill")
    check(worker.poll() is None, "the worker's main process died too")
    return (
        f"pool process {pool[0]} SIGKILLed while its scoring task was reading answers; the task "
        f"was requeued and the same worker stored the scorecard {time.monotonic() - killed_at:.1f}"
        f" s later, seeing {card.submissions_seen}/{n} submissions"
    )


def worker_killed(world: World) -> str:
    """The whole worker is SIGKILLed mid-task (machine lost): nothing acknowledges the message.

    Redis hands an unacknowledged message back after the visibility timeout: a worker started
    after that gets it and scores the round. The redelivered task recomputes even though the
    dead one had already cleared the round's flag.
    """
    survey_round, n = _submit_with_worker_stopped(world, "worker")
    with _answers_locked() as task_waiting:
        worker = world.start_worker("worker-2")
        check(wait_until(task_waiting, seconds=30), "the scoring task never started")
        taken_at = time.monotonic()  # the message was taken before this
        check(not _flag(survey_round), "the running task had not cleared the round's flag")
        world.stack.kill(worker)
        world.worker = None
    time.sleep(1)
    check(not _scorecards(survey_round), "the killed task still stored a scorecard")
    time.sleep(max(0.0, taken_at + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
    check(not _scorecards(survey_round), "something scored the round without the worker")
    started = time.monotonic()
    world.start_worker("worker-3")
    card = wait_until(_scored(survey_round, n), seconds=40)
    check(card, f"no scorecard with {n} submissions 40 s after a new worker started")
    check(len(_scorecards(survey_round)) == 1, "the round was scored more than once")
    check(not _flag(survey_round), "the round's flag is still set")
    return (
        f"worker-2 (main and pool process) SIGKILLed mid-task: no scorecard stored; after the "
        f"{VISIBILITY_TIMEOUT} s visibility timeout worker-3 got the unacknowledged task back and "
        f"stored the scorecard {time.monotonic() - started:.1f} s after starting, seeing "
        f"{card.submissions_seen}/{n} submissions; flag clear"
    )


def broker_down(world: World) -> str:
    """Redis stops while partners submit: every submission is still acknowledged and stored.

    Scoring cannot be queued; when Redis is back the worker reconnects by itself, the beat job
    score_stale_rounds (sent through the broker here, as beat would) catches the round up, and
    the next submission is queued the ordinary way again.
    """
    from config.celery import app
    from surveys.models import Response

    survey_round, tokens = world.rounds["broker"]
    world.ensure_worker("worker-4")
    n = len(tokens) - 1
    sessions = _open_questionnaires(world, survey_round, tokens)
    world.stack.redis.stop()
    slowest = _submit_all(world, sessions[:n])
    stored = Response.objects.filter(round=survey_round, submitted_at__isnull=False).count()
    check(stored == n, f"{stored} of {n} acknowledged submissions stored")
    check(not _scorecards(survey_round), "a scorecard appeared with the broker down")
    check(not _flag(survey_round), "the round's flag stuck after the failed queueing")
    world.stack.redis.start()
    back = time.monotonic()
    # A worker holding a reserved task when Redis went away may have crashed (a kombu bug:
    # "Unrecoverable error: AttributeError ... 'hostname'"); a supervisor restarts it.
    survived = world.ensure_worker("worker-5")
    app.send_task("reports.tasks.score_stale_rounds")
    card = wait_until(_scored(survey_round, n), seconds=60, every=0.25)
    check(card, f"the catch-up did not score the {n} submissions within 60 s")
    caught_up = time.monotonic() - back
    _submit_all(world, sessions[n:])
    later = wait_until(_scored(survey_round, n + 1), seconds=20, every=0.25)
    check(later, "a submission after the outage was not scored through the ordinary queue")
    worker = "the worker reconnected" if survived else "the worker had crashed, restarted"
    return (
        f"{n}/{n} submissions acknowledged and stored with Redis down (slowest {slowest:.2f} s), "
        f"none scored; Redis back ({worker}): score_stale_rounds caught the round up in "
        f"{caught_up:.1f} s "
        f"(scorecard sees {card.submissions_seen}/{n}); the next submission was queued and "
        f"scored as usual ({later.submissions_seen} seen)"
    )


def _sign_in(world: World, user):
    session = Session(user.username)
    _status, _location, body = world.http.request("GET", "/accounts/login/", session)
    csrf = found(CSRF_INPUT, body.decode(), "no sign-in form")
    status, location, _body = world.http.request(
        "POST",
        "/accounts/login/",
        session,
        {"username": user.username, "password": world.password, "csrfmiddlewaretoken": csrf[1]},
    )
    check(status == 302, f"{user.username} could not sign in (HTTP {status})")
    return session


def two_officers_edit_one_partnership(world: World) -> str:
    """Both load the edit form; the first save wins, the second is refused, nothing is lost."""
    from partnerships.models import Partnership

    partnership = world.rounds["pool"][0].project.partnership
    path = f"/partnerships/{partnership.pk}/edit/"
    forms = []
    for officer in world.officers:
        session = _sign_in(world, officer)
        status, _location, body = world.http.request("GET", path, session)
        page = body.decode()
        seen = f"no edit form (HTTP {status})"
        check(status == 200, seen)
        version = found(VERSION_INPUT, page, seen)[1]
        forms.append((session, found(CSRF_INPUT, page, seen)[1], version))

    def save(form, name):
        session, csrf, version = form
        fields = {"name": name, "programme": partnership.programme, "level": partnership.level}
        fields |= {"description": "", "start_date": "", "version": version}
        return world.http.request("POST", path, session, {**fields, "csrfmiddlewaretoken": csrf})

    first_status, _location, _body = save(forms[0], "Renamed by officer A")
    second_status, _location, body = save(forms[1], "Renamed by officer B")
    stored = Partnership.objects.get(pk=partnership.pk)
    check(first_status == 302, f"officer A's save answered HTTP {first_status}")
    check(
        second_status == 200 and STALE_EDIT in body.decode(),
        f"officer B's save answered HTTP {second_status} without the changed-by-someone message",
    )
    check(stored.name == "Renamed by officer A", f"the stored name is {stored.name!r}")
    return (
        f"officer A saved (HTTP {first_status}); officer B, editing version {forms[1][2]}, was "
        f'told "{STALE_EDIT}" (HTTP {second_status}); stored name: {stored.name!r}, version '
        f"{stored.version}"
    )


def _get(world: World, path: str, session=None, token: str | None = None):
    """(status, Retry-After, body, seconds) of one GET; the token goes in Authorization."""
    import http.client

    began = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", world.stack.web_port, timeout=30)
    headers = {"Host": "127.0.0.1"}
    if session is not None:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    if token:
        headers["Authorization"] = f"Token {token}"
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read().decode(errors="replace")
    conn.close()
    return response.status, response.getheader("Retry-After"), body, time.monotonic() - began


def database_restarted(world: World) -> str:
    """PostgreSQL restarts under gunicorn (kept connections) and the worker.

    During the outage pages answer a 503 page and the API a JSON 503, both with Retry-After,
    quickly, and /readyz a 503 naming the database within a second; a scoring task that runs
    meanwhile fails and retries. Afterwards every request succeeds at once (stale kept
    connections are replaced) and the retried task stores its scorecard.
    """
    from config.celery import app

    survey_round, tokens = world.rounds["database"]
    world.ensure_worker("worker-6")
    _submit_all(world, _open_questionnaires(world, survey_round, tokens))
    check(wait_until(_scored(survey_round, len(tokens)), seconds=20), "the round was not scored")
    session = _sign_in(world, world.officers[0])
    api = "/api/v1/partnerships/"
    # Enough requests that every gunicorn worker keeps a connection to the database.
    warm = [_get(world, "/", session)[0] for _ in range(6)]
    warm += [_get(world, api, token=world.api_token)[0] for _ in range(6)]
    check(set(warm) == {200}, f"before the restart: HTTP {warm}")
    ready_before = _get(world, "/readyz")[0]
    check(ready_before == 200, f"/readyz before the restart: HTTP {ready_before}")

    connection.close()
    world.stack.postgres.stop()
    stopped = time.monotonic()
    try:
        app.send_task("reports.tasks.score_round_task", args=[survey_round.pk])
        page = _get(world, "/", session)
        api_reply = _get(world, api, token=world.api_token)
        ready_status, _retry, ready_body, ready_seconds = _get(world, "/readyz")
        time.sleep(2)  # the scoring task runs into the outage and schedules a retry
    finally:
        world.stack.postgres.start()
    outage = time.monotonic() - stopped
    after = [_get(world, "/", session)[0] for _ in range(6)]
    after += [_get(world, api, token=world.api_token)[0] for _ in range(6)]

    status, retry_after, body, seconds = page
    check(
        status == 503 and retry_after and "Service unavailable, try again shortly" in body,
        f"a page during the outage: HTTP {status}, Retry-After {retry_after}, {body[:120]!r}",
    )
    api_status, api_retry, api_body, api_seconds = api_reply
    check(
        api_status == 503 and api_retry and "detail" in json.loads(api_body or "{}"),
        f"the API during the outage: HTTP {api_status}, {api_body[:120]!r}",
    )
    check(max(seconds, api_seconds) < 10, f"outage answers took {seconds:.1f}/{api_seconds:.1f} s")
    check(
        ready_status == 503 and '"database": "failed"' in ready_body and ready_seconds < 1,
        f"/readyz during the outage: HTTP {ready_status} in {ready_seconds:.2f} s, {ready_body}",
    )
    check(set(after) == {200}, f"after the restart: HTTP {after}")
    worker_log = (LOG_DIR / f"{world.worker_name}.log").read_text()
    retried = "Retry in" in worker_log and "OperationalError" in worker_log
    check(retried, "the scoring task sent during the outage did not retry")
    cards = wait_until(lambda: len(_scorecards(survey_round)) >= 2 or None, seconds=40)
    check(cards, "the retried scoring task stored no scorecard within 40 s")
    return (
        f"PostgreSQL down {outage:.1f} s: a page answered {status} with Retry-After {retry_after} "
        f"in {seconds:.2f} s, the API {api_status} JSON in {api_seconds:.2f} s, /readyz "
        f"{ready_status} in {ready_seconds:.2f} s; a scoring task "
        f"sent meanwhile failed, retried and stored its scorecard; after the restart "
        f"{after.count(200)}/{len(after)} requests succeeded at once"
    )


SCENARIOS: dict[str, Callable[[World], str]] = {
    "two-officers-edit": two_officers_edit_one_partnership,
    "worker-pool-process-killed": worker_pool_process_killed,
    "worker-killed": worker_killed,
    "broker-down": broker_down,
    "database-restarted": database_restarted,
}


def run(
    stack: Stack, *, only: list[str] | None, outcomes: list[Outcome], out: Callable[[str], None]
) -> None:
    """Run the scenarios in order, appending to outcomes (kept if a time limit stops us)."""
    world = World(stack)
    stack.start_web()
    for name, scenario in SCENARIOS.items():
        if only and name not in only:
            continue
        try:
            outcome = Outcome(name, True, scenario(world))
        except Failed as failure:
            outcome = Outcome(name, False, str(failure))
        except Exception as error:  # noqa: BLE001 (one scenario's crash must not hide the rest)
            outcome = Outcome(name, False, f"{type(error).__name__}: {error}")
        outcomes.append(outcome)
        out(outcome.line())
