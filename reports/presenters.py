"""What a dashboard shows, built once for the page and for the PDF (same charts in both)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core import csrf_parts
from partnerships.models import User
from partnerships.selectors import programmes_in_authority

from . import (
    action_plans,
    benchmark,
    charts,
    dashboards,
    exports,
    fragments,
    network_map,
    scoring,
    selectors,
)
from .forms import OverviewFilterForm

DASHBOARD_PAGE_TEMPLATE = "reports/partials/dashboard_page.html"
OVERVIEW_PAGE_TEMPLATE = "reports/partials/overview_page.html"
SECTIONS_TEMPLATE = "reports/partials/dashboard_sections.html"
OVERVIEW_RESULTS_TEMPLATE = "reports/partials/overview_results.html"
FILTER_FORM_TEMPLATE = "core/partials/filter_form.html"


def dashboard_page_context(
    user: User, project_pk: int, round_pk: int | None = None, *, csrf_token: str
) -> dict[str, Any]:
    """The page: its frame read fresh, its content rendered only when what it shows changed
    (and its sections, action plans and benchmark each only when theirs did)."""
    dashboard = dashboards.project_dashboard_frame(user, project_pk, round_pk)
    raw_answers = dashboard.current is not None and exports.raw_answers_readable(
        user, dashboard.current
    )

    def render_content() -> SafeString:
        context = _dashboard_content_context(dashboard, raw_answers)
        return render_to_string(
            DASHBOARD_PAGE_TEMPLATE, {**context, "csrf_token": csrf_parts.CSRF_PLACEHOLDER}
        )

    content = fragments.cached_fragment(
        "dashboard-page", _dashboard_page_fingerprint(dashboard, raw_answers), render_content
    )
    return {"d": dashboard, "body": csrf_parts.with_csrf_token(content, csrf_token)}


def _dashboard_page_fingerprint(dashboard: dashboards.ProjectDashboard, raw_answers: bool) -> tuple:
    """Everything the page's content shows: its frame (the project, the round list with each
    round's state today, the response counts, what the reader may download) and the keys of its
    sections, action plans and benchmark."""
    project, current = dashboard.project, dashboard.current
    today = timezone.localdate()
    return (
        project.pk,
        project.name,
        project.partnership.name,
        current and current.pk,
        [(r.pk, r.title, r.opens_on, r.closed_on(), r.is_open(today)) for r in dashboard.rounds],
        (dashboard.invited, dashboard.submitted, dashboard.on_paper),
        raw_answers,
        dashboards.dashboard_sections_fingerprint(dashboard) if dashboard.rounds else None,
        action_plans.actions_fingerprint(dashboard),
        benchmark.benchmark_fingerprint(dashboard),
    )


def _dashboard_content_context(
    dashboard: dashboards.ProjectDashboard, raw_answers: bool
) -> dict[str, Any]:
    if not dashboard.rounds:
        return {"d": dashboard, "sections": "", "raw_answers": False}

    def render_sections() -> SafeString:
        dashboards.dashboard_fill(dashboard)
        return render_to_string(SECTIONS_TEMPLATE, sections_context(dashboard))

    sections = fragments.cached_fragment(
        "dashboard", dashboards.dashboard_sections_fingerprint(dashboard), render_sections
    )
    # Cached under keys of their own, not the sections': actions change between scorecards,
    # and the benchmark reads the authority's other partnerships.
    return {
        "d": dashboard,
        "sections": sections,
        "raw_answers": raw_answers,
        "actions": action_plans.cached_actions_block(dashboard),
        "benchmark": benchmark.cached_dashboard_benchmark(dashboard),
    }


def overview_page_context(
    user: User, query: QueryDict, path: str, *, csrf_token: str
) -> dict[str, Any]:
    """The overview's content; unfiltered, rendered only when what it shows changed (its
    results, and its filter form, are also cached each under a key of their own); `query` is
    the page's GET parameters, `path` its address."""
    fingerprint, actions_stamp, authority_name = dashboards.overview_fingerprint(user)

    def render_content() -> SafeString:
        context = _overview_content_context(user, query, path, fingerprint)
        return render_to_string(
            OVERVIEW_PAGE_TEMPLATE,
            {
                **context,
                "authority_name": authority_name,
                "overdue_actions": list(selectors.overdue_actions(user)),
                "request": {"path": path},  # the filter form's "Clear" link
                "csrf_token": csrf_parts.CSRF_PLACEHOLDER,
            },
        )

    if query:  # a filtered page is not kept: a bound form shows what was asked
        content = render_content()
    else:
        # The overdue actions: the actions, their rounds, projects, partnerships and lead
        # agencies (all in the fingerprint), and the day.
        key = (fingerprint, actions_stamp, authority_name, path, timezone.localdate())
        content = fragments.cached_fragment("overview-page", key, render_content)
    return {"body": csrf_parts.with_csrf_token(content, csrf_token)}


