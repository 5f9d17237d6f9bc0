"""Writes for surveys: rounds, invitations, the respondent's answers and submission.

Every write is validated and atomic. E-mails and scoring are enqueued only after the
transaction commits, so a worker never looks for a row that is not there yet.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import rows
from core.tasks import send_email
from partnerships.audit import audit_record
from partnerships.models import Agency, Project, User
from partnerships.services import require_officer_of

from .answers import ANSWER_FIELDS, answer_columns, is_unanswered
from .emails import invitation_email_in
from .models import (
    DEFAULT_MIN_GROUP_SIZE,
    Answer,
    DeliveryStatus,
    Instrument,
    Invitation,
    Question,
    QuestionType,
    Response,
    Round,
)
from .selectors import respondent_invitation_of_link
from .signals import round_answers_changed, round_closed, round_responses_deleted
from .structure import Structure
from .tokens import digests_match, new_link, token_digest, token_for

logger = logging.getLogger(__name__)


# --- Rounds ---------------------------------------------------------------------------------
@transaction.atomic
def round_open(
    *,
    actor: User,
    project: Project,
    instrument: Instrument,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date,
    reporting_mode: str,
    introduction: str,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    introduction_cy: str = "",
) -> Round:
    require_officer_of(actor, project.partnership.authority_id)
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The closing date must be after the opening date.")})
    survey_round = Round(
        project=project,
        instrument=instrument,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        reporting_mode=reporting_mode,
        min_group_size=min_group_size,
        introduction=introduction,
        introduction_cy=introduction_cy,
        created_by=actor,
    )
    survey_round.full_clean()
    survey_round.save()
    round_members_snapshot(survey_round=survey_round)
    audit_record(
        actor=actor,
        action="round.opened",
        obj=survey_round,
        authority=project.partnership.authority,
        data={"project": project.pk, "instrument": instrument.label},
    )
    return survey_round


def round_members_snapshot(*, survey_round: Round) -> None:
    """Keep the partnership's current member agencies as the round's agencies at opening: the
    ones its working-relationships section lists and its network's nodes."""
    survey_round.agencies_at_opening.set(
        Agency.objects.filter(
            memberships__partnership_id=survey_round.project.partnership_id,
            memberships__left_on__isnull=True,
        )
    )


def relationship_errors(
    *, survey_round: Round, agency_id: int, ratings: Mapping[Any, Any]
) -> dict[str, str]:
    """For each rated agency that may not be rated, why: only the other agencies that were
    members when the round opened are listed, each at a level from 0 to 5 (or don't know)."""
    allowed = set(survey_round.agencies_at_opening.values_list("pk", flat=True)) - {agency_id}
    errors: dict[str, str] = {}
    for key, level in ratings.items():
        text = str(key)
        rated = int(text) if text.isascii() and text.isdigit() else None
        if rated is None or rated not in allowed:
            errors[str(key)] = _(
                "Agency %(agency)s is not another member of this round's partnership."
            ) % {"agency": key}
        elif level is not None and (
            isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 5
        ):
            errors[str(key)] = _(
                "%(level)s is not a level: give 0 to 5, or null for don't know."
            ) % {"level": level}
    return errors


def _check_relationships(
    survey_round: Round, agency_id: int, questions: Iterable[Question], values: Mapping[str, Any]
) -> None:
    for question in questions:
        if question.type == QuestionType.RELATIONSHIPS and values.get(question.code):
            errors = relationship_errors(
                survey_round=survey_round, agency_id=agency_id, ratings=values[question.code]
            )
            if errors:
                raise ValidationError("; ".join(errors.values()), code="relationships")


# --- Invitations ----------------------------------------------------------------------------
class RoundAlreadyClosed(Exception):
    """The round has closed already (early, or by date)."""


# What the pages and the API say when an action needs a round that has not closed.
CLOSED_ROUND_REFUSAL = gettext_lazy(
    "This round has closed: nobody can be invited, sent a link or reminded any more."
)


def require_round_takes_invitations(survey_round: Round) -> Round:
    """Lock the round and refuse (RoundAlreadyClosed) once it has closed: inviting, sending and
    reminding make no sense then. Locking serialises this with the round's Close button."""
    locked = Round.objects.select_for_update().get(pk=survey_round.pk)
    if not locked.takes_invitations():
        raise RoundAlreadyClosed
    locked.project = survey_round.project  # loaded already: e-mails read its partnership
    return locked


