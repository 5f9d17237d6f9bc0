"""Parts of pages kept rendered (per process or in the fragment cache) that hold a form: they
are rendered with a placeholder as the CSRF token, and each read puts the request's own in."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

# What {% csrf_token %} writes. Only a template can write an <input> (shown text is escaped), so
# the placeholder's field in a kept part is never anything but the one the template wrote.
_CSRF_FIELD = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
CSRF_PLACEHOLDER = "csrf-token-of-the-request"  # rendered as the token into a kept part


def with_csrf_token(part: SafeString, token: str) -> SafeString:
    """A part rendered with CSRF_PLACEHOLDER as its csrf_token, with the request's own token
    (no field at all without one, as {% csrf_token %} writes nothing then)."""
    placeholder = format_html(_CSRF_FIELD, CSRF_PLACEHOLDER)
    field = format_html(_CSRF_FIELD, token) if token else ""  # escaped
    # Template output with one escaped field swapped for another stays safe.
    return SafeString(part.replace(placeholder, field))  # nosec B703
