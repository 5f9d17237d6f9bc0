"""The working-relationships network map: a server-side SVG and what the page says about it.

The map follows reports/charts.py (no style attributes, no scripts, nothing outside the SVG,
colour never the only carrier of meaning): the agencies sit on a circle, and each pair at level
2 (cooperation) or more is a line whose thickness *and* dash pattern show its level (a legend
says which); an isolated agency is a hollow square instead of a dot. Each agency links to its
row of the matrix table (``#network-row-<agency id>``), which with the description is the text
alternative. The SVG is a group (not ``role="img"``) so that those links stay reachable.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from reports.charts import ACCENT, BAR, FONT_FAMILY, TEXT, VIEW_WIDTH, _n, _truncate
from reports.scoring.network import LEVELS, WORKING_LEVEL

# The level names live in reports.scoring (no Django there); mark them here for makemessages.
_LEVEL_NAMES_FOR_TRANSLATION = (
    gettext_noop("No contact"),
    gettext_noop("Networking"),
    gettext_noop("Cooperation"),
    gettext_noop("Coordination"),
    gettext_noop("Coalition"),
    gettext_noop("Collaboration"),
)

# Geometry (viewBox units)
CENTRE_X = VIEW_WIDTH / 2
CENTRE_Y = 250
RADIUS = 140
LABEL_GAP = 12  # from a node to its label
LABEL_SIZE = 10
NODE_RADIUS = 6
ISOLATED_HALF = 6  # half the side of an isolated agency's square
LEGEND_TOP = CENTRE_Y + RADIUS + 70
MAP_HEIGHT = LEGEND_TOP + 70
LINE_COLOUR = BAR

# (lowest level, stroke width, dash pattern or "" for solid, legend text) for working ties.
LINE_STYLES = (
    (4.0, 5.0, ""),
    (3.0, 3.0, "8 4"),
    (float(WORKING_LEVEL), 1.5, "2 3"),
)

CENTRALIZATION_LOW = 0.3
CENTRALIZATION_HIGH = 0.6


def level_name(level: float) -> str:
    """The scale's name for the whole level at or below `level` (2.5 is cooperation)."""
    whole = max(0, min(5, math.floor(level + 1e-9)))
    return _(LEVELS[whole][1])


def line_style(level: float) -> tuple[float, str] | None:
    """(stroke width, dash pattern) of a pair's line, or None below cooperation (no line)."""
    for lowest, width, dashes in LINE_STYLES:
        if level >= lowest:
            return width, dashes
    return None


def node_position(position: int, count: int) -> tuple[float, float]:
    """Where the position-th of count agencies sits: clockwise from the top."""
    angle = -math.pi / 2 + 2 * math.pi * position / max(count, 1)
    return CENTRE_X + RADIUS * math.cos(angle), CENTRE_Y + RADIUS * math.sin(angle)


def _fmt(value: float) -> str:
    return f"{round(value, 1) + 0.0:.1f}"


def _legend() -> str:
    parts = []
    x = 30.0
    for lowest, width, dashes in reversed(LINE_STYLES):
        dash = f' stroke-dasharray="{dashes}"' if dashes else ""
        parts.append(
            f'<line x1="{_n(x)}" y1="{LEGEND_TOP}" x2="{_n(x + 40)}" y2="{LEGEND_TOP}" '
            f'stroke="{LINE_COLOUR}" stroke-width="{_n(width)}"{dash}/>'
        )
        text = _("%(level)s (%(n)s+)") % {"level": level_name(lowest), "n": int(lowest)}
        parts.append(
            f'<text x="{_n(x + 46)}" y="{LEGEND_TOP + 4}" font-size="11">{escape(text)}</text>'
        )
        x += 170
    y = LEGEND_TOP + 30
    parts.append(
        f'<circle cx="36" cy="{y}" r="{NODE_RADIUS}" fill="{BAR}" stroke="#ffffff"/>'
        f'<text x="50" y="{y + 4}" font-size="11">{escape(_("An agency"))}</text>'
        f'<rect x="{200 - ISOLATED_HALF}" y="{y - ISOLATED_HALF}" width="{2 * ISOLATED_HALF}" '
        f'height="{2 * ISOLATED_HALF}" fill="#ffffff" stroke="{ACCENT}" stroke-width="2.5"/>'
        f'<text x="214" y="{y + 4}" font-size="11">'
        f"{escape(_('Isolated: rated, but no tie at cooperation or more'))}</text>"
    )
    return "".join(parts)


