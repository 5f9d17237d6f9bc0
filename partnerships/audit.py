"""Recording state changes: every service that writes calls audit_record in its transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

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
