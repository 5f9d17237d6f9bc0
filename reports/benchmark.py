"""The benchmark on a dashboard: this partnership among its authority's partnerships with a
scored latest round, for the index and each component (reports/scoring/benchmark.py).

Every partnership of the authority counts, whoever reads: a manager assigned to a few of them
learns only the rank, the count and the quartiles, never another partnership's name or score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from partnerships.models import Partnership
from surveys.anonymity import round_shows_group

from . import charts, fragments, scoring
from .dashboards import ProjectDashboard, component_labels
from .models import LATEST_FIRST, Scorecard
from .scoring.benchmark import MINIMUM, Position, position


@dataclass(frozen=True)
class BenchmarkRow:
    code: str
    label: str
    scale: int  # 100 for the index, 1 for a component
    position: Position


@dataclass(frozen=True)
class Benchmark:
    count: int
    rows: list[BenchmarkRow]
    chart: SafeString


def _values(data: dict[str, Any], index: float | None) -> dict[str, float | None]:
    return {"index": index, **(data.get("components") or {})}


def cached_dashboard_benchmark(dashboard: ProjectDashboard) -> Benchmark | None:
    """dashboard_benchmark, computed only when what it is drawn from changed: the shown round
    and its latest scorecard, and the authority's partnerships, projects, rounds and scorecards
    (when the last of each changed, and how many there are: ProjectDashboard.benchmark_stamp).
    It names no other partnership, so every reader of the project may share it."""
    fingerprint = benchmark_fingerprint(dashboard)
    if fingerprint is None:
        return None
    return fragments.cached_value("benchmark", fingerprint, lambda: dashboard_benchmark(dashboard))


def benchmark_fingerprint(dashboard: ProjectDashboard) -> tuple | None:
    """Everything dashboard_benchmark is drawn from, for a cache key; None when the shown round
    is not scored (there is no benchmark)."""
    current = dashboard.current
    if current is None or current.pk not in dashboard.latest_ids:
        return None
    return (
        dashboard.project.pk,
        dashboard.project.partnership_id,
        current.pk,
        current.instrument_id,
        current.reporting_mode,
        current.min_group_size,
        dashboard.latest_ids[current.pk],
        dashboard.benchmark_stamp,
    )


def dashboard_benchmark(dashboard: ProjectDashboard) -> Benchmark | None:
    """None unless the shown round is scored and at least MINIMUM partnerships have a score.
    Two queries: the authority's partnerships' latest scorecards, and this round's."""
    current = dashboard.current
    if current is None or current.pk not in dashboard.latest_ids:
        return None
    partnership = dashboard.project.partnership
    latest = Scorecard.objects.filter(round__project__partnership=OuterRef("pk")).order_by(
        "-round__opens_on", *LATEST_FIRST
    )
    ids = (
        Partnership.objects.filter(authority_id=partnership.authority_id, active=True)
        .exclude(pk=partnership.pk)
        .annotate(latest=Subquery(latest.values("pk")[:1]))
        .values_list("latest", flat=True)
    )
    wanted = [i for i in ids if i is not None] + [dashboard.latest_ids[current.pk]]
    rows = list(
        Scorecard.objects.filter(pk__in=wanted)
        .filter(status="ok")
        .values_list(
            "pk", "round_id", "index", "data", "n_respondents", "round__reporting_mode",
            "round__min_group_size",
        )
    )  # fmt: skip
    own = next((r for r in rows if r[1] == current.pk), None)
    if own is None:
        return None
    others = []
    for _pk, _round, index, data, n_resp, mode, k in rows:
        if _round == current.pk:
            continue
        if mode == "anonymous" and n_resp < k:
            continue  # an anonymous round below k is never shown: it counts for nothing
        others.append(_values(data, index))
    if len(others) + 1 < MINIMUM:
        return None
    if not round_shows_group(current, own[4]):
        return None
    own_values = _values(own[3], own[2])
    labels = component_labels(dashboard)
    result: list[BenchmarkRow] = []
    for code in ("index", *scoring.INDEX_COMPONENTS):
        value = own_values.get(code)
        peers = [v[code] for v in others if v.get(code) is not None]
        found = None if value is None else position(float(value), peers)  # type: ignore[arg-type]
        if found is not None:
            label = _("Connectedness index") if code == "index" else labels.get(code, code)
            result.append(BenchmarkRow(code, label, 100 if code == "index" else 1, found))
    if not result:
        return None
    return Benchmark(count=len(others) + 1, rows=result, chart=_chart(result))


def _chart(rows: list[BenchmarkRow]) -> SafeString:
    """Each measure as a box from the lower to the upper quartile with the median, and this
    partnership's marker, all on a 0 to 1 scale (the index divided by 100)."""
    return charts.benchmark_svg(
        chart_id="benchmark",
        rows=[
            (
                row.label,
                row.position.value,
                row.position.lower_quartile,
                row.position.median,
                row.position.upper_quartile,
                row.scale,
            )
            for row in rows
        ],
        title=_("This partnership among the authority's partnerships"),
    )
