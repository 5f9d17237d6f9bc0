"""Dashboards and exports for officers and managers. Pages read stored scorecards only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from partnerships.permissions import reader_required
from partnerships.selectors import programmes_in_authority
from surveys.selectors import round_for_user

from . import charts, dashboards, exports, scoring
from .forms import OverviewFilterForm
from .selectors import scorecard_for_display


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        exports.csv_lines(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@reader_required
@require_GET
def project_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    round_pk = request.GET.get("round")
    dashboard = dashboards.project_dashboard(
        request.user, pk, int(round_pk) if round_pk and round_pk.isdigit() else None
    )
    data = dashboard.data or {}
    interval = data.get("interval")
    context = {
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
    }
    return render(request, "reports/project_dashboard.html", context)


@reader_required
@require_GET
def authority_overview(request: HttpRequest) -> HttpResponse:
    form = OverviewFilterForm(request.GET or None, programmes=programmes_in_authority(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = dashboards.authority_overview(
        request.user,
        programme=filters.get("programme", ""),
        agency_type=filters.get("agency_type", ""),
        band=filters.get("band", ""),
        sort=filters.get("sort") or "name",
    )
    scored = [(r.partnership.name, r.index) for r in rows if r.index is not None]
    return render(
        request,
        "reports/authority_overview.html",
        {
            "filter_form": form,
            "rows": rows,
            "strip": charts.strip_svg(
                chart_id="overview",
                points=scored,
                title=_("Every partnership on the connectedness continuum"),
            ),
            "n_scored": len(scored),
        },
    )


@reader_required
@require_GET
def project_scores_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    dashboard = dashboards.project_dashboard(request.user, pk)
    points = [
        (p.round, scorecard_for_display(dashboard.scorecards[p.round.pk], p.round))
        for p in dashboard.trend
    ]
    name = slugify(dashboard.project.name) or "project"
    return _csv_response(exports.project_scores_rows(points), f"{name}-scores.csv")


@reader_required
@require_GET
def round_responses_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    survey_round = round_for_user(request.user, pk)
    name = slugify(survey_round.title) or "round"
    return _csv_response(exports.round_responses_rows(survey_round), f"{name}-responses.csv")
