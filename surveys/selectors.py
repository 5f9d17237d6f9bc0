"""Reads for surveys, always through the registry's tenancy selectors."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import cast

from django.db import connection
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from core import rows
from partnerships.models import Agency, LocalAuthority, Partnership, Project, User
from partnerships.selectors import partnerships_visible_to

from .anonymity import round_shows_group
from .models import (
    Answer,
    Instrument,
    Invitation,
    Question,
    QuestionType,
    Response,
    Round,
    Section,
)
from .structure import Structure, instrument_structure

INVITATION_STATUS_LABELS = {
    "revoked": _("Revoked"),
    "submitted": _("Submitted"),
    "in_progress": _("In progress"),
    "opened": _("Opened"),
    "sent": _("Sent"),
    "not_sent": _("Not sent"),
}


def rounds_visible_to(user: User) -> QuerySet[Round]:
    """Rounds of the partnerships the user may read: officers' and managers' only."""
    if not (user.is_authenticated and user.is_reader):
        return Round.objects.none()
    return Round.objects.filter(project__partnership__in=partnerships_visible_to(user))


def round_for_user(user: User, pk: int) -> Round:
    return get_object_or_404(
        rounds_visible_to(user).select_related("project", "project__partnership", "instrument"),
        pk=pk,
    )


def rounds_for_project(project: Project) -> list[Round]:
    return list(project.rounds.select_related("instrument").order_by("-opens_on", "-id"))


def invitation_for_user(user: User, pk: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.filter(round__in=rounds_visible_to(user)).select_related(
            "round", "round__project__partnership"
        ),
        pk=pk,
    )


def invitation_status(invitation: Invitation) -> str:
    """The invitation's state as staff may see it. In an anonymous round nobody's submission is
    shown to anyone: whoever opened their link reads "opened", submitted or not."""
    if invitation.revoked_at:
        return "revoked"
    if invitation.round.is_anonymous:
        if invitation.opened_at:
            return "opened"
        return "sent" if invitation.sent_at else "not_sent"
    response = getattr(invitation, "response", None)
    if response is not None and response.submitted_at:
        return "submitted"
    if response is not None:
        return "in_progress"
    if invitation.opened_at:
        return "opened"
    if invitation.sent_at:
        return "sent"
    return "not_sent"


@dataclass
class AgencyRate:
    agency: str
    invited: int = 0
    submitted: int = 0
    on_paper: int = 0
    shown: bool = True  # False: a small group of an anonymous round, its counts withheld

    @property
    def rate(self) -> int | None:
        return round(100 * self.submitted / self.invited) if self.invited else None


@dataclass
class RoundStatus:
    invitations: list[tuple[Invitation, str]]
    agencies: list[AgencyRate]
    invited: int
    submitted: int
    on_paper: int
    not_submitted: int  # invited people who have not submitted (reminders go to them)

    @property
    def rate(self) -> int | None:
        return round(100 * self.submitted / self.invited) if self.invited else None


def round_status(survey_round: Round) -> RoundStatus:
    """Per invitation status and response rates per agency and overall: three queries.

    An anonymous round shows per-agency counts only for groups of at least k submitted
    respondents (surveys.anonymity), and nobody's own status (see invitation_status)."""
    invitations = list(
        survey_round.invitations.select_related("agency", "response").order_by(
            "agency__name", "name"
        )
    )
    rates: dict[str, AgencyRate] = {}
    rows = []
    not_submitted = 0
    for invitation in invitations:
        rows.append((invitation, invitation_status(invitation)))
        rate = rates.setdefault(invitation.agency.name, AgencyRate(invitation.agency.name))
        if invitation.revoked_at is None:
            rate.invited += 1
        response = getattr(invitation, "response", None)
        if response is not None and response.submitted_at:
            rate.submitted += 1
        elif invitation.revoked_at is None:
            not_submitted += 1
    paper = (
        Response.objects.filter(round=survey_round, invitation__isnull=True)
        .select_related("agency")
        .only("agency__name")
    )
    on_paper: dict[str, int] = defaultdict(int)
    for response in paper:
        on_paper[response.agency.name] += 1
    for name, count in on_paper.items():
        rates.setdefault(name, AgencyRate(name)).on_paper = count
    agencies = sorted(rates.values(), key=lambda r: r.agency)
    for rate in agencies:
        rate.shown = round_shows_group(survey_round, rate.submitted + rate.on_paper)
    return RoundStatus(
        invitations=rows,
        agencies=agencies,
        invited=sum(r.invited for r in agencies),
        submitted=sum(r.submitted for r in agencies),
        on_paper=sum(on_paper.values()),
        not_submitted=not_submitted,
    )


def instruments_all() -> QuerySet[Instrument]:
    return Instrument.objects.order_by("code", "-version")


