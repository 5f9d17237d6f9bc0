"""Writes to the registry. Each service validates, runs in one transaction and is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import StaleEditError

from .audit import audit_record
from .models import Agency, LocalAuthority, Membership, Partnership, Project, User

PARTNERSHIP_FIELDS = ("name", "programme", "level", "description", "start_date")
AGENCY_FIELDS = ("name", "agency_type", "contact_name", "email", "phone", "contact_language")
PROJECT_FIELDS = ("name", "target_group", "description")
# A person's details: the audit trail says that they changed, never what they were or became.
PERSONAL_FIELDS = ("contact_name", "email", "phone", "contact_language")
AUTHORITY_CONTACT_FIELDS = ("contact_email", "contact_phone", "postal_address", "dpo_email")


def require_officer_of(actor: User, authority_id: int) -> None:
    """The one check every write of every app makes: an officer of that very authority."""
    if not actor.is_officer or actor.authority_id != authority_id:
        raise PermissionDenied(_("Only officers of the authority can do this."))


def _require_officer(actor: User) -> int:
    """Refuses anyone but an officer of an authority; returns the officer's authority id."""
    if not actor.is_officer or actor.authority_id is None:  # is_officer has an authority
        raise PermissionDenied(_("Only officers of the authority can change the registry."))
    return actor.authority_id


def _same_authority(actor: User, *objects: Any) -> None:
    for obj in objects:
        if obj.authority_id != actor.authority_id:
            raise PermissionDenied(_("That record belongs to another authority."))


def _changes(obj: Any, fields: Mapping[str, Any]) -> dict[str, list[str] | str]:
    return {
        name: "changed" if name in PERSONAL_FIELDS else [str(getattr(obj, name)), str(value)]
        for name, value in fields.items()
        if getattr(obj, name) != value
    }


@transaction.atomic
def partnership_register(
    *,
    actor: User,
    name: str,
    level: str,
    programme: str = "",
    description: str = "",
    start_date: dt.date | None = None,
) -> Partnership:
    authority_id = _require_officer(actor)
    partnership = Partnership(
        authority_id=authority_id,
        name=name,
        programme=programme,
        level=level,
        description=description,
        start_date=start_date,
        created_by=actor,
        updated_by=actor,
    )
    partnership.full_clean()
    partnership.save()
    audit_record(
        actor=actor,
        action="partnership.registered",
        obj=partnership,
        authority=partnership.authority,
        data={"name": name},
    )
    return partnership