@transaction.atomic
def round_close(*, actor: User, survey_round: Round) -> Round:
    """An officer closes a round early: nobody can answer any more, and an anonymous round's
    results are published (the reports app scores it once this commits)."""
    require_officer_of(actor, survey_round.project.partnership.authority_id)
    locked = Round.objects.select_for_update().get(pk=survey_round.pk)
    if locked.is_closed():
        raise RoundAlreadyClosed
    locked.closed_at = timezone.now()
    locked.version = F("version") + 1  # an edit form opened before this is now stale
    locked.save(update_fields=["closed_at", "updated_at", "version"])
    locked.refresh_from_db()
    audit_record(
        actor=actor,
        action="round.closed",
        obj=locked,
        authority=survey_round.project.partnership.authority,
    )
    round_closed.send(sender=Round, round_id=locked.pk)
    return locked


# --- Invitations ----------------------------------------------------------------------------
def _new_invitation(
    survey_round: Round, agency: Agency, name: str, email: str, language: str = ""
) -> Invitation:
    link, _token = new_link()
    return Invitation(
        round=survey_round,
        agency=agency,
        name=name,
        email=email.strip().lower(),
        language=language,
        **link,
    )


def invitation_link(invitation: Invitation) -> str:
    token = token_for(invitation.token_salt)
    site_url: str = settings.SITE_URL
    return site_url + reverse("surveys:respond_link", args=[token])


@transaction.atomic
def invitation_add(
    *, actor: User, survey_round: Round, agency: Agency, name: str, email: str, language: str = ""
) -> Invitation:
    partnership = survey_round.project.partnership
    require_officer_of(actor, partnership.authority_id)
    if agency.authority_id != partnership.authority_id:
        raise PermissionDenied(_("That agency belongs to another authority."))
    require_round_takes_invitations(survey_round)
    if survey_round.invitations.filter(email__iexact=email.strip()).exists():
        raise ValidationError({"email": _("This person is already invited to this round.")})
    invitation = _new_invitation(survey_round, agency, name, email, language)
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=actor,
        action="invitation.added",
        obj=invitation,
        authority=partnership.authority,
        data={"round": survey_round.pk, "agency": agency.pk},
    )
    return invitation


@transaction.atomic
def invitations_import(
    *, actor: User, survey_round: Round, rows: Iterable[Mapping[str, Any]]
) -> list[Invitation]:
    """Invite everyone in the rows (agency, name, email) or nobody: checked again here, under the
    round's lock, because another officer may have invited one of them since the preview."""
    partnership = survey_round.project.partnership
    require_officer_of(actor, partnership.authority_id)
    require_round_takes_invitations(survey_round)
    invited = {e.lower() for e in survey_round.invitations.values_list("email", flat=True)}
    created = []
    for row in rows:
        agency = row["agency"]
        if agency.authority_id != partnership.authority_id:
            raise PermissionDenied(_("That agency belongs to another authority."))
        invitation = _new_invitation(survey_round, agency, row["name"], row["email"])
        if invitation.email in invited:
            raise ValidationError(
                _("%(email)s is already invited to this round.") % {"email": invitation.email}
            )
        invited.add(invitation.email)
        invitation.full_clean()
        created.append(invitation)
    Invitation.objects.bulk_create(created)
    if created:
        audit_record(
            actor=actor,
            action="invitation.imported",
            obj=survey_round,
            authority=partnership.authority,
            data={"count": len(created)},
        )
    return created


@transaction.atomic
def invitations_add_from_memberships(
    *, actor: User, survey_round: Round
) -> tuple[list[Invitation], list[Agency]]:
    """Invite the contact of every current member agency; returns (invited, skipped agencies)."""
    partnership = survey_round.project.partnership
    require_officer_of(actor, partnership.authority_id)
    require_round_takes_invitations(survey_round)
    invited_emails = set(survey_round.invitations.values_list("email", flat=True))
    created, skipped = [], []
    memberships = partnership.memberships.filter(left_on__isnull=True).select_related("agency")
    for membership in memberships:
        agency = membership.agency
        email = agency.email.strip().lower()
        if not email:
            skipped.append(agency)
            continue
        if email in invited_emails:
            continue
        created.append(
            _new_invitation(
                survey_round,
                agency,
                agency.contact_name or agency.name,
                email,
                agency.contact_language,
            )
        )
        invited_emails.add(email)
    Invitation.objects.bulk_create(created)
    if created:
        audit_record(
            actor=actor,
            action="invitation.added_from_memberships",
            obj=survey_round,
            authority=partnership.authority,
            data={"count": len(created)},
        )
    return created, skipped


