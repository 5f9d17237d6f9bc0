"""Role checks for views: sign-in first, then the role, then (in selectors) the tenancy."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

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
