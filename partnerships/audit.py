"""Recording state changes: every service that writes calls audit_record in its transaction."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, LocalAuthority, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    authority: LocalAuthority | None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        authority=authority,
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )


# What each kind of change reads as on the audit pages. A kind missing here (added by a newer
# service before its label) is shown as its code, never hidden.
AUDIT_ACTION_LABELS: dict[str, Promise] = {
    "authority.created": _("Authority created"),
    "authority.contact_updated": _("Authority contact details changed"),
    "partnership.registered": _("Partnership registered"),
    "partnership.updated": _("Partnership changed"),
    "partnership.archived": _("Partnership archived"),
    "partnership.restored": _("Partnership restored"),
    "agency.created": _("Agency added"),
    "agency.updated": _("Agency changed"),
    "agency.archived": _("Agency archived"),
    "agency.restored": _("Agency restored"),
    "agency.imported": _("Agencies imported"),
    "membership.added": _("Agency joined a partnership"),
    "membership.updated": _("Membership changed"),
    "project.created": _("Project created"),
    "project.updated": _("Project changed"),
    "project.archived": _("Project archived"),
    "project.restored": _("Project restored"),
    "round.opened": _("Survey round opened"),
    "round.closed": _("Survey round closed"),
    "round.responses_deleted": _("Round's responses deleted"),
    "invitation.added": _("Person invited to a round"),
    "invitation.added_from_memberships": _("Invitations added from the memberships"),
    "invitation.sent": _("Invitation sent"),
    "invitation.reminded": _("Reminder sent"),
    "invitation.revoked": _("Invitation revoked"),
    "response.entered_by_officer": _("Paper questionnaire keyed in"),
    "team.invited": _("Colleague invited"),
    "team.invitation_resent": _("Account invitation sent again"),
    "team.invitation_withdrawn": _("Account invitation withdrawn"),
    "team.joined": _("Colleague joined"),
    "team.role_changed": _("Role changed"),
    "team.partnerships_changed": _("Manager's partnerships changed"),
    "team.deactivated": _("Account deactivated"),
    "team.reactivated": _("Account reactivated"),
}


def audit_action_label(action: str) -> str:
    label = AUDIT_ACTION_LABELS.get(action)
    return str(label) if label is not None else action


# The surveys app's models have no translated verbose names of their own (adding them would be
# a migration of that app); the registry's come from their models.
AUDIT_OBJECT_TYPE_LABELS: dict[str, Promise] = {
    "surveys.invitation": _("invitation"),
    "surveys.response": _("response"),
}


def audit_object_type_label(object_type: str) -> str:
    """A model's name in words ("agency") for its label ("partnerships.agency")."""
    if object_type in AUDIT_OBJECT_TYPE_LABELS:
        return str(AUDIT_OBJECT_TYPE_LABELS[object_type])
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)
