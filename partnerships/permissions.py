"""Role checks for pages and the API: sign-in first, then the role, then (in selectors) the
tenancy. Another authority's object is not found (404); the wrong role is refused (403)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeGuard, cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from .models import Role, User

View = Callable[..., HttpResponseBase]


class SignedInRequest(HttpRequest):
    """The request of a page behind login_required (or role_required): its user is a User.

    Only a type for the views' `request` parameter, so that the type checker reads
    `request.user` as a User rather than `User | AnonymousUser`; nothing changes at run time.
    """

    user: User


class SignedInApiRequest(Request):
    """The same for the API's class-based views, whose permissions start with IsAuthenticated:
    they declare `request: SignedInApiRequest`. drf-spectacular builds the schema with an
    anonymous request; the views read the user only once `building_schema(self)` is false."""

    user: User


def api_user(request: Request) -> User:
    """The user of an API request that IsAuthenticated let through, where the request's type
    cannot be narrowed: function views (@api_view takes a view of a Request) and permissions.
    A cast for the type checker, not a check: IsAuthenticated has already refused anyone else."""
    return cast(User, request.user)


def role_required(*roles: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: SignedInRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if user.role not in roles or user.authority_id is None:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def authority_id_of(user: User) -> int:
    """The authority of a user whom role_required let through: it refuses users without one.
    The same check again, where the type checker needs the id as an int."""
    if user.authority_id is None:
        raise PermissionDenied
    return user.authority_id


officer_required = role_required(Role.OFFICER)
reader_required = role_required(Role.OFFICER, Role.MANAGER)
partner_required = role_required(Role.PARTNER)


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
def _reads(user: User | AnonymousUser) -> TypeGuard[User]:
    return user.is_authenticated and user.is_reader


class OfficersWriteReadersRead(BasePermission):
    """Officers read and write, managers only read; anyone else gets 403 before any lookup."""

    message = _(
        "Only officers of the authority can change this, and only they and managers read it."
    )

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not _reads(request.user):
            return False
        return request.method in SAFE_METHODS or request.user.role == Role.OFFICER


class OfficersOnly(BasePermission):
    message = _("Only officers of the authority can do this.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return _reads(request.user) and request.user.role == Role.OFFICER


PERMISSIONS = [IsAuthenticated, OfficersWriteReadersRead]