@transaction.atomic
def partnership_update(
    *, actor: User, partnership: Partnership, expected_version: int, **fields: Any
) -> Partnership:
    _require_officer(actor)
    _same_authority(actor, partnership)
    unknown = set(fields) - set(PARTNERSHIP_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    changes = _changes(partnership, fields)
    for name, value in fields.items():
        setattr(partnership, name, value)
    partnership.full_clean()
    # A conditional UPDATE: it matches nothing when another edit bumped the version first.
    updated = Partnership.objects.filter(pk=partnership.pk, version=expected_version).update(
        **fields, version=F("version") + 1, updated_by=actor, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEditError
    partnership.refresh_from_db()
    audit_record(
        actor=actor,
        action="partnership.updated",
        obj=partnership,
        authority=partnership.authority,
        data=changes,
    )
    return partnership


@transaction.atomic
def partnership_set_active(*, actor: User, partnership: Partnership, active: bool) -> Partnership:
    _require_officer(actor)
    _same_authority(actor, partnership)
    Partnership.objects.filter(pk=partnership.pk).update(
        active=active, updated_by=actor, updated_at=timezone.now(), version=F("version") + 1
    )
    partnership.refresh_from_db()
    audit_record(
        actor=actor,
        action="partnership.archived" if not active else "partnership.restored",
        obj=partnership,
        authority=partnership.authority,
    )
    return partnership


@transaction.atomic
def agency_create(*, actor: User, name: str, agency_type: str, **fields: Any) -> Agency:
    authority_id = _require_officer(actor)
    agency = Agency(authority_id=authority_id, name=name, agency_type=agency_type, **fields)
    agency.full_clean()
    agency.save()
    audit_record(
        actor=actor,
        action="agency.created",
        obj=agency,
        authority=agency.authority,
        data={"name": name},
    )
    return agency


@transaction.atomic
def agency_update(*, actor: User, agency: Agency, **fields: Any) -> Agency:
    _require_officer(actor)
    _same_authority(actor, agency)
    changes = _changes(agency, fields)
    for name, value in fields.items():
        if name not in AGENCY_FIELDS:
            raise ValueError(f"Not editable: {name}")
        setattr(agency, name, value)
    agency.full_clean()
    agency.save()
    audit_record(
        actor=actor, action="agency.updated", obj=agency, authority=agency.authority, data=changes
    )
    return agency


@transaction.atomic
def agency_set_active(*, actor: User, agency: Agency, active: bool) -> Agency:
    _require_officer(actor)
    _same_authority(actor, agency)
    agency.active = active
    agency.save(update_fields=["active", "updated_at"])
    audit_record(
        actor=actor,
        action="agency.archived" if not active else "agency.restored",
        obj=agency,
        authority=agency.authority,
    )
    return agency


@transaction.atomic
def agencies_import(*, actor: User, rows: Iterable[Mapping[str, str]]) -> list[Agency]:
    """Create every agency or none: one invalid row rolls the whole import back."""
    authority_id = _require_officer(actor)
    created = []
    for row in rows:
        agency = Agency(authority_id=authority_id, **row)
        agency.full_clean()
        agency.save()
        created.append(agency)
    if created:
        audit_record(
            actor=actor,
            action="agency.imported",
            obj=created[0],
            authority=created[0].authority,
            data={"count": len(created), "names": [a.name for a in created]},
        )
    return created


@transaction.atomic
def membership_add(
    *,
    actor: User,
    partnership: Partnership,
    agency: Agency,
    role: str,
    joined_on: dt.date | None = None,
) -> Membership:
    _require_officer(actor)
    _same_authority(actor, partnership, agency)
    membership = Membership(partnership=partnership, agency=agency, role=role, joined_on=joined_on)
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="membership.added",
        obj=membership,
        authority=partnership.authority,
        data={"partnership": partnership.pk, "agency": agency.pk, "role": role},
    )
    return membership


@transaction.atomic
def membership_update(
    *,
    actor: User,
    membership: Membership,
    role: str,
    joined_on: dt.date | None,
    left_on: dt.date | None,
) -> Membership:
    _require_officer(actor)
    _same_authority(actor, membership.partnership)
    fields = {"role": role, "joined_on": joined_on, "left_on": left_on}
    changes = _changes(membership, fields)
    for name, value in fields.items():
        setattr(membership, name, value)
    if joined_on and left_on and left_on < joined_on:
        raise ValidationError({"left_on": _("The leaving date must be after the joining date.")})
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="membership.updated",
        obj=membership,
        authority=membership.partnership.authority,
        data=changes,
    )
    return membership


@transaction.atomic
def project_create(
    *,
    actor: User,
    partnership: Partnership,
    name: str,
    target_group: str = "",
    description: str = "",
) -> Project:
    _require_officer(actor)
    _same_authority(actor, partnership)
    project = Project(
        partnership=partnership, name=name, target_group=target_group, description=description
    )
    project.full_clean()
    project.save()
    audit_record(
        actor=actor,
        action="project.created",
        obj=project,
        authority=partnership.authority,
        data={"name": name},
    )
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, **fields: Any) -> Project:
    _require_officer(actor)
    _same_authority(actor, project.partnership)
    changes = _changes(project, fields)
    for name, value in fields.items():
        if name not in PROJECT_FIELDS:
            raise ValueError(f"Not editable: {name}")
        setattr(project, name, value)
    project.full_clean()
    project.save()
    audit_record(
        actor=actor,
        action="project.updated",
        obj=project,
        authority=project.partnership.authority,
        data=changes,
    )
    return project


@transaction.atomic
def project_set_active(*, actor: User, project: Project, active: bool) -> Project:
    _require_officer(actor)
    _same_authority(actor, project.partnership)
    project.active = active
    project.save(update_fields=["active", "updated_at"])
    audit_record(
        actor=actor,
        action="project.archived" if not active else "project.restored",
        obj=project,
        authority=project.partnership.authority,
    )
    return project


@transaction.atomic
def authority_contact_update(*, actor: User, **fields: Any) -> LocalAuthority:
    """An officer changes the contact details the statutory pages show for their authority.

    The audit names the fields that changed, not their values (an address may be a person's).
    """
    authority_id = _require_officer(actor)
    authority = LocalAuthority.objects.select_for_update().get(pk=authority_id)
    for name in fields:
        if name not in AUTHORITY_CONTACT_FIELDS:
            raise ValueError(f"Not editable: {name}")
    changed = sorted(name for name, value in fields.items() if getattr(authority, name) != value)
    for name, value in fields.items():
        setattr(authority, name, value)
    authority.full_clean()
    authority.save(update_fields=[*AUTHORITY_CONTACT_FIELDS])
    if changed:
        audit_record(
            actor=actor,
            action="authority.contact_updated",
            obj=authority,
            authority=authority,
            data={"fields": changed},
        )
    return authority
