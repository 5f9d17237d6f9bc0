"""Putting a paper questionnaire right: an officer corrects or withdraws what was keyed in.

Only a paper entry (a response keyed in by an officer) can be changed by staff: an online
response is the respondent's own and is never edited by anyone else. In an anonymous round a
paper entry can be changed only until the round's results are published, that is until the
round closes (its results are published at close, reports.services.publication): a change
after that would make two readable states differ by one person. Every change is audited with
ids and counts only (never an answer), and the round is rescored once it commits.

Concurrent edits: each change names the version of the entry it was based on (the entry's
``updated_at``, opaque to the caller); the entry is locked and a change based on an older
version is refused (StaleEditError), never silently overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import StaleEditError
from partnerships.audit import audit_record
from partnerships.models import Agency, User
from partnerships.services import require_officer_of

from .models import Answer, Response, Round
from .services import _answers_changed, _store_answers, missing_required

WITHDRAW_REASON_MAX_LENGTH = 500


class NotAPaperEntry(Exception):
    """An online response: only its respondent ever changes it."""

    message = gettext_lazy(
        "This response was submitted online by the person who answered it: staff can never "
        "change it. Only a paper questionnaire keyed in by an officer can be corrected."
    )


class PaperEntryLocked(Exception):
    """The entry may no longer change: its anonymous round's results are published, or the
    round's responses were deleted."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def entry_version(response: Response) -> str:
    """The token a change must send back: the entry's last change, to the microsecond."""
    return response.updated_at.isoformat()


def paper_entry_lock_reason(survey_round: Round) -> str | None:
    """Why the paper entries of this round can no longer be opened or changed, or None."""
    if survey_round.responses_deleted_at is not None:
        return _("This round's responses have been deleted.")
    if survey_round.is_anonymous and survey_round.is_closed():
        return _(
            "This round is anonymous and its results are published when it closes: a paper "
            "questionnaire can be corrected or withdrawn only until then, so that no two "
            "published results differ by one person."
        )
    return None


def paper_entry_check(response: Response) -> None:
    """Refuse an online response or a locked round (for opening an entry as for changing it)."""
    if response.entered_by_id is None or response.invitation_id is not None:
        raise NotAPaperEntry
    reason = paper_entry_lock_reason(response.round)
    if reason is not None:
        raise PaperEntryLocked(reason)


def _locked_entry(actor: User, response: Response, expected_version: str) -> Response:
    require_officer_of(actor, response.round.project.partnership.authority_id)
    locked = (
        Response.objects.select_for_update()
        .select_related("round__project__partnership__authority", "round__instrument")
        .filter(pk=response.pk)
        .first()
    )
    if locked is None:  # another officer withdrew it meanwhile
        raise StaleEditError
    # The round is read again under the entry's lock: it may have closed since the page loaded.
    locked.round = Round.objects.select_related(
        "project__partnership__authority", "instrument"
    ).get(pk=locked.round_id)
    paper_entry_check(locked)
    try:
        expected = dt.datetime.fromisoformat(expected_version)
    except (TypeError, ValueError):
        raise StaleEditError from None
    if expected != locked.updated_at:
        raise StaleEditError
    return locked


def _answer_state(response: Response) -> dict[int, dict[str, Any]]:
    return {
        a.question_id: {
            "value": a.value,
            "dont_know": a.dont_know,
            "choice": a.choice,
            "text": a.text,
            "ranking": a.ranking,
        }
        for a in Answer.objects.filter(response=response)
    }


@transaction.atomic
def paper_response_correct(
    *,
    actor: User,
    response: Response,
    agency: Agency,
    values: Mapping[str, Any],
    expected_version: str,
) -> Response:
    """Replace a paper entry's agency and answers with the corrected ones (every question:
    one left empty is cleared). It stays submitted; incomplete, nothing of it is kept."""
    locked = _locked_entry(actor, response, expected_version)
    survey_round = locked.round
    partnership = survey_round.project.partnership
    if agency.authority_id != partnership.authority_id:
        raise PermissionDenied(_("That agency belongs to another authority."))
    questions = list(survey_round.instrument.questions.all())
    before = _answer_state(locked)
    _store_answers(locked, questions, {q.code: values.get(q.code) for q in questions})
    missing = missing_required(locked)
    if missing:  # the transaction is rolled back: the entry stays as it was
        raise ValidationError(
            _("Required questions are unanswered: %(q)s")
            % {"q": ", ".join(q.code for q in missing)}
        )
    after = _answer_state(locked)
    changed = sum(1 for qid in before.keys() | after.keys() if before.get(qid) != after.get(qid))
    previous_agency = locked.agency_id
    locked.agency = agency
    locked.save(update_fields=["agency", "updated_at"])
    audit_record(
        actor=actor,
        action="response.corrected",
        obj=locked,
        authority=partnership.authority,
        data={
            "round": survey_round.pk,
            "agency": agency.pk,
            "previous_agency": previous_agency,
            "answers_changed": changed,
        },
    )
    _answers_changed(survey_round.pk)
    return locked


@transaction.atomic
def paper_response_withdraw(
    *, actor: User, response: Response, reason: str, expected_version: str
) -> None:
    """Withdraw a paper entry: it and its answers are deleted; the audit keeps the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this paper questionnaire is withdrawn.")})
    if len(reason) > WITHDRAW_REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": _("The reason must be %(n)s characters or fewer.")
                % {"n": WITHDRAW_REASON_MAX_LENGTH}
            }
        )
    locked = _locked_entry(actor, response, expected_version)
    survey_round = locked.round
    audit_record(
        actor=actor,
        action="response.withdrawn",
        obj=locked,
        authority=survey_round.project.partnership.authority,
        data={"round": survey_round.pk, "agency": locked.agency_id, "reason": reason},
    )
    locked.delete()  # its answers go with it
    _answers_changed(survey_round.pk)
