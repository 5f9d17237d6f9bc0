"""The language switch in every page's header (the GOV.UK language navigation pattern)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from core import languages

register = template.Library()

# What a screen reader hears on the link, said in the language the link leads to.
SWITCH_TO = {
    languages.ENGLISH: _("Change the language to English"),
    languages.WELSH: _("Change the language to Welsh"),
}


@register.simple_tag(takes_context=True)
def language_switch(context: template.Context) -> SafeString:
    request = context.get("request")
    # A page may name where the switch returns to (one whose URL holds a secret does).
    here = getattr(request, "language_next", None) or (
        request.get_full_path() if request is not None else "/"
    )
    return _switch(languages.current(), here, getattr(request, "only_in_language", None))


# Rendered once per language, page and note: every respondent sees the same few. A bounded
# cache, because staff pages' addresses (and their query strings) are many.
@lru_cache(maxsize=1024)
def _switch(current: str, here: str, only_in: str | None) -> SafeString:
    items = []
    for code in languages.offered_codes():
        with override(code):
            hidden = str(SWITCH_TO[code])
        items.append(
            {
                "code": code,
                "name": languages.NATIVE_NAMES[code],
                "current": code == current,
                "hidden": hidden,
                "url": reverse("language", args=[code]) + "?" + urlencode({"next": here}),
            }
        )
    context: dict[str, Any] = {
        "items": items if len(items) > 1 else [],
        # A page whose content exists in one language only (a version 1 questionnaire): no
        # switch, a note in the other language saying so.
        "only_in": only_in,
    }
    return render_to_string("includes/language_switch.html", context)  # already safe (escaped)


def _forget(**_kwargs: Any) -> None:
    _switch.cache_clear()  # LANGUAGES or the URLs changed (tests)


setting_changed.connect(_forget, dispatch_uid="core.languages.forget_switch")
