"""The language switch in every page's header (the GOV.UK language navigation pattern)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from core import languages

register = template.Library()

# What a screen reader hears on the link, said in the language the link leads to.
SWITCH_TO = {
    languages.ENGLISH: _("Change the language to English"),
    languages.WELSH: _("Change the language to Welsh"),
}


@register.inclusion_tag("includes/language_switch.html", takes_context=True)
def language_switch(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    # A page may name where the switch returns to (one whose URL holds a secret does).
    here = getattr(request, "language_next", None) or (
        request.get_full_path() if request is not None else "/"
    )
    current = languages.current()
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
    return {
        "items": items if len(items) > 1 else [],
        # A page whose content exists in one language only (a version 1 questionnaire): no
        # switch, a note in the other language saying so.
        "only_in": getattr(request, "only_in_language", None),
    }
