"""Reads for surveys, always through the registry's tenancy selectors."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from partnerships.models import Agency, LocalAuthority, Project, User
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
    return (
        Invitation.objects.select_related(
            "round__instrument", "round__project__partnership", "agency", "response"
        )
        .filter(pk=invitation_id)
        .first()
    )


def instrument_sections(instrument_id: int) -> list[Section]:
    return list(Section.objects.filter(instrument_id=instrument_id).order_by("position"))


def section_questions(section: Section) -> list[Question]:
    return list(section.questions.order_by("position"))


def answers_by_question(response: Response | None, questions: list[Question]) -> dict[int, Answer]:
    if response is None:
        return {}
    answers = Answer.objects.filter(response=response, question__in=[q.pk for q in questions])
    return {a.question_id: a for a in answers}


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
    response: Response,
) -> list[tuple[Section, list[tuple[Question, Answer | None]]]]:
    """Every section with its questions and answers, for the check-your-answers page."""
    sections = list(
        Section.objects.filter(instrument_id=response.round.instrument_id)
        .prefetch_related("questions")
        .order_by("position")
    )
    answers = {a.question_id: a for a in response.answers.all()}
    return [
        (s, [(q, answers.get(q.pk)) for q in sorted(s.questions.all(), key=lambda q: q.position)])
        for s in sections
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
