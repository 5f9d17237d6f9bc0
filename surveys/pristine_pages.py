"""The content of a section page nobody has answered yet, kept rendered per process.

That is how every page of a questionnaire is first seen, and in one language it looks the same
to everyone taking that version: all it shows comes from the section and its questions, which
are shared per process (surveys.structure). Only two values on it are the reader's own, the
CSRF token and the signed reference to their invitation; the kept content holds a placeholder
for each, and every read puts in the request's. A page asking about working relationships lists
the round's agencies, and a page with an answer shows it, so neither is ever kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.csrf_parts import CSRF_PLACEHOLDER, with_csrf_token

from .models import Answer, Question, QuestionType, Section

CONTENT_TEMPLATE = "surveys/respond/section_content.html"
KEPT = "_pristine_content"  # on a section instance: its content by language, return and prefix
# What section_content.html writes for the invitation's reference (only a template can write an
# <input>: shown text is escaped), and the placeholder rendered into kept content in its place.
_RESUME_FIELD = '<input type="hidden" name="resume" value="{}">'
RESUME_PLACEHOLDER = "resume-reference-of-the-invitation"


def is_pristine(questions: list[Question], answers: Mapping[int, Answer]) -> bool:
    """Would the page of these questions look the same to everyone (see the module)?"""
    return not answers and all(q.type != QuestionType.RELATIONSHIPS for q in questions)


def kept_content(
    section: Section,
    return_to_check: bool,
    render_context: Callable[[], dict[str, Any]],
    *,
    csrf_token: str,
    resume: str,
) -> SafeString:
    """The section's pristine content for this request. ``render_context`` gives the content
    template's context, without the two values of the reader's own; it is called only when the
    content is not kept yet in this language."""
    kept: dict[tuple[str, bool, str], SafeString] = section.__dict__.setdefault(KEPT, {})
    key = (translation.get_language(), return_to_check, get_script_prefix())
    content = kept.get(key)
    if content is None:
        context = {**render_context(), "csrf_token": CSRF_PLACEHOLDER, "resume": RESUME_PLACEHOLDER}
        content = kept[key] = render_to_string(CONTENT_TEMPLATE, context)
    placeholder = format_html(_RESUME_FIELD, RESUME_PLACEHOLDER)
    own = format_html(_RESUME_FIELD, resume)  # escaped
    # Template output with one escaped field swapped for another stays safe.
    return with_csrf_token(SafeString(content.replace(placeholder, own)), csrf_token)  # nosec B703
