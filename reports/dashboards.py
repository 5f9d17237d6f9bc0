"""Reads for the dashboards: stored scorecards only, in a constant number of queries.

Nothing here recomputes a score: a page's time does not grow with the number of responses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

from django.db import connection
from django.db.models import Count, Field, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from core import rows
from partnerships.models import (
    AgencyType,
    LocalAuthority,
    Partnership,
    Project,
    User,
)
from partnerships.selectors import (
    partnership_scope,
    partnerships_visible_to,
    project_for_user,
    whole_authority_seen_by,
)
from surveys.anonymity import group_is_shown, round_shows_group
from surveys.models import Instrument, Question, QuestionType, ReportingMode, Round

from . import scoring
from .models import LATEST_FIRST, Scorecard
from .scoring import guidance as rules
from .selectors import network_for_display, scorecard_for_display, scorecard_for_partner

BAND_LABELS = {code: label for code, label, _low, _high in scoring.BANDS}
INDEX_COMPONENTS = scoring.INDEX_COMPONENTS


def band_label(code: str | None) -> str:
    return _(BAND_LABELS[code]) if code in BAND_LABELS else _("Insufficient responses")


def _with_latest_scorecard(rounds):
    """Each round annotated with the id of its latest scorecard (None when never scored)."""
    latest = Scorecard.objects.of_round(OuterRef("pk"))
    return rounds.annotate(latest_scorecard=Subquery(latest.values("pk")[:1]))


def _shown_index(scorecard: Scorecard, rnd: Round) -> float | None:
    """The index as it may be shown: none for an anonymous round with fewer than k people."""
    if not round_shows_group(rnd, scorecard.n_respondents):
        return None
    return scorecard.index


@dataclass
class RoundPoint:
    round: Round
    index: float | None
    band: str | None
    components: dict[str, float | None]
    # The working-relationships network's figures, when the round's questionnaire asks.
    density: float | None = None
    mean_level: float | None = None

    @property
    def band_label(self) -> str:
        return band_label(self.band if self.index is not None else None)


@dataclass
class ProjectDashboard:
    project: Project
    rounds: list[Round]
    current: Round | None
    data: dict[str, Any] | None
    labels: dict[str, str]
    components: list[tuple[str, str, float | None]] = field(default_factory=list)
    structure: float | None = None
    heatmap: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    discussion: list[dict[str, Any]] = field(default_factory=list)
    # Guidance chosen for the shown scorecard (reports/scoring/guidance.py) and what it used.
    guidance: rules.Guidance | None = None
    work_on: list[tuple[str, rules.Advice]] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=lambda: dict(rules.DEFAULT_THRESHOLDS))
    structure_risk: str | None = None
    # (dimension, label, rwg(j), whether the agencies disagree on it) for every dimension
    agreement: list[tuple[str, str, float | None, bool]] = field(default_factory=list)
    network: dict[str, Any] | None = None  # reports.selectors.network_for_display
    trend: list[RoundPoint] = field(default_factory=list)
    scorecards: dict[int, Scorecard] = field(default_factory=dict)
    latest_ids: dict[int, int] = field(default_factory=dict)
    agencies_stamp: tuple = ()  # when the authority's agencies last changed, and how many
    # The same of the authority's partnerships, projects, rounds and scorecards (the benchmark).
    benchmark_stamp: tuple = ()
    actions_stamp: tuple = ()  # the same of the project's actions (the action plans)
    invited: int = 0
    submitted: int = 0
    on_paper: int = 0

    @property
    def response_rate(self) -> int | None:
        return round(100 * self.submitted / self.invited) if self.invited else None

    @property
    def band_label(self) -> str:
        return band_label(self.data.get("band") if self.data else None)


def project_dashboard(user: User, project_pk: int, round_pk: int | None = None) -> ProjectDashboard:
    """Everything a dashboard shows (the PDF and exports use this)."""
    dashboard = project_dashboard_frame(user, project_pk, round_pk)
    dashboard_fill(dashboard)
    return dashboard


def project_dashboard_frame(
    user: User, project_pk: int, round_pk: int | None = None
) -> ProjectDashboard:
    """The cheap part: the project, its rounds, which scorecard is each round's latest, the
    shown round and its response counts. `dashboard_fill` adds what the scorecards hold."""
    authority = whole_authority_seen_by(user)
    if authority is None:  # a reader of some partnerships only: the tenancy selector's query
        project = project_for_user(user, project_pk)
        return dashboard_frame_of(project, Round.objects.filter(project=project), round_pk)
    project, rounds = _project_and_rounds(project_pk, authority)
    return _frame(project, rounds, round_pk)


def _project_and_rounds(project_pk: int, authority: int) -> tuple[Project, list[Round]]:
    """The project (with its partnership and authority) if it is in the authority, else 404;
    and its rounds in order, each annotated with its latest scorecard's id (as
    _with_latest_scorecard), in one hand-written statement: every dashboard reads it, and the
    ORM's two queries cost more CPU to build than the database took to answer them."""
    with connection.cursor() as cursor:
        rows.execute(cursor, _project_and_rounds_sql(connection.vendor), [project_pk, authority])
        found = cursor.fetchall()
    if not found:
        raise Http404
    first = iter(found[0])
    project = cast(Project, rows.instance(Project, rows.take(first, Project)))
    project.partnership = cast(
        Partnership, rows.instance(Partnership, rows.take(first, Partnership))
    )
    project.partnership.authority = cast(
        LocalAuthority, rows.instance(LocalAuthority, rows.take(first, LocalAuthority))
    )
    skipped = sum(len(m._meta.concrete_fields) for m in (Project, Partnership, LocalAuthority))
    rounds = []
    for row in found:
        *columns, latest = row[skipped:]
        if columns[0] is None:  # a project with no round: one row, its round columns empty
            continue
        survey_round = cast(Round, rows.instance(Round, columns))
        survey_round.project = project
        survey_round.latest_scorecard = latest  # type: ignore[attr-defined]
        rounds.append(survey_round)
    return project, rounds


