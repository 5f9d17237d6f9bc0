"""Action plans: recording what the partners will do after a round, and its status.

Every write is validated before anything is saved, atomic and audited. Officers and managers
who may read the round record and update actions (the views check the role and the scope).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.audit import audit_record
from partnerships.models import Agency, Membership, User
from surveys.models import Round

from ..models import Action, ActionStatus, ActionUpdate
from ..scoring.change import COMPONENTS

MAX_TEXT = 2000


def action_components(survey_round: Round) -> list[tuple[str, str]]:
    """The components an action may address: those the round's questionnaire has."""
    labels = survey_round.instrument.components or {}
    return [(code, labels[code]) for code in COMPONENTS if code in labels]


def member_agencies(survey_round: Round, *, today: dt.date | None = None) -> list[Agency]:
    """The agencies that are members of the round's partnership today (the possible leads)."""
    today = today or timezone.localdate()
    memberships = Membership.objects.filter(
        partnership_id=survey_round.project.partnership_id
    ).filter(Q(left_on__isnull=True) | Q(left_on__gte=today))
    return list(
        Agency.objects.filter(pk__in=memberships.values("agency_id")).order_by("name", "pk")
    )


def _text(value: str, field: str, errors: dict[str, list[str]], *, what: str) -> str:
    value = (value or "").strip()
    if not value:
        errors.setdefault(field, []).append(_("Enter %(what)s.") % {"what": what})
    elif len(value) > MAX_TEXT:
        errors.setdefault(field, []).append(
            _("Use %(max)s characters or fewer.") % {"max": MAX_TEXT}
        )
    return value


@transaction.atomic
def action_create(
    *,
    actor: User,
    survey_round: Round,
    component: str,
    description: str,
    lead_agency_id: int | None,
    due_on: dt.date | None,
    note: str = "",
) -> Action:
    errors: dict[str, list[str]] = {}
    if component not in dict(action_components(survey_round)):
        errors["component"] = [_("Choose a component this round's questionnaire measures.")]
    description = _text(description, "description", errors, what=_("what will be done"))
    members = {agency.pk: agency for agency in member_agencies(survey_round)}
    if lead_agency_id not in members:
        errors["lead_agency"] = [
            _("Choose the lead from the agencies that are members of this partnership.")
        ]
    if due_on is None:
        errors["due_on"] = [_("Enter the date it is due by.")]
    elif due_on < survey_round.opens_on:
        errors["due_on"] = [
            _("The due date must be on or after the day the round opened (%(date)s).")
            % {"date": survey_round.opens_on.strftime("%d/%m/%Y")}
        ]
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        errors["note"] = [_("Use %(max)s characters or fewer.") % {"max": MAX_TEXT}]
    if errors or due_on is None or lead_agency_id is None:  # both are refused above if missing
        raise ValidationError(errors)
    # The same action sent twice (a double click, a retried request) is recorded once: the
    # round's row is locked so two requests cannot both find no twin.
    Round.objects.select_for_update().filter(pk=survey_round.pk).first()
    if Action.objects.filter(
        round=survey_round,
        component=component,
        description=description,
        lead_agency_id=lead_agency_id,
        due_on=due_on,
    ).exists():
        raise ValidationError(_("This action is already recorded for this round."))
    action = Action.objects.create(
        round=survey_round,
        component=component,
        description=description,
        lead_agency=members[lead_agency_id],
        due_on=due_on,
        status=ActionStatus.PLANNED,
        created_by=actor,
    )
    ActionUpdate.objects.create(
        action=action,
        status=ActionStatus.PLANNED,
        note=note or _("Action recorded."),
        noted_on=timezone.localdate(),
        changed_by=actor,
    )
    audit_record(
        actor=actor,
        action="action.created",
        obj=action,
        authority=survey_round.project.partnership.authority,
        data={
            "round": survey_round.pk,
            "component": component,
            "lead_agency": lead_agency_id,
            "due_on": due_on.isoformat(),
        },
    )
    return action


@transaction.atomic
def action_status_change(*, actor: User, action: Action, status: str, note: str) -> Action:
    """A new status with its dated note; the same status again is refused (nothing changes)."""
    locked = (
        Action.objects.select_for_update()
        .select_related("round__project__partnership")
        .get(pk=action.pk)
    )
    errors: dict[str, list[str]] = {}
    if status not in ActionStatus.values:
        errors["status"] = [_("Choose planned, under way, done or dropped.")]
    elif status == locked.status:
        errors["status"] = [
            _("The action is already %(status)s: choose a different status.")
            % {"status": locked.get_status_display().lower()}
        ]
    note = _text(note, "note", errors, what=_("a note on the change"))
    if errors:
        raise ValidationError(errors)
    previous = locked.status
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    ActionUpdate.objects.create(
        action=locked, status=status, note=note, noted_on=timezone.localdate(), changed_by=actor
    )
    audit_record(
        actor=actor,
        action="action.status_changed",
        obj=locked,
        authority=locked.round.project.partnership.authority,
        data={"from": previous, "to": status},
    )
    return locked
