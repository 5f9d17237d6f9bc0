"""What a dashboard shows, built once for the page and for the PDF (same charts in both)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from partnerships.models import User

from . import charts, dashboards, scoring


def dashboard_context(user: User, project_pk: int, round_pk: int | None = None) -> dict[str, Any]:
    dashboard = dashboards.project_dashboard(user, project_pk, round_pk)
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
    }