def instrument_with_questions(pk: int) -> tuple[Instrument, list[Section]]:
    instrument = get_object_or_404(Instrument, pk=pk)
    sections = list(instrument.sections.prefetch_related("questions"))
    return instrument, sections


# --- Respondent pages -----------------------------------------------------------------------
def respondent_invitation(invitation_id: int) -> Invitation | None:
    """The invitation with its round and its response (if any), in one query; the round's
    questionnaire comes from the structure cache (see invitation_structure).

    Every page of the journey reads it, so the query is written by hand (core.rows): the ORM
    took longer to build it than the database took to answer. It joins as few tables as it
    can: PostgreSQL took over a millisecond to plan the seven-table join this once was. Pages
    that name the partnership or the agency read them with respondent_names.
    """
    return _respondent_invitation_where("id", invitation_id)


def respondent_invitation_of_link(token_hash: str) -> Invitation | None:
    """respondent_invitation, found by its link's token digest (surveys.tokens)."""
    return _respondent_invitation_where("token_hash", token_hash)


def _respondent_invitation_where(column: str, value: int | str) -> Invitation | None:
    with connection.cursor() as cursor:
        rows.execute(cursor, _respondent_invitation_sql(connection.vendor, column), [value])
        row = cursor.fetchone()
    if row is None:
        return None
    values = iter(row)
    invitation = cast(Invitation, rows.instance(Invitation, rows.take(values, Invitation)))
    survey_round = cast(Round, rows.instance(Round, rows.take(values, Round)))
    response = cast(Response, rows.instance(Response, rows.take(values, Response)))
    digest = next(values)
    survey_round.instrument = instrument_structure(survey_round.instrument_id, digest).instrument
    invitation.round = survey_round
    if response.pk is None:
        # What select_related records for a missing reverse one-to-one: no query when asked.
        Invitation.response.related.set_cached_value(invitation, None)
    else:
        response.round = survey_round
        invitation.response = response
    invitation.instrument_digest = digest  # type: ignore[attr-defined]
    return invitation


@cache
def _respondent_invitation_sql(vendor: str, column: str) -> str:
    del vendor  # one text per database vendor: quoting differs
    q = connection.ops.quote_name
    # Identifiers from the models' metadata only; the one value is a parameter.
    return (
        f"SELECT {rows.columns(Invitation, 'i')}, {rows.columns(Round, 'r')}, "  # noqa: S608  # nosec B608
        f"{rows.columns(Response, 'resp')}, ins.{q('definition_sha256')} "
        f"FROM {q(Invitation._meta.db_table)} i "
        f"JOIN {q(Round._meta.db_table)} r ON r.{q('id')} = i.{q('round_id')} "
        f"JOIN {q(Instrument._meta.db_table)} ins ON ins.{q('id')} = r.{q('instrument_id')} "
        f"LEFT JOIN {q(Response._meta.db_table)} resp ON resp.{q('invitation_id')} = i.{q('id')} "
        f"WHERE i.{q(column)} = %s"
    )


def respondent_names(invitation: Invitation) -> Invitation:
    """Reads the round's project and partnership and the invitation's agency, for the pages
    that name them (one hand-written query, as respondent_invitation's)."""
    with connection.cursor() as cursor:
        rows.execute(
            cursor,
            _respondent_names_sql(connection.vendor),
            [invitation.round.project_id, invitation.agency_id],
        )
        values = iter(cursor.fetchone())
    project = cast(Project, rows.instance(Project, rows.take(values, Project)))
    project.partnership = cast(
        Partnership, rows.instance(Partnership, rows.take(values, Partnership))
    )
    invitation.round.project = project
    invitation.agency = cast(Agency, rows.instance(Agency, rows.take(values, Agency)))
    return invitation


@cache
def _respondent_names_sql(vendor: str) -> str:
    del vendor  # one text per database vendor: quoting differs
    q = connection.ops.quote_name
    return (
        f"SELECT {rows.columns(Project, 'p')}, {rows.columns(Partnership, 'pa')}, "  # noqa: S608  # nosec B608
        f"{rows.columns(Agency, 'ag')} "
        f"FROM {q(Project._meta.db_table)} p "
        f"JOIN {q(Partnership._meta.db_table)} pa ON pa.{q('id')} = p.{q('partnership_id')} "
        f"CROSS JOIN {q(Agency._meta.db_table)} ag "
        f"WHERE p.{q('id')} = %s AND ag.{q('id')} = %s"
    )


def invitation_structure(invitation: Invitation) -> Structure:
    """The sections and questions of the invitation's questionnaire (no query once read)."""
    digest = getattr(invitation, "instrument_digest", None)
    if digest is None:  # not read by respondent_invitation
        digest = invitation.round.instrument.definition_sha256
    return instrument_structure(invitation.round.instrument_id, digest)


