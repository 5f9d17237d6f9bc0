"""The parts of every page's frame, rendered once per process and what they show instead of on
every request (the frame cost a third of a short page's time).

A part that reads nothing of the request is kept for its language; the signed-in navigation
for its language and what it shows of the reader (role, administrator or not, name), with the
request's own CSRF token put into its sign-out form on each page (core.csrf_parts). Messages
stay in base.html. The kept parts are dropped whenever a setting changes (tests change
LANGUAGES and URLs).
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from core.csrf_parts import CSRF_PLACEHOLDER, with_csrf_token

register = template.Library()


@register.simple_tag
def site_part(name: str) -> SafeString:
    """The template ``name`` (one that reads no context: the footer, the stylesheets and
    scripts with their hashed addresses) as rendered in the active language."""
    return _part(name, translation.get_language())


@lru_cache(maxsize=64)
def _part(name: str, language: str) -> SafeString:
    del language  # the key: render_to_string renders in the active language
    return render_to_string(name)  # already safe: the template escaped it


@register.simple_tag(takes_context=True)
def signed_in_navigation(context: template.Context) -> SafeString:
    """The header's links for the reader's role and the sign-out form; nothing when no one is
    signed in."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return SafeString("")
    name = user.get_full_name() or user.username
    kept = _navigation(translation.get_language(), user.role, user.is_superuser, name)
    return with_csrf_token(kept, str(context.get("csrf_token") or ""))


@lru_cache(maxsize=1024)
def _navigation(language: str, role: str, superuser: bool, name: str) -> SafeString:
    del language  # the key: render_to_string renders in the active language
    # What the template reads of the reader, and nothing else of them.
    reader = {"role": role, "is_superuser": superuser, "get_full_name": name, "username": name}
    return render_to_string(
        "includes/signed_in_navigation.html", {"user": reader, "csrf_token": CSRF_PLACEHOLDER}
    )


def _forget(**_kwargs) -> None:
    _part.cache_clear()
    _navigation.cache_clear()


setting_changed.connect(_forget, dispatch_uid="core.chrome.forget")