def network_svg(*, chart_id: str, network: Mapping[str, Any], title: str) -> SafeString:
    """The map of a displayed network (reports.selectors.network_for_display), by name."""
    nodes = sorted(network["nodes"], key=lambda node: (node["name"], node["agency_id"]))
    where = {
        node["agency_id"]: node_position(position, len(nodes))
        for position, node in enumerate(nodes)
    }
    ties = [pair for pair in network["pairs"] if line_style(pair["level"]) is not None]
    names = {node["agency_id"]: node["name"] for node in nodes}
    body = []
    # Thin lines first, so a thick one is never hidden under them. The lines of one style share
    # a group that carries the style: a 40-agency map has up to 780 lines, and repeating the
    # same four attributes on each one doubled its weight.
    for style, pairs in itertools.groupby(
        sorted(ties, key=lambda p: p["level"]), key=lambda p: line_style(p["level"])
    ):
        width, dashes = style or (0.0, "")
        dash = f' stroke-dasharray="{dashes}"' if dashes else ""
        body.append(
            f'<g stroke="{LINE_COLOUR}" stroke-width="{_n(width)}"{dash} stroke-linecap="round">'
        )
        for pair in pairs:
            (x1, y1), (x2, y2) = where[pair["a"]], where[pair["b"]]
            tooltip = _("%(a)s and %(b)s: %(level)s (%(name)s)") % {
                "a": names[pair["a"]],
                "b": names[pair["b"]],
                "level": _fmt(pair["level"]),
                "name": level_name(pair["level"]),
            }
            body.append(
                f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}">'
                f"<title>{escape(tooltip)}</title></line>"
            )
        body.append("</g>")
    for node in nodes:
        x, y = where[node["agency_id"]]
        right = x >= CENTRE_X - 1
        dx = (x - CENTRE_X) / RADIUS
        dy = (y - CENTRE_Y) / RADIUS
        label_x = x + dx * LABEL_GAP + (2 if right else -2)
        label_y = y + dy * LABEL_GAP + LABEL_SIZE * 0.35
        room = (VIEW_WIDTH - 6 - label_x) if right else (label_x - 6)
        label = _truncate(node["name"], room, LABEL_SIZE)
        if node["isolated"]:
            mark = (
                f'<rect x="{_n(x - ISOLATED_HALF)}" y="{_n(y - ISOLATED_HALF)}" '
                f'width="{2 * ISOLATED_HALF}" height="{2 * ISOLATED_HALF}" fill="#ffffff" '
                f'stroke="{ACCENT}" stroke-width="2.5"/>'
            )
            link_title = _("%(name)s (isolated): go to its row of the matrix") % {
                "name": node["name"]
            }
        else:
            mark = (
                f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{NODE_RADIUS}" fill="{BAR}" '
                'stroke="#ffffff"/>'
            )
            link_title = _("%(name)s: go to its row of the matrix") % {"name": node["name"]}
        anchor = "start" if right else "end"
        body.append(
            f'<a href="#network-row-{int(node["agency_id"])}"><title>{escape(link_title)}</title>'
            f"{mark}"
            f'<text x="{_n(label_x)}" y="{_n(label_y)}" font-size="{LABEL_SIZE}" '
            f'text-anchor="{anchor}">{escape(label)}</text></a>'
        )
    body.append(_legend())
    desc = network_description(network)
    return mark_safe(  # noqa: S308  # nosec B308 B703  # all text inside is escaped, ids checked
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {VIEW_WIDTH} {MAP_HEIGHT}" '
        f'width="100%" role="group" aria-labelledby="{escape(chart_id)}-title '
        f'{escape(chart_id)}-desc" font-family="{FONT_FAMILY}" fill="{TEXT}">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>'
        f"{''.join(body)}</svg>"
    )


def network_description(network: Mapping[str, Any]) -> str:
    """The map in words: how many agencies and ties, and which agencies are isolated."""
    n_nodes = len(network["nodes"])
    ties = sum(1 for pair in network["pairs"] if pair["level"] >= WORKING_LEVEL)
    text = ngettext("%(n)d agency, ", "%(n)d agencies, ", n_nodes) % {"n": n_nodes} + ngettext(
        "%(ties)d pair working together at cooperation or more, of %(rated)d rated pairs.",
        "%(ties)d pairs working together at cooperation or more, of %(rated)d rated pairs.",
        ties,
    ) % {"ties": ties, "rated": len(network["pairs"])}
    isolated = [node["name"] for node in network["nodes"] if node["isolated"]]
    if isolated:
        text += " " + _("Isolated: %(names)s.") % {"names": ", ".join(sorted(isolated))}
    return text


@dataclass(frozen=True)
class MatrixRow:
    agency_id: int
    name: str
    isolated: bool
    degree: int
    cells: list[tuple[str, float | None]]  # ("self" | "rated" | "unrated", level)


def network_matrix(network: Mapping[str, Any]) -> list[MatrixRow]:
    """Every agency's pair level with every other (the symmetric matrix), by name."""
    nodes = sorted(network["nodes"], key=lambda node: (node["name"], node["agency_id"]))
    levels: dict[frozenset[int], float] = {
        frozenset((pair["a"], pair["b"])): pair["level"] for pair in network["pairs"]
    }
    rows = []
    for node in nodes:
        cells: list[tuple[str, float | None]] = []
        for other in nodes:
            if other["agency_id"] == node["agency_id"]:
                cells.append(("self", None))
                continue
            level = levels.get(frozenset((node["agency_id"], other["agency_id"])))
            cells.append(("unrated", None) if level is None else ("rated", level))
        rows.append(
            MatrixRow(
                agency_id=node["agency_id"],
                name=node["name"],
                isolated=node["isolated"],
                degree=node["degree"],
                cells=cells,
            )
        )
    return rows


def network_mismatches(network: Mapping[str, Any]) -> list[str]:
    """Each mismatched pair as a discussion point, in words."""
    names = {node["agency_id"]: node["name"] for node in network["nodes"]}
    points = []
    for pair in network["pairs"]:
        if not pair["mismatch"]:
            continue
        points.append(
            _(
                "%(a)s rates its work with %(b)s at %(r_ab)s (%(ab_name)s); %(b)s rates it at "
                "%(r_ba)s (%(ba_name)s)."
            )
            % {
                "a": names.get(pair["a"], pair["a"]),
                "b": names.get(pair["b"], pair["b"]),
                "r_ab": _fmt(pair["r_ab"]),
                "ab_name": level_name(pair["r_ab"]),
                "r_ba": _fmt(pair["r_ba"]),
                "ba_name": level_name(pair["r_ba"]),
            }
        )
    return points


def centralization_reading(value: float) -> str:
    """What a degree centralization says, in one clause."""
    if value < CENTRALIZATION_LOW:
        return _("working ties are spread fairly evenly across the agencies")
    if value < CENTRALIZATION_HIGH:
        return _("some agencies hold noticeably more of the working ties than others")
    return _("the network depends on one or a few hub agencies")
