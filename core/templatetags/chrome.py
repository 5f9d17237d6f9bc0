"""The parts of every page's frame that read nothing of the request: rendered once per process
and language instead of on every request (the frame cost a third of a short page's time).

A part is kept for its language only; anything that varies with the reader (the signed-in
header, the CSRF token, messages) stays in base.html. The kept parts are dropped whenever a
setting changes (tests change LANGUAGES and URLs).
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

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


def _forget(**_kwargs) -> None:
    _part.cache_clear()


setting_changed.connect(_forget, dispatch_uid="core.chrome.forget")
