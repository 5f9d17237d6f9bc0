"""Editing a round after it was opened: which fields may still change, and the change itself.

The rule (one home, for the edit page, the API's PATCH and the preview page's message):
- the questionnaire never changes (its answers are tied to its questions);
- the reporting mode and k are fixed once the round has a response (anyone who answered did so
  under the promise the round made them);
- once the round has opened, its opening date can be corrected but not moved after today
  (that would shut the round again on people who have started);
- the closing date may move, later or earlier, but never before today: closing now is the
  round's Close button, which publishes an anonymous round's results;
- a closed round is never re-opened by an edit. Closing publishes an anonymous round's results;
  answers arriving after that would let a reader compare the two publications and learn what
  the late answers said. Only its title can still be corrected.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import StaleEditError
from partnerships.audit import audit_record
from partnerships.models import User
from partnerships.services import require_officer_of

from .models import Round

EDITABLE_FIELDS = (
    "title",
    "opens_on",
    "closes_on",
    "reporting_mode",
    "min_group_size",
    "introduction",
    "invitation_message",
)
# Free text is audited as "changed", never with its words (they may name people).
_TEXT_FIELDS = ("introduction", "invitation_message")


def round_locked_fields(survey_round: Round, today: dt.date | None = None) -> dict[str, str]:
    """The fields that may no longer change, each with the reason shown to the officer."""
    today = today or timezone.localdate()
    locked: dict[str, str] = {}
    if survey_round.is_closed(today):
        reason = _("The round has closed: it cannot be re-opened or changed, only renamed.")
        return {name: reason for name in EDITABLE_FIELDS if name != "title"}
    if survey_round.responses.exists():
        reason = _("Fixed once the round has a response: people answered under this promise.")
        locked["reporting_mode"] = reason
        locked["min_group_size"] = reason
    return locked


def round_date_errors(
    survey_round: Round, changes: dict[str, Any], today: dt.date | None = None
) -> dict[str, str]:
    """What is wrong with new dates for the round (`changes` holds the fields that change)."""
    today = today or timezone.localdate()
    opens_on = changes.get("opens_on", survey_round.opens_on)
    closes_on = changes.get("closes_on", survey_round.closes_on)
    errors = {}
    if "opens_on" in changes and survey_round.opens_on <= today < opens_on:
        errors["opens_on"] = _(
            "The round has opened: its opening date cannot move after today, which would shut "
            "it again on people who have started."
        )
    if closes_on < opens_on:
        errors["closes_on"] = _("The closing date must be on or after the opening date.")
    elif "closes_on" in changes and closes_on < today:
        errors["closes_on"] = _(
            "The closing date must be today or later. To close the round now, use its Close button."
        )
    return errors


@transaction.atomic
def round_update(
    *, actor: User, survey_round: Round, expected_version: int, **fields: Any
) -> Round:
    """Change what may still change of a round. A locked field sent with its current value is
    accepted (a form posts every field); sent with another value it is refused on the field."""
    require_officer_of(actor, survey_round.project.partnership.authority_id)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    locked_round = Round.objects.select_for_update().get(pk=survey_round.pk)
    if locked_round.version != expected_version:
        raise StaleEditError
    today = timezone.localdate()
    changes = {
        name: value for name, value in fields.items() if getattr(locked_round, name) != value
    }
    locked = round_locked_fields(locked_round, today)
    refused = {name: locked[name] for name in changes if name in locked}
    if refused:
        raise ValidationError(refused)
    date_errors = round_date_errors(locked_round, changes, today)
    if date_errors:
        raise ValidationError(date_errors)
    if not changes:
        return locked_round
    audit_data: dict[str, Any] = {
        name: (
            {"changed": "yes"}
            if name in _TEXT_FIELDS
            else {"from": str(getattr(locked_round, name)), "to": str(value)}
        )
        for name, value in changes.items()
    }
    for name, value in changes.items():
        setattr(locked_round, name, value)
    locked_round.full_clean()
    Round.objects.filter(pk=locked_round.pk).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    locked_round.refresh_from_db()
    audit_record(
        actor=actor,
        action="round.updated",
        obj=locked_round,
        authority=locked_round.project.partnership.authority,
        data=audit_data,
    )
    return locked_round