@cache
def _project_and_rounds_sql(vendor: str) -> str:
    del vendor  # one text per database vendor: quoting differs
    q = connection.ops.quote_name
    # "The latest scorecard" in the order its one home gives (reports.models.LATEST_FIRST).
    latest_first = ", ".join(
        f"s.{q(cast(Field, Scorecard._meta.get_field(name.lstrip('-'))).column)}"
        + (" DESC" if name.startswith("-") else "")
        for name in LATEST_FIRST
    )
    # Identifiers from the models' metadata only; the two values are parameters.
    return (
        f"SELECT {rows.columns(Project, 'p')}, {rows.columns(Partnership, 'pa')}, "  # noqa: S608  # nosec B608
        f"{rows.columns(LocalAuthority, 'la')}, {rows.columns(Round, 'r')}, "
        f"(SELECT s.{q('id')} FROM {q(Scorecard._meta.db_table)} s "
        f"WHERE s.{q('round_id')} = r.{q('id')} ORDER BY {latest_first} LIMIT 1) "
        f"FROM {q(Project._meta.db_table)} p "
        f"JOIN {q(Partnership._meta.db_table)} pa ON pa.{q('id')} = p.{q('partnership_id')} "
        f"JOIN {q(LocalAuthority._meta.db_table)} la ON la.{q('id')} = pa.{q('authority_id')} "
        f"LEFT JOIN {q(Round._meta.db_table)} r ON r.{q('project_id')} = p.{q('id')} "
        f"WHERE p.{q('id')} = %s AND pa.{q('authority_id')} = %s "
        f"ORDER BY r.{q('opens_on')}, r.{q('id')}"
    )


def dashboard_frame_of(
    project: Project, rounds_shown: QuerySet[Round], round_pk: int | None = None
) -> ProjectDashboard:
    """The frame of a dashboard of these rounds of the project (the readers' dashboard shows
    them all; the partners' page only those whose results are published)."""
    rounds = list(_with_latest_scorecard(rounds_shown).order_by("opens_on", "pk"))
    return _frame(project, rounds, round_pk)


def _frame(project: Project, rounds: list[Round], round_pk: int | None) -> ProjectDashboard:
    """The frame of these rounds, each annotated with its latest scorecard's id."""
    latest_ids = {r.pk: r.latest_scorecard for r in rounds if r.latest_scorecard}  # type: ignore[attr-defined]
    if round_pk is not None:
        current = next((r for r in rounds if r.pk == round_pk), None)
        if current is None:
            raise Http404
    else:
        scored = [r for r in rounds if r.pk in latest_ids]
        current = scored[-1] if scored else (rounds[-1] if rounds else None)
    dashboard = ProjectDashboard(
        project=project,
        rounds=rounds,
        current=current,
        data=None,
        labels={},
        latest_ids=latest_ids,
    )
    if current is not None:
        _response_counts(dashboard, current)
    return dashboard


