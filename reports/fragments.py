"""Rendered parts of the dashboards, cached under a digest of everything they are drawn from.

A key names the content, never a place: when a scorecard is added, a round renamed or an agency
changed, the fingerprint changes and the next reader gets a new fragment. Nothing has to be
invalidated, and an old entry simply ages out. The code that draws the fragments is part of the
key too, so a release never serves what the previous one drew from a shared cache.

Fragments hold no CSRF token and nothing else tied to the reader: pages keep forms outside
them, or a whole page's content is cached with a placeholder token put right on each read
(core.csrf_parts).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils.safestring import SafeString
from django.utils.translation import get_language

T = TypeVar("T")

# What draws a fragment: a change to any of these files changes every key.
_DRAWN_BY = (
    "reports/benchmark.py",
    "reports/charts.py",
    "reports/dashboards.py",
    "reports/presenters.py",
    "reports/selectors.py",
    "templates/reports/partials/dashboard_sections.html",
    "templates/reports/partials/overview_results.html",
    # The whole content of an unchanged dashboard and overview, and what it includes.
    "templates/reports/partials/dashboard_page.html",
    "templates/reports/partials/dashboard_actions.html",
    "templates/reports/partials/dashboard_benchmark.html",
    "templates/reports/partials/overview_page.html",
    "templates/reports/partials/overdue_actions.html",
    "templates/core/partials/filter_form.html",
    "surveys/templatetags/survey_tags.py",  # round_state, in the dashboard's round list
    "reports/network_map.py",
    # Issue 15: the chosen guidance and the agreement table, drawn inside the sections.
    "reports/scoring/guidance.py",
    "templates/reports/partials/dashboard_guidance.html",
    "templates/reports/partials/dashboard_agreement.html",
    # The benchmark's figures and chart (reports.benchmark), kept as they are computed.
    "reports/scoring/benchmark.py",
    # And the action plans (reports.action_plans), with the measured change of each.
    "reports/action_plans.py",
    "reports/scoring/change.py",
    "reports/fragments.py",  # how a value is stored under its key
)


@cache
def _code_digest() -> str:
    digest = hashlib.sha256()
    for name in _DRAWN_BY:
        digest.update((Path(settings.BASE_DIR) / name).read_bytes())
    return digest.hexdigest()


def fragment_key(name: str, fingerprint: object) -> str:
    material = repr((_code_digest(), get_language(), fingerprint)).encode()
    return f"fragment:{name}:{hashlib.sha256(material).hexdigest()}"


def cached_fragment(name: str, fingerprint: object, render: Callable[[], SafeString]) -> SafeString:
    """The fragment for this fingerprint, rendered (and stored) only when it is not cached.

    `fingerprint` must determine the output completely (with the language, added here);
    `render` returns template output. The cache pickles it as the SafeString it is, so it comes
    back marked safe without anything here vouching for it.
    """
    return cached_value(name, fingerprint, render)


def cached_value(name: str, fingerprint: object, compute: Callable[[], T]) -> T:
    """What `compute` returns for this fingerprint (None too), computed only when not cached.

    The same contract as cached_fragment: the fingerprint (with the language) determines the
    value completely; it must pickle.
    """
    key = fragment_key(name, fingerprint)
    # In a one-element tuple, so that a computed None is told apart from a miss.
    found = django_cache.get(key)
    if found is None:
        found = (compute(),)
        django_cache.set(key, found, timeout=settings.FRAGMENT_CACHE_SECONDS)
    return found[0]