def _email_for(invitation: Invitation, survey_round: Round, *, reminder: bool) -> dict[str, Any]:
    """The send_email task's arguments for one invitation of the round (built by
    surveys.emails, as the officer's preview is), from the round as it stands now: in the
    invitee's recorded language, or, not known, Welsh and English together in one e-mail."""
    email = invitation_email_in(
        invitation.language,
        survey_round,
        name=invitation.name,
        link=invitation_link(invitation),
        reminder=reminder,
    )
    return {
        "subject": email.subject,
        "body": email.body,
        "html_body": email.html_body,
        "to": [invitation.email],
    }


def _enqueue_emails(messages: list[tuple[int, dict[str, Any]]], *, reminder: bool) -> None:
    """Queue each (invitation id, e-mail) once the transaction commits. An e-mail that cannot be
    queued (the broker is down) is not recorded as sent, so the round's page shows it unsent
    and the officer, or the next automatic reminder, can send it again."""

    def send_all() -> None:
        # Imported here: the tasks module imports this one.
        from core.notify import notify_enabled

        from .tasks import send_invitation_email

        failed = []
        for invitation_id, message in messages:
            try:
                if notify_enabled():  # the task fills Notify's template from the invitation
                    send_invitation_email.delay(invitation_id, reminder)
                else:
                    send_email.delay(**message)
            except Exception:  # the broker is down
                logger.warning("could not queue an invitation e-mail", exc_info=True)
                failed.append(invitation_id)
        if failed:
            _record_unsent(failed, reminder=reminder)

    transaction.on_commit(send_all)


def _record_unsent(invitation_ids: list[int], *, reminder: bool) -> None:
    unsent = Invitation.objects.filter(pk__in=invitation_ids)
    if reminder:
        unsent.update(reminded_at=None)
        return
    unsent.filter(send_count__lte=1).update(sent_at=None, send_count=0)
    unsent.filter(send_count__gt=1).update(send_count=F("send_count") - 1)


@transaction.atomic
def invitations_send(
    *, actor: User, survey_round: Round, invitations: Iterable[Invitation], reminder: bool = False
) -> int:
    """E-mail each invitation's link (first send, resend or reminder). Revoked ones are skipped.
    RoundAlreadyClosed once the round has closed."""
    require_officer_of(actor, survey_round.project.partnership.authority_id)
    locked = require_round_takes_invitations(survey_round)
    now = timezone.now()
    messages, sent_ids = [], []
    for invitation in invitations:
        if invitation.round_id != survey_round.pk or invitation.revoked_at is not None:
            continue
        messages.append((invitation.pk, _email_for(invitation, locked, reminder=reminder)))
        sent_ids.append(invitation.pk)
    if not sent_ids:
        return 0
    queryset = Invitation.objects.filter(pk__in=sent_ids)
    if reminder:
        queryset.update(reminded_at=now)
    else:
        queryset.filter(sent_at__isnull=True).update(sent_at=now)
        queryset.update(send_count=F("send_count") + 1)
    audit_record(
        actor=actor,
        action="invitation.reminded" if reminder else "invitation.sent",
        obj=survey_round,
        authority=survey_round.project.partnership.authority,
        data={"count": len(sent_ids)},
    )
    _enqueue_emails(messages, reminder=reminder)
    return len(sent_ids)


def round_send_unsent(*, actor: User, survey_round: Round) -> int:
    """ "Send" on a round: e-mail every invitation not yet sent. Revoked ones are never sent."""
    unsent = survey_round.invitations.filter(sent_at__isnull=True, revoked_at__isnull=True)
    return invitations_send(
        actor=actor, survey_round=survey_round, invitations=unsent.select_related("agency")
    )