def answers_by_question(response: Response | None, questions: list[Question]) -> dict[int, Answer]:
    """The response's answers to these questions, by question id (one hand-written query)."""
    if response is None or not questions:
        return {}
    ids = [question.pk for question in questions]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One text whatever the page's length, so that it is prepared once (core.rows).
            rows.execute(cursor, _answers_sql(connection.vendor, "= ANY(%s)"), [response.pk, ids])
        else:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(_answers_sql(connection.vendor, f"IN ({marks})"), [response.pk, *ids])
        found = [cast(Answer, rows.instance(Answer, row)) for row in cursor.fetchall()]
    return {answer.question_id: answer for answer in found}


@cache
def _answers_sql(vendor: str, questions: str) -> str:
    del vendor  # one text per database vendor: quoting differs
    q = connection.ops.quote_name
    return (
        f"SELECT {rows.columns(Answer, 'a')} FROM {q(Answer._meta.db_table)} a "  # noqa: S608  # nosec B608
        f"WHERE a.{q('response_id')} = %s AND a.{q('question_id')} {questions}"
    )


def relationship_agencies(survey_round: Round, *, excluding: int | None) -> list[Agency]:
    """The agencies a working-relationships question lists: the partnership's members when the
    round was opened, but for the respondent's own agency (``excluding``), by name."""
    agencies = survey_round.agencies_at_opening.order_by("name", "pk")
    if excluding is not None:
        agencies = agencies.exclude(pk=excluding)
    return list(agencies)


def round_agency_names(survey_round: Round) -> dict[int, str]:
    """The names of the round's agencies at opening, by id (what its ratings are keyed by)."""
    return dict(survey_round.agencies_at_opening.values_list("pk", "name"))


def summary_agency_names(
    survey_round: Round, summary: list[tuple[Section, list[tuple[Question, Answer | None]]]]
) -> dict[int, str]:
    """``round_agency_names`` when a response summary asks about relationships (no query
    otherwise)."""
    asks = any(q.type == QuestionType.RELATIONSHIPS for _s, rows in summary for q, _a in rows)
    return round_agency_names(survey_round) if asks else {}


def section_relationship_agencies(
    survey_round: Round, questions: list[Question], *, excluding: int | None
) -> list[Agency]:
    """``relationship_agencies`` for a page that asks about them, else nothing (no query)."""
    if not any(q.type == QuestionType.RELATIONSHIPS for q in questions):
        return []
    return relationship_agencies(survey_round, excluding=excluding)


def own_answers_visible(invitation: Invitation) -> bool:
    """May a respondent read back their own submitted answers? Only while the round is open and
    the invitation stands: afterwards the link and the session say only when they submitted,
    so a lost or shared link, or a device left behind, gives nobody their answers."""
    return invitation.revoked_at is None and not invitation.round.is_closed()


def response_summary(
    structure: Structure, response: Response
) -> list[tuple[Section, list[tuple[Question, Answer | None]]]]:
    """Every section with its questions and answers, for the check-your-answers page."""
    answers = {a.question_id: a for a in response.answers.all()}
    return [
        (s, [(q, answers.get(q.pk)) for q in structure.section_questions(s)])
        for s in structure.sections
    ]


# --- Paper entries (surveys.corrections) -------------------------------------------------------
def paper_responses(survey_round: Round) -> list[Response]:
    """The round's paper questionnaires keyed in by officers, the latest first."""
    return list(
        Response.objects.filter(
            round=survey_round, entered_by__isnull=False, invitation__isnull=True
        )
        .select_related("agency", "entered_by")
        .order_by("-submitted_at", "-id")
    )


def round_response_for_user(user: User, round_pk: int, pk: int) -> Response:
    """A submitted response of a round the user may read (404 otherwise). In an anonymous round
    only a paper entry is found: whether an online response's id belongs to the round would
    say something of who answered when, so it answers as a missing one does."""
    survey_round = round_for_user(user, round_pk)
    responses = Response.objects.filter(round=survey_round, submitted_at__isnull=False)
    if survey_round.is_anonymous:
        responses = responses.filter(entered_by__isnull=False, invitation__isnull=True)
    response = get_object_or_404(responses.select_related("agency"), pk=pk)
    response.round = survey_round
    return response


def visitor_authority(user: User, invitation_id: int | None) -> LocalAuthority | None:
    """The authority a visitor belongs to: a signed-in person's own, else that of the round
    whose invitation link this browser's session holds, else none."""
    if user.is_authenticated and user.authority_id is not None:
        return LocalAuthority.objects.filter(pk=user.authority_id).first()
    if invitation_id is None:
        return None
    return LocalAuthority.objects.filter(
        partnerships__projects__rounds__invitations__pk=invitation_id
    ).first()