def dashboard_sections_fingerprint(dashboard: ProjectDashboard) -> tuple:
    """Everything the sections below the response rate are drawn from, for a cache key.

    Scorecards never change once stored (a rescore stores a new one) and a questionnaire version
    with responses never changes, so their ids stand for their content. Agency names are read
    live, so the authority's last agency change is part of it too.
    """
    current = dashboard.current
    return (
        dashboard.project.pk,
        # Whether the shown round has closed changes what an anonymous round's sections say.
        current and (current.pk, current.instrument_id, current.is_closed()),
        [
            (r.pk, r.title, r.opens_on, r.reporting_mode, r.min_group_size, r.instrument_id)
            for r in dashboard.rounds
        ],
        sorted(dashboard.latest_ids.items()),
        dashboard.agencies_stamp,
    )


def dashboard_fill(dashboard: ProjectDashboard, *, partner_agency_id: int | None = None) -> None:
    """Read the latest scorecards and the shown round's questionnaire into the dashboard.

    ``partner_agency_id``: the dashboard as a partner of that agency reads it, the partnership's
    row beside their own agency's only (reports.selectors.scorecard_for_partner)."""
    rounds, current = dashboard.rounds, dashboard.current
    scorecards = {
        s.round_id: s
        for s in Scorecard.objects.filter(pk__in=dashboard.latest_ids.values()).defer("alpha_sums")
    }
    dashboard.scorecards = scorecards
    dashboard.trend = [_round_point(r, scorecards[r.pk]) for r in rounds if r.pk in scorecards]
    if current is None:
        return
    # Only the shown round's questionnaire is read (its JSON is not small).
    current.instrument = Instrument.objects.get(pk=current.instrument_id)
    dashboard.labels = dict(current.instrument.local_components)
    scorecard = scorecards.get(current.pk)
    if scorecard is None:
        return
    data = scorecard_for_display(scorecard, current)
    if partner_agency_id is not None:
        data = scorecard_for_partner(
            data, agency_id=partner_agency_id, anonymous=current.is_anonymous
        )
    dashboard.data = data
    _fill_from_scorecard(dashboard, data, current)
    if partner_agency_id is not None:
        _partnership_beside_agency(dashboard, data)
    # A partner never reads the network: its pairs are other agencies' ratings of each other.
    elif round_shows_group(current, scorecard.n_respondents):
        dashboard.network = network_for_display(scorecard)


def component_labels(dashboard: ProjectDashboard) -> dict[str, str]:
    """The shown round's component labels in the reader's language: those dashboard_fill read,
    or the questionnaire's if it was read, or else its two label columns alone (its other JSON
    is not small)."""
    current = dashboard.current
    if not dashboard.labels and current is not None:
        if Round.instrument.is_cached(current):
            instrument = current.instrument
        else:
            instrument = Instrument.objects.only("components", "components_cy").get(
                pk=current.instrument_id
            )
        dashboard.labels = dict(instrument.local_components or {})
    return dashboard.labels


def _partnership_beside_agency(dashboard: ProjectDashboard, data: dict[str, Any]) -> None:
    """A partner's dashboard: the whole partnership's row first, then their agency's (if any)."""
    dimensions = data.get("dimensions") or {}
    whole = {
        "agency": _("Whole partnership"),
        "n_respondents": data.get("n_respondents", 0),
        "cells": [(code, dimensions.get(code)) for code in scoring.DIMENSIONS],
    }
    dashboard.heatmap = [whole, *dashboard.heatmap]
    if not data.get("agencies"):  # no agency row: no agency's ranks to show either
        dashboard.outcomes = []


def _round_point(rnd: Round, scorecard: Scorecard) -> RoundPoint:
    index = _shown_index(scorecard, rnd)
    network = scorecard.network if index is not None else None
    ok = network is not None and network["status"] == "ok"
    return RoundPoint(
        round=rnd,
        index=index,
        band=scorecard.band or None,
        components=scorecard.data.get("components", {}),
        density=network["density"] if ok and network else None,
        mean_level=network["mean_level"] if ok and network else None,
    )


# What the cache keys of the dashboard and the overview stamp, in SQL, each a subquery with
# one parameter, the authority: when its agencies, its partnerships, and their projects,
# rounds and scorecards last changed, and how many there are (a deletion changes a count).
AGENCIES_STAMP = """(SELECT MAX(updated_at) AS changed, COUNT(*) AS n
            FROM partnerships_agency WHERE authority_id = %s)"""
