"""Helpers every app's pages use: a form page, and a service's errors put on the form."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PAGE_SIZE = 25


def form_page(
    request: HttpRequest, form: BaseForm, *, title: str, back_url: str, **extra: Any
) -> HttpResponse:
    """One form on a page of its own, with a back link and the error summary."""
    context = {"form": form, "title": title, "back_url": back_url, **extra}
    return render(request, "core/form_page.html", context)


def apply_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Put a service's validation errors on the form, on the field where there is one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def page_of(request: HttpRequest, queryset: Any, *, size: int = PAGE_SIZE) -> Page:
    """The page of a list that `?page=` asks for (shown by core/partials/pagination.html)."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))