def _overview_content_context(
    user: User, query: QueryDict, path: str, fingerprint: tuple
) -> dict[str, Any]:
    if query:
        form = OverviewFilterForm(query, programmes=programmes_in_authority(user))
        filters = form.cleaned_data if form.is_valid() else {}
        filter_form: OverviewFilterForm | SafeString = form
    else:
        # Unfiltered, the form shows nothing of the query: its programmes (the reader's
        # partnerships') come from the cache with it, read again only after a change to them.
        filters = {}

        def render_filter_form() -> SafeString:
            form = OverviewFilterForm(None, programmes=programmes_in_authority(user))
            # The partial's "Clear" link reads request.path: the page's own, in the key.
            return render_to_string(
                FILTER_FORM_TEMPLATE, {"filter_form": form, "request": {"path": path}}
            )

        partnerships_stamp = (fingerprint[0], fingerprint[1][:2], path)
        filter_form = fragments.cached_fragment(
            "overview-filters", partnerships_stamp, render_filter_form
        )
    programme, agency_type = filters.get("programme", ""), filters.get("agency_type", "")
    band, sort = filters.get("band", ""), filters.get("sort") or "name"

    def render_results() -> SafeString:
        data = dashboards.overview_data(user, programme=programme, agency_type=agency_type)
        rows = dashboards.overview_rows(data, band=band, sort=sort)
        scored = [(r.name, r.index) for r in rows if r.index is not None]
        strip = charts.strip_svg(
            chart_id="overview",
            points=scored,
            title=_("Every partnership on the connectedness continuum"),
        )
        return render_to_string(
            OVERVIEW_RESULTS_TEMPLATE, {"rows": rows, "strip": strip, "n_scored": len(scored)}
        )

    key = (fingerprint, programme, agency_type, band, sort)
    return {
        "filter_form": filter_form,
        "results": fragments.cached_fragment("overview", key, render_results),
    }


def dashboard_context(user: User, project_pk: int, round_pk: int | None = None) -> dict[str, Any]:
    """Everything for the dashboard's sections, uncached (the PDFs)."""
    return sections_context(dashboards.project_dashboard(user, project_pk, round_pk))


def sections_context(dashboard: dashboards.ProjectDashboard) -> dict[str, Any]:
    data = dashboard.data or {}
    interval = data.get("interval")
    return {
        "d": dashboard,
        "continuum": charts.continuum_svg(
            chart_id="continuum",
            index=data.get("index"),
            interval=tuple(interval) if interval else None,
            band_label=dashboard.band_label if data.get("index") is not None else None,
        ),
        "components_chart": charts.components_svg(
            chart_id="components",
            components=[(label, value) for _code, label, value in dashboard.components],
            title=_("Components of the connectedness index"),
        )
        if dashboard.components
        else "",
        "trend_chart": charts.trend_svg(
            chart_id="trend",
            series=[(p.round.title, p.index) for p in dashboard.trend],
            title=_("Connectedness index across rounds"),
        )
        if len(dashboard.trend) > 1
        else "",
        "heat_rows": [
            {
                **row,
                "cells": [(code, value, charts.heat_level(value)) for code, value in row["cells"]],
            }
            for row in dashboard.heatmap
        ],
        "dimension_codes": scoring.DIMENSIONS,
        **guidance_context(dashboard),
        "trend_network": any(p.density is not None for p in dashboard.trend),
        **network_context(dashboard.network),
    }


def network_context(network: dict[str, Any] | None) -> dict[str, Any]:
    """The network section: the map, its matrix, its mismatches and its figures' readings."""
    if network is None:
        return {"network": None}
    if network["status"] != "ok":
        return {"network": network}
    matrix = network_map.network_matrix(network)
    return {
        "network": network,
        "network_map": network_map.network_svg(
            chart_id="network",
            network=network,
            title=_("Who works with whom: the working-relationships map"),
        ),
        "network_matrix": matrix,
        "network_columns": [row.name for row in matrix],
        "network_mismatches": network_map.network_mismatches(network),
        "network_mean_name": (
            network_map.level_name(network["mean_level"])
            if network["mean_level"] is not None
            else ""
        ),
        "network_centralization_reading": (
            network_map.centralization_reading(network["centralization"])
            if network["centralization"] is not None
            else ""
        ),
    }


def guidance_context(dashboard: dashboards.ProjectDashboard) -> dict[str, Any]:
    """The chosen guidance as headed groups of (component label, advice)."""
    chosen = dashboard.guidance
    if chosen is None:
        return {"guidance_groups": [], "guidance_groups_any": False}

    def labelled(advice: tuple) -> list[tuple[str, Any]]:
        return [(dashboard.labels.get(a.component, a.component), a) for a in advice]

    if chosen.strong_partnership:
        groups = [
            {"heading": _("What keeps it strong"), "items": labelled(chosen.keep)},
            {"heading": _("What to watch"), "items": labelled(chosen.watch)},
        ]
    else:
        groups = [
            {"heading": _("Work on these first"), "items": labelled(chosen.work_on)},
            {"heading": _("A strength to build on"), "items": labelled(chosen.keep)},
        ]
    return {"guidance_groups": groups, "guidance_groups_any": any(g["items"] for g in groups)}