PARTNERSHIPS_STAMP = """(SELECT MAX(updated_at) AS changed, COUNT(*) AS n
            FROM partnerships_partnership WHERE authority_id = %s)"""
ROUNDS_STAMP = """(SELECT MAX(pr.updated_at) AS projects, MAX(ro.updated_at) AS rounds,
              COUNT(DISTINCT ro.id) AS n_rounds, MAX(s.computed_at) AS scored,
              COUNT(s.id) AS n_scored
            FROM partnerships_project pr
            JOIN partnerships_partnership pa ON pa.id = pr.partnership_id
            JOIN surveys_round ro ON ro.project_id = pr.id
            LEFT JOIN reports_scorecard s ON s.round_id = ro.id
            WHERE pa.authority_id = %s)"""


def _response_counts(dashboard: ProjectDashboard, current: Round) -> None:
    """The shown round's invited people (revoked invitations aside), their submissions and its
    submitted paper questionnaires; with, for the cache keys, when the authority's agencies last
    changed and how many there are, the same of what the benchmark is drawn from (the
    authority's partnerships, and their projects, rounds and scorecards) and of the project's
    actions.

    Written as SQL: every page view runs it, and the ORM took 3 ms of CPU to build the same
    query with five subqueries (about a fifth of the whole request); prepared (core.rows), as
    PostgreSQL took longer to plan it than to run it. The submissions are found from the
    round's responses (by their round index), not from its invitations: joined that way round,
    PostgreSQL read every response of the table."""
    sql = f"""
        SELECT
          (SELECT COUNT(*) FROM surveys_invitation WHERE round_id = %s AND revoked_at IS NULL),
          (SELECT COUNT(*) FROM surveys_response r
            JOIN surveys_invitation i ON i.id = r.invitation_id
            WHERE r.round_id = %s AND i.round_id = r.round_id AND i.revoked_at IS NULL
              AND r.submitted_at IS NOT NULL),
          (SELECT COUNT(*) FROM surveys_response
            WHERE round_id = %s AND invitation_id IS NULL AND submitted_at IS NOT NULL),
          a.changed, a.n, p.changed, p.n, w.projects, w.rounds, w.n_rounds, w.scored, w.n_scored,
          x.changed, x.n
        FROM
          {AGENCIES_STAMP} a,
          {PARTNERSHIPS_STAMP} p,
          {ROUNDS_STAMP} w,
          (SELECT MAX(ac.updated_at) AS changed, COUNT(*) AS n
            FROM reports_action ac JOIN surveys_round ro ON ro.id = ac.round_id
            WHERE ro.project_id = %s) x
    """  # noqa: S608  # nosec B608  # the stamps are constants above
    authority = dashboard.project.partnership.authority_id
    with connection.cursor() as cursor:
        rows.execute(
            cursor,
            sql,
            [current.pk, current.pk, current.pk, authority, authority, authority]
            + [dashboard.project.pk],
        )
        row = cursor.fetchone()
    dashboard.invited, dashboard.submitted, dashboard.on_paper = row[:3]
    dashboard.agencies_stamp = tuple(row[3:5])
    dashboard.benchmark_stamp = tuple(row[5:12])
    dashboard.actions_stamp = tuple(row[12:])


def _fill_from_scorecard(dashboard: ProjectDashboard, data: dict, current: Round) -> None:
    labels = dashboard.labels
    components = data.get("components") or {}
    dashboard.components = [
        (code, labels.get(code, code), components.get(code)) for code in INDEX_COMPONENTS
    ]
    dashboard.structure = (data.get("dimensions") or {}).get("structure")
    dashboard.heatmap = [
        {
            "agency": a["agency"],
            "n_respondents": a["n_respondents"],
            "cells": [(code, a["dimensions"].get(code)) for code in scoring.DIMENSIONS],
        }
        for a in data.get("agencies", [])
    ]
    questions = {
        q.code: q
        for q in Question.objects.filter(instrument_id=current.instrument_id).only(
            "code", "text", "text_cy", "type", "options", "dimension"
        )
    }
    ranking = next((q for q in questions.values() if q.type == QuestionType.RANKING), None)
    options = ranking.local_options if ranking else []
    dashboard.outcomes = [
        {
            "code": o["code"],
            "label": o["label"],
            "participant_defined": o.get("participant_defined", False),
            "ranks": [
                (a["agency"], (a.get("ranking") or {}).get(o["code"])) for a in data["agencies"]
            ],
        }
        for o in options
    ]
    names = {a["label"]: a["agency"] for a in data.get("agencies", [])}
    dashboard.discussion = [
        {
            **item,
            "text": (
                questions[item["code"]].local_text if item["code"] in questions else item["code"]
            ),
            "dimension_label": labels.get(item["dimension"], item["dimension"]),
            "means": [(names.get(k, k), v) for k, v in sorted(item["agency_means"].items())],
        }
        for item in data.get("divergent_items", [])
    ]
    _fill_guidance(dashboard, data, current)