def reminders_due(survey_round: Round) -> list[Invitation]:
    """Everyone invited who has not submitted, except addresses that bounced (Notify)."""
    return list(
        survey_round.invitations.filter(revoked_at__isnull=True, sent_at__isnull=False)
        .exclude(response__submitted_at__isnull=False)
        .exclude(delivery_status=DeliveryStatus.PERMANENT_FAILURE)
        .select_related("round__project__partnership", "agency")
    )


@transaction.atomic
def round_send_reminders(*, actor: User | None, survey_round: Round) -> int:
    """Remind everyone invited who has not submitted. actor None = the automatic schedule,
    which skips a round that closed meanwhile; an officer gets RoundAlreadyClosed."""
    if actor is None:
        try:
            locked = require_round_takes_invitations(survey_round)
        except RoundAlreadyClosed:
            return 0
    invitations = reminders_due(survey_round)
    now = timezone.now()
    if actor is not None:
        count = invitations_send(
            actor=actor, survey_round=survey_round, invitations=invitations, reminder=True
        )
    else:
        Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(reminded_at=now)
        messages = [(i.pk, _email_for(i, locked, reminder=True)) for i in invitations]
        _enqueue_emails(messages, reminder=True)
        count = len(invitations)
    Round.objects.filter(pk=survey_round.pk).update(reminders_sent_at=now)
    return count


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    require_officer_of(actor, invitation.round.project.partnership.authority_id)
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="invitation.revoked",
            obj=invitation,
            authority=invitation.round.project.partnership.authority,
        )
    return invitation


# --- The respondent journey -----------------------------------------------------------------
class LinkProblem(Exception):
    def __init__(self, kind: str, invitation: Invitation | None = None):
        super().__init__(kind)
        self.kind = kind  # "unknown", "revoked", "closed", "not_open"
        self.invitation = invitation


def invitation_check(invitation: Invitation, *, allow_submitted: bool = True) -> None:
    if invitation.revoked_at is not None:
        raise LinkProblem("revoked", invitation)
    survey_round = invitation.round
    today = timezone.localdate()
    submitted = hasattr(invitation, "response") and invitation.response.is_submitted
    if submitted and allow_submitted:
        return
    if survey_round.closed_at is not None or today > survey_round.closes_on:
        raise LinkProblem("closed", invitation)
    if today < survey_round.opens_on:
        raise LinkProblem("not_open", invitation)


def invitation_open(*, token: str) -> Invitation:
    """The invitation a link's token belongs to; LinkProblem if it cannot be used."""
    if not token or len(token) > 100:
        raise LinkProblem("unknown")
    digest = token_digest(token)
    invitation = respondent_invitation_of_link(digest)
    if invitation is None or not digests_match(token, invitation.token_hash):
        raise LinkProblem("unknown")
    invitation_check(invitation)
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
    return invitation


def response_start(*, invitation: Invitation, language: str = "") -> Response:
    """The invitation's response, created on consent with the language the respondent chose.
    Safe to call twice (two tabs)."""
    invitation_check(invitation, allow_submitted=True)
    try:
        with transaction.atomic():
            response, _created = Response.objects.get_or_create(
                invitation=invitation,
                defaults={
                    "round_id": invitation.round_id,
                    "agency_id": invitation.agency_id,
                    "consented_at": timezone.now(),
                    "language": language,
                },
            )
    except IntegrityError:  # another tab created it between our read and insert
        response = Response.objects.get(invitation=invitation)
    return response


class ResponseLocked(Exception):
    """The response was submitted (read-only) or the round has closed."""


def _store_answers(
    response: Response, questions: Iterable[Question], values: Mapping[str, Any]
) -> None:
    """Upsert the given answers and delete the cleared ones (an unanswered answer is not
    stored): one statement on PostgreSQL, two elsewhere. Written by hand because the ORM took
    longer to build the upsert than the database took to run it, on every page saved."""
    upserts, cleared = [], []
    for question in questions:
        if question.code not in values:
            continue
        fields = answer_columns(question.type, values[question.code])
        if is_unanswered(fields):
            cleared.append(question.pk)
        else:
            upserts.append((question.pk, fields))
    with connection.cursor() as cursor:
        for sql, params in _answer_writes(response.pk, upserts, cleared):
            cursor.execute(sql, params)


