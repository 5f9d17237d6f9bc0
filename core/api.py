"""API plumbing every app's viewsets use: the services' exceptions as HTTP answers, form errors in
the API's shape, and knowing when drf-spectacular is only building the schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms import BaseForm
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, serializers, status
from rest_framework.exceptions import APIException

from . import languages
from .errors import StaleEditError

ID = r"\d+"  # a non-numeric id is a 404 from the router, never a query with a bad value


class EditConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _(
        "Someone else changed this record after the version you sent: "
        "read it again and send your change based on the latest version."
    )
    default_code = "conflict"


def drf_validation_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's ValidationError as DRF's, with field errors where the service named one."""
    if hasattr(error, "error_dict"):
        detail = {
            ("non_field_errors" if name == "__all__" else name): messages
            for name, messages in error.message_dict.items()
        }
        return serializers.ValidationError(detail)
    return serializers.ValidationError({"non_field_errors": error.messages})


class ServiceErrors:
    """Turns the services' exceptions into 400 (validation) and 409 (stale edit), never 500."""

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, DjangoValidationError):
            exc = drf_validation_error(exc)
        elif isinstance(exc, StaleEditError):
            exc = EditConflict()
        return super().handle_exception(exc)  # type: ignore[misc]


def form_errors(form: BaseForm, rename: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """A bound form's errors keyed as the API names the fields."""
    rename = rename or {}
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        key = "non_field_errors" if name == "__all__" else rename.get(name, name)
        errors.setdefault(key, []).extend(str(m) for m in messages)
    return errors


def building_schema(view: Any) -> bool:
    """drf-spectacular instantiates views without a real request to build the schema."""
    return getattr(view, "swagger_fake_view", False)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, and then the person's stored language (the middleware can
    only see session users: a token is read inside the view)."""

    def authenticate(self, request: Any) -> Any:
        result = super().authenticate(request)
        if result is not None:
            languages.apply_preference(request._request, result[0])
        return result