def guidance_texts(instrument: Instrument) -> dict[str, Any]:
    """The questionnaire's guidance in the reader's language (its Welsh texts where it has them)."""
    return instrument.local_guidance or instrument.guidance or {}


def _fill_guidance(dashboard: ProjectDashboard, data: dict, current: Round) -> None:
    """Guidance chosen for this scorecard, and the one set of thresholds every section uses."""
    thresholds = rules.thresholds_from(current.instrument.thresholds)
    dashboard.thresholds = thresholds
    dashboard.structure_risk = rules.structure_risk(dashboard.structure, thresholds)
    rwg = data.get("rwg") or {}
    disagreed = set(rules.disagreed_dimensions(rwg, data.get("divergent_items", []), thresholds))
    dashboard.agreement = [
        (code, dashboard.labels.get(code, code), rwg.get(code), code in disagreed)
        for code in scoring.DIMENSIONS
    ]
    dashboard.guidance = rules.choose_guidance(
        components=data.get("components") or {},
        structure=dashboard.structure,
        band=data.get("band"),
        rwg=rwg,
        divergent_items=data.get("divergent_items", []),
        texts=guidance_texts(current.instrument),
        thresholds=thresholds,
    )
    dashboard.work_on = [
        (dashboard.labels.get(a.component, a.component), a) for a in dashboard.guidance.work_on
    ]


# --- Authority overview ---------------------------------------------------------------------
SORTS = ("name", "-name", "index", "-index", "date", "-date")


@dataclass
class OverviewRow:
    """One partnership's line, with its text ready: the page may list a thousand of them."""

    pk: int
    name: str
    url: str
    programme: str
    n_agencies: int
    index: float | None
    index_text: str
    band: str | None
    band_text: str
    last_round_text: str
    last_round_date: Any


@dataclass(frozen=True)
class OverviewData:
    """The overview's rows as read from the database, before any text is made of them."""

    # (pk, name, programme, active member agencies, latest scorecard id) per partnership
    listed: list[tuple]
    # scorecard id -> (index, band, uncertain, respondents, round title, opens on, mode, k)
    scorecards: dict[int, tuple]


def overview_fingerprint(user: User) -> tuple[tuple, tuple, str]:
    """Everything the overview's results are drawn from, in one cheap query, for a cache key:
    who is reading, and for the authority's partnerships, memberships, agencies, projects,
    rounds and scorecards, when the last one changed and how many there are (a deletion changes
    a count); then the same of the authority's actions (the overdue ones are listed: not part of
    the results' key), and the authority's name, for the page's heading.

    Written as SQL, rounds and scorecards in one join: every overview runs it, and the ORM's
    UNION of five aggregates took a third of an unchanged overview's time; prepared
    (core.rows): planning it took PostgreSQL 2.4 ms at 1,000 partnerships."""
    sql = f"""
        SELECT p.changed, p.n, m.changed, m.n, a.changed, a.n,
          w.projects, w.rounds, w.n_rounds, w.scored, w.n_scored, x.changed, x.n, la.name
        FROM
          partnerships_localauthority la,
          {PARTNERSHIPS_STAMP} p,
          (SELECT MAX(m.updated_at) AS changed, COUNT(*) AS n
            FROM partnerships_membership m
            JOIN partnerships_partnership pa ON pa.id = m.partnership_id
            WHERE pa.authority_id = %s) m,
          {AGENCIES_STAMP} a,
          {ROUNDS_STAMP} w,
          (SELECT MAX(ac.updated_at) AS changed, COUNT(*) AS n
            FROM reports_action ac
            JOIN surveys_round ro ON ro.id = ac.round_id
            JOIN partnerships_project pr ON pr.id = ro.project_id
            JOIN partnerships_partnership pa ON pa.id = pr.partnership_id
            WHERE pa.authority_id = %s) x
        WHERE la.id = %s
    """  # noqa: S608  # nosec B608  # the stamps are constants above
    authority = user.authority_id
    with connection.cursor() as cursor:
        rows.execute(cursor, sql, [authority] * 6)
        *stamps, name = cursor.fetchone()
    return (partnership_scope(user), tuple(stamps[:11])), tuple(stamps[11:]), name