def _answer_writes(
    response_id: int, upserts: list[tuple[int, dict[str, Any]]], cleared: list[int]
) -> list[tuple[str, list[Any]]]:
    """The statements (SQL, parameters) that store a page's answers of one response."""
    q = connection.ops.quote_name
    meta = Answer._meta
    table = q(meta.db_table)
    writes: list[tuple[str, list[Any]]] = []
    if cleared:
        marks = ", ".join(["%s"] * len(cleared))
        delete = (
            f"DELETE FROM {table} WHERE {q('response_id')} = %s "  # noqa: S608  # nosec B608
            f"AND {q('question_id')} IN ({marks})"
        )
        writes.append((delete, [response_id, *cleared]))
    if upserts:
        by_name = {field.name: field for field in meta.concrete_fields}
        fields = [by_name[name] for name in ANSWER_FIELDS]
        names = ", ".join(q(column) for column in ("response_id", "question_id", *ANSWER_FIELDS))
        row = "(" + ", ".join(["%s"] * (2 + len(fields))) + ")"
        params: list[Any] = []
        for question_id, columns in upserts:
            params += [response_id, question_id]
            params += [f.get_db_prep_save(columns[f.name], connection) for f in fields]
        updates = ", ".join(f"{q(name)} = EXCLUDED.{q(name)}" for name in ANSWER_FIELDS)
        upsert = (
            f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(upserts))} "  # noqa: S608  # nosec B608
            f"ON CONFLICT ({q('response_id')}, {q('question_id')}) DO UPDATE SET {updates}"
        )
        if writes and connection.vendor == "postgresql":
            # One round trip: the deletion as a data-modifying WITH of the upsert (the two
            # touch different questions, so neither sees the other's rows).
            delete, delete_params = writes.pop()
            upsert, params = f"WITH cleared AS ({delete}) {upsert}", [*delete_params, *params]
        writes.append((upsert, params))
    return writes


@transaction.atomic
def response_save_section(
    *,
    response: Response,
    section_position: int,
    questions: list[Question],
    values: Mapping[str, Any],
) -> None:
    """Save one page of answers. Nothing is saved for a submitted response or a closed round.

    The response's row is updated first, only while it is not submitted, which locks it until
    the answers are stored: a submission in another tab waits, then reads them. The round is
    the one the request read (``response.round``): a round closed in the same instant may keep
    a page of an unsubmitted response, which nothing reads.
    """
    if not response.round.is_open():
        raise ResponseLocked
    _check_relationships(response.round, response.agency_id, questions, values)
    with connection.cursor() as cursor:
        rows.execute(
            cursor,
            _section_saved_sql(connection.vendor),
            _section_saved_params(response, section_position),
        )
        if cursor.rowcount != 1:
            raise ResponseLocked
    _store_answers(response, questions, values)


@cache
def _section_saved_sql(vendor: str) -> str:
    del vendor  # one text per database vendor: quoting differs
    q = connection.ops.quote_name
    last = q("last_section")
    return (
        f"UPDATE {q(Response._meta.db_table)} "  # noqa: S608  # nosec B608
        f"SET {last} = CASE WHEN {last} < %s THEN %s ELSE {last} END, {q('updated_at')} = %s "
        f"WHERE {q('id')} = %s AND {q('submitted_at')} IS NULL"
    )


def _section_saved_params(response: Response, section_position: int) -> list[Any]:
    now = Response._meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection)
    return [section_position, section_position, now, response.pk]


def missing_required(
    response: Response, *, structure: Structure | None = None, answered: set[int] | None = None
) -> list[Question]:
    """Required questions this response has not answered: the one definition of a complete
    response, for online submission and paper entry alike. An answer is stored only when it
    says something (see answers.is_unanswered), so a stored row is an answer.

    One query. Given the questionnaire's structure, a plain read of the ids of the questions
    answered instead of the ORM's joined query; none when the caller has those ids too.
    """
    if structure is not None:
        if answered is None:
            answered = set(
                Answer.objects.filter(response=response).values_list("question_id", flat=True)
            )
        return [q for q in structure.required if q.pk not in answered]
    return list(
        Question.objects.filter(instrument_id=response.round.instrument_id, required=True)
        .exclude(answers__response=response)
        .select_related("section")
        .order_by("position")
    )


def _answers_changed(round_id: int) -> None:
    # The reports app rescores the round once this transaction commits.
    round_answers_changed.send(sender=Round, round_id=round_id)


