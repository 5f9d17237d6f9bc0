"""Role checks for pages and the API: sign-in first, then the role, then (in selectors) the
tenancy. Another authority's object is not found (404); the wrong role is refused (403)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request

from .models import Role

View = Callable[..., HttpResponse]


def role_required(*roles: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if user.role not in roles or user.authority_id is None:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


officer_required = role_required(Role.OFFICER)
reader_required = role_required(Role.OFFICER, Role.MANAGER)


def sees_contact_data(user) -> bool:
    """Personal contact data is for officers only: the contact name, e-mail and telephone of
    agencies, and the names and e-mails of invitees. Managers read the registry and the
    reports but not how to reach the people in them. Every serializer, page and template
    that shows such data asks this (in templates: ``{% load contact_data %}`` and
    ``{% if user|sees_contact_data %}``)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.role == Role.OFFICER
        and user.authority_id is not None
    )


# --- The API ---------------------------------------------------------------------------------
def _reads(user) -> bool:
    return user.is_authenticated and user.is_reader


class OfficersWriteReadersRead(BasePermission):
    """Officers read and write, managers only read; anyone else gets 403 before any lookup."""

    message = _(
        "Only officers of the authority can change this, and only they and managers read it."
    )

    def has_permission(self, request: Request, view) -> bool:
        if not _reads(request.user):
            return False
        return request.method in SAFE_METHODS or request.user.role == Role.OFFICER


class OfficersOnly(BasePermission):
    message = _("Only officers of the authority can do this.")

    def has_permission(self, request: Request, view) -> bool:
        return _reads(request.user) and request.user.role == Role.OFFICER


PERMISSIONS = [IsAuthenticated, OfficersWriteReadersRead]