def authority_overview(
    user: User,
    *,
    programme: str = "",
    agency_type: str = "",
    band: str = "",
    sort: str = "name",
) -> list[OverviewRow]:
    """Every visible partnership with its latest scorecard: two queries whatever the size."""
    data = overview_data(user, programme=programme, agency_type=agency_type)
    return overview_rows(data, band=band, sort=sort)


def overview_data(user: User, *, programme: str = "", agency_type: str = "") -> OverviewData:
    # The latest scorecard of the partnership's most recent round.
    latest = Scorecard.objects.filter(round__project__partnership=OuterRef("pk")).order_by(
        "-round__opens_on", *LATEST_FIRST
    )
    partnerships = (
        partnerships_visible_to(user)
        .filter(active=True)
        .annotate(
            latest_scorecard=Subquery(latest.values("pk")[:1]),
            n_agencies=Count(
                "memberships", filter=Q(memberships__left_on__isnull=True), distinct=True
            ),
        )
    )
    if programme:
        partnerships = partnerships.filter(programme__iexact=programme)
    if agency_type in AgencyType.values:
        partnerships = partnerships.filter(
            pk__in=Partnership.objects.filter(
                memberships__agency__agency_type=agency_type, memberships__left_on__isnull=True
            ).values("pk")
        )
    listed = list(
        partnerships.order_by("name").values_list(
            "pk", "name", "programme", "n_agencies", "latest_scorecard"
        )
    )
    scorecards = {
        row[0]: row[1:]
        for row in Scorecard.objects.filter(
            pk__in=[p[4] for p in listed if p[4] is not None]
        ).values_list(
            "pk",
            "index",
            "band",
            "uncertain",
            "n_respondents",
            "round__title",
            "round__opens_on",
            "round__reporting_mode",
            "round__min_group_size",
        )
    }
    return OverviewData(listed=listed, scorecards=scorecards)


def overview_rows(data: OverviewData, *, band: str = "", sort: str = "name") -> list[OverviewRow]:
    """The rows with their text ready, filtered by band and sorted as asked."""
    listed, scorecards = data.listed, data.scorecards
    base_url = reverse("partnerships:partnership_detail", args=[0])[: -len("0/")]
    labels = {code: band_label(code) for code in [*BAND_LABELS, None]}
    uncertain_text = _("uncertain")
    rows = []
    for pk, name, prog, n_agencies, scorecard_id in listed:
        found = scorecards.get(scorecard_id)
        index = band_code = None
        last_round_text, last_date, band_text = "–", None, labels[None]
        if found:
            value, code, uncertain, n_resp, title, opens_on, mode, k = found
            hidden = not group_is_shown(anonymous=mode == ReportingMode.ANONYMOUS, k=k, n=n_resp)
            index = None if hidden else value
            band_code = (code or None) if index is not None else None
            band_text = labels[band_code]
            if uncertain and index is not None:
                band_text = f"{band_text} ({uncertain_text})"
            last_round_text = f"{title}, {date_format(opens_on, 'M Y')}"
            last_date = opens_on
        rows.append(
            OverviewRow(
                pk=pk,
                name=name,
                url=f"{base_url}{pk}/",
                programme=prog or "–",
                n_agencies=n_agencies,
                index=index,
                index_text="–" if index is None else number_format(index, 1),
                band=band_code,
                band_text=band_text,
                last_round_text=last_round_text,
                last_round_date=last_date,
            )
        )
    if band == "insufficient":
        rows = [r for r in rows if r.index is None]
    elif band:
        rows = [r for r in rows if r.band == band]
    return _sorted(rows, sort if sort in SORTS else "name")


def _sorted(rows: list[OverviewRow], sort: str) -> list[OverviewRow]:
    """Sorted in Python: by the index as shown (hidden ones last), never by a hidden value."""
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    if key == "name":
        return sorted(rows, key=lambda r: r.name.casefold(), reverse=descending)
    attribute = "index" if key == "index" else "last_round_date"
    known = [r for r in rows if getattr(r, attribute) is not None]
    unknown = [r for r in rows if getattr(r, attribute) is None]
    known.sort(key=lambda r: (getattr(r, attribute), r.name.casefold()), reverse=descending)
    return known + sorted(unknown, key=lambda r: r.name.casefold())