@transaction.atomic
def response_submit(*, response: Response, structure: Structure | None = None) -> Response:
    """Submit once. A double click, a second tab or a retry returns the same submission.
    The respondent pages give the questionnaire's structure they have read (missing_required)."""
    locked = Response.objects.select_for_update().select_related("round").get(pk=response.pk)
    if locked.is_submitted:
        return locked
    if not locked.round.is_open():
        raise ResponseLocked
    missing = missing_required(locked, structure=structure)
    if missing:
        raise ValidationError(
            _("Answer every required question before you submit: %(q)s")
            % {"q": ", ".join(q.section.local_title for q in missing)},
            code="incomplete",
        )
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["submitted_at", "updated_at"])
    _answers_changed(locked.round_id)
    return locked


@transaction.atomic
def response_enter_on_paper(
    *, actor: User, survey_round: Round, agency: Agency, values: Mapping[str, Any]
) -> Response:
    """An officer keys in a paper questionnaire for an agency; it is submitted at once."""
    partnership = survey_round.project.partnership
    require_officer_of(actor, partnership.authority_id)
    if agency.authority_id != partnership.authority_id:
        raise PermissionDenied(_("That agency belongs to another authority."))
    questions = list(survey_round.instrument.questions.all())
    _check_relationships(survey_round, agency.pk, questions, values)
    now = timezone.now()
    response = Response.objects.create(
        round=survey_round,
        agency=agency,
        entered_by=actor,
        consented_at=now,
        submitted_at=now,
        last_section=survey_round.instrument.sections.count(),
    )
    _store_answers(response, questions, values)
    missing = missing_required(response)
    if missing:  # the transaction is rolled back: nothing of the entry is kept
        raise ValidationError(
            _("Required questions are unanswered: %(q)s")
            % {"q": ", ".join(q.code for q in missing)}
        )
    audit_record(
        actor=actor,
        action="response.entered_by_officer",
        obj=response,
        authority=partnership.authority,
        data={"round": survey_round.pk, "agency": agency.pk},
    )
    _answers_changed(survey_round.pk)
    return response


# --- Retention --------------------------------------------------------------------------------
class RoundStillOpen(Exception):
    """Responses are deleted only once a round has closed."""


@transaction.atomic
def _round_responses_delete(
    survey_round: Round, *, actor: User | None, reason: str
) -> dict[str, int]:
    if not survey_round.is_closed():
        raise RoundStillOpen
    responses = Response.objects.filter(round=survey_round)
    counts = {
        "responses": responses.count(),
        "answers": Answer.objects.filter(response__round=survey_round).count(),
        "invitations": survey_round.invitations.count(),
    }
    responses.delete()  # answers go with them
    survey_round.invitations.all().delete()  # names and e-mail addresses too
    Round.objects.filter(pk=survey_round.pk).update(responses_deleted_at=timezone.now())
    round_responses_deleted.send(sender=Round, round_id=survey_round.pk)
    audit_record(
        actor=actor,
        action="round.responses_deleted",
        obj=survey_round,
        authority=survey_round.project.partnership.authority,
        data={**counts, "reason": reason},
    )
    return counts


def round_responses_delete(*, actor: User, survey_round: Round) -> dict[str, int]:
    """An officer deletes a closed round's responses and invitations (export them first)."""
    require_officer_of(actor, survey_round.project.partnership.authority_id)
    return _round_responses_delete(survey_round, actor=actor, reason="officer")


def responses_purge(
    *, older_than_days: int, dry_run: bool = False
) -> list[tuple[Round, dict[str, int]]]:
    """Delete responses of rounds that closed more than `older_than_days` ago."""
    cutoff = timezone.localdate() - dt.timedelta(days=older_than_days)
    due = Round.objects.filter(
        closes_on__lt=cutoff, responses_deleted_at__isnull=True
    ).select_related("project__partnership__authority")
    removed = []
    for survey_round in due:
        if dry_run:
            removed.append(
                (
                    survey_round,
                    {
                        "responses": survey_round.responses.count(),
                        "answers": Answer.objects.filter(response__round=survey_round).count(),
                        "invitations": survey_round.invitations.count(),
                    },
                )
            )
        else:
            counts = _round_responses_delete(survey_round, actor=None, reason="retention")
            removed.append((survey_round, counts))
    return removed
