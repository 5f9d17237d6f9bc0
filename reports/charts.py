"""Server-side SVG charts for scorecards (HTML pages and WeasyPrint PDFs share the markup).

Every chart is a self-contained ``<svg role="img">`` string with a ``<title>`` and a ``<desc>``
that states the data in words. The markup works under a strict Content-Security-Policy: no
``style`` attributes or elements, no scripts, no references outside the SVG (not even internal
``url(#...)`` patterns, so two charts on one page can never collide on an id). Everything is drawn
with presentation attributes, colour is never the only carrier of meaning (bands are labelled and
shaded light to dark, values are printed next to bars and markers) and all text has a contrast of
at least 4.5:1 against what it sits on.

Geometry is expressed in viewBox units through the module constants below, so tests (and anyone
placing annotations) can compute where a value lands: ``scale_x(value)`` for the 0-100 continuum
used by ``continuum_svg`` and ``strip_svg``.

Band boundaries follow reports/scoring/README.md: a value on a boundary belongs to the higher
band.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from reports.scoring import BANDS

# The band labels live in reports.scoring (no Django there); mark them here for makemessages.
_BAND_LABELS_FOR_TRANSLATION = (
    gettext_noop("Disconnected"),
    gettext_noop("Largely disconnected"),
    gettext_noop("Mixed"),
    gettext_noop("Largely connected"),
    gettext_noop("Connected"),
)

# --------------------------------------------------------------------------------------------
# Palette (WCAG contrast checked in tests/reports/test_charts.py)

FONT_FAMILY = "sans-serif"
TEXT = "#1a1a1a"  # 17.4:1 on white
MUTED_TEXT = "#555555"  # 7.5:1 on white
AXIS = "#767676"  # 4.5:1 on white (non-text needs 3:1)
GRID = "#d0d0d0"  # decorative guide lines
ACCENT = "#b3400f"  # the partnership's marker and interval; 5.7:1 on white
BAR = "#2f5f98"  # component bars; 6.5:1 on white
# One fill per band, light (disconnected) to dark (connected), plus the label colour on it.
BAND_FILLS = {
    "disconnected": ("#f2f5f9", TEXT),
    "largely_disconnected": ("#d4e1f0", TEXT),
    "mixed": ("#a9c3e3", TEXT),
    "largely_connected": ("#3f6fa8", "#ffffff"),
    "connected": ("#1d4477", "#ffffff"),
}

# --------------------------------------------------------------------------------------------
# Geometry (viewBox units)

CHAR_WIDTH = 0.55  # average glyph advance of a sans-serif font, in ems (slightly generous)

# The 0-100 continuum shared by continuum_svg and strip_svg.
VIEW_WIDTH = 560
SCALE_LEFT = 30
SCALE_WIDTH = 500
SCALE_RIGHT = SCALE_LEFT + SCALE_WIDTH
TICKS = (0, 20, 40, 60, 80, 100)

# continuum_svg
CONTINUUM_VALUE_Y = 16  # baseline of the printed index
INTERVAL_Y = 31  # the interval line and the centre of the diamond marker
INTERVAL_CAP = 6  # half height of the interval's end caps
MARKER_SIZE = 7  # half diagonal of the diamond
CONTINUUM_SCALE_TOP = 46
CONTINUUM_SCALE_HEIGHT = 36
CONTINUUM_HEIGHT = 156

# strip_svg
DOT_RADIUS = 5
DOT_STEP = 11  # vertical distance between stacked dots
DOT_GAP = 1  # minimum horizontal gap between two dots on one level
STRIP_SCALE_HEIGHT = 32

# components_svg
COMPONENT_LABEL_RIGHT = 182
BAR_LEFT = 190
BAR_WIDTH = 300
ROW_HEIGHT = 30
BAR_HEIGHT = 16
COMPONENT_TOP = 6
COMPONENT_TICKS = (0, 0.25, 0.5, 0.75, 1)

# trend_svg
PLOT_LEFT = 16
PLOT_RIGHT = 430
PLOT_WIDTH = PLOT_RIGHT - PLOT_LEFT
PLOT_TOP = 20
PLOT_HEIGHT = 200
PLOT_BOTTOM = PLOT_TOP + PLOT_HEIGHT
TREND_HEIGHT = PLOT_BOTTOM + 24
BOUNDARIES = (20, 40, 60, 80)

_CHART_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_ELLIPSIS = "\u2026"


# --------------------------------------------------------------------------------------------
# Small helpers


def scale_x(value: float) -> float:
    """x of a 0-100 value on the continuum (values outside the range are clamped)."""
    return SCALE_LEFT + min(max(value, 0.0), 100.0) / 100.0 * SCALE_WIDTH


def trend_y(value: float) -> float:
    """y of a 0-100 index in trend_svg's plot."""
    return PLOT_BOTTOM - min(max(value, 0.0), 100.0) / 100.0 * PLOT_HEIGHT


def trend_x(position: int, count: int) -> float:
    """x of the position-th of count rounds in trend_svg's plot (centred in equal slots)."""
    return PLOT_LEFT + PLOT_WIDTH / count * (position + 0.5)


def component_x(value: float) -> float:
    """x where a 0-1 component's bar ends."""
    return BAR_LEFT + min(max(value, 0.0), 1.0) * BAR_WIDTH


def heat_level(value: float | None) -> str:
    """CSS class of a heatmap cell for a 0-1 score: quintiles heat-0..heat-4, or heat-none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "heat-none"
    # Comparing with the thresholds (rather than int(value * 5)) keeps the boundaries exact:
    # 0.2 is heat-1, 0.19999 is heat-0, 1.0 is heat-4.
    return f"heat-{sum(value >= t for t in (0.2, 0.4, 0.6, 0.8))}"


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _n(number: float) -> str:
    """A coordinate, compactly: at most two decimals, no trailing zeros."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _fmt_index(value: float) -> str:
    return f"{round(value, 1) + 0.0:.1f}"  # + 0.0 turns -0.0 into 0.0


def _fmt_score(value: float) -> str:
    return f"{round(value, 2) + 0.0:.2f}"


def _band_position(value: float) -> int:
    """Index into BANDS; a boundary value belongs to the higher band."""
    for position, (_code, _label, low, high) in enumerate(BANDS):
        if low <= value < high:
            return position
    return 0 if value < BANDS[0][2] else len(BANDS) - 1


def _band_label(position: int) -> str:
    return _(BANDS[position][1])


def _text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def _truncate(text: str, width: float, size: float) -> str:
    if _text_width(text, size) <= width:
        return text
    keep = max(1, int(width / (size * CHAR_WIDTH)) - 1)
    return text[:keep].rstrip() + _ELLIPSIS


def _wrap(text: str, width: float, size: float, max_lines: int = 2) -> list[str]:
    """Greedy word wrap to at most max_lines lines; the last line is truncated if need be."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and _text_width(candidate, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]
    return [_truncate(line, width, size) for line in lines] or [""]


def _text(x: float, y: float, content: str, *, size: float = 12, **attrs: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attrs.items())
    return f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}"{extra}>{escape(content)}</text>'


def _lines(x: float, centre_y: float, lines: list[str], *, size: float, **attrs: str) -> str:
    """Several lines of text vertically centred on centre_y (one <text> per line)."""
    leading = size * 1.15
    first = centre_y - leading * (len(lines) - 1) / 2 + size * 0.35
    return "".join(
        _text(x, first + i * leading, line, size=size, **attrs) for i, line in enumerate(lines)
    )


def _svg(chart_id: str, height: float, title: str, desc: str, body: str) -> SafeString:
    if not isinstance(chart_id, str) or not _CHART_ID.match(chart_id):
        raise ValueError(
            f"chart_id must start with a letter or _ and hold only letters, digits, _ . -; "
            f"got {chart_id!r}"
        )
    return mark_safe(  # noqa: S308  # nosec B308 B703  # all text inside is escaped, ids checked
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {VIEW_WIDTH} {_n(height)}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{FONT_FAMILY}" fill="{TEXT}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def _band_segments(top: float, height: float, *, size: float = 12) -> str:
    """The five bands as adjacent labelled segments of the continuum, framed."""
    parts = []
    for code, english, low, high in BANDS:
        fill, ink = BAND_FILLS[code]
        left, right = scale_x(low), scale_x(high)
        parts.append(
            f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(right - left)}" '
            f'height="{_n(height)}" fill="{fill}"/>'
        )
        label = _wrap(_(english), right - left - 8, size)
        parts.append(
            _lines(
                (left + right) / 2,
                top + height / 2,
                label,
                size=size,
                fill=ink,
                text_anchor="middle",
            )
        )
    for _code, _label, low, _high in BANDS[1:]:
        x = _n(scale_x(low))
        parts.append(
            f'<line x1="{x}" y1="{_n(top)}" x2="{x}" y2="{_n(top + height)}" stroke="#ffffff"/>'
        )
    parts.append(
        f'<rect x="{SCALE_LEFT}" y="{_n(top)}" width="{SCALE_WIDTH}" height="{_n(height)}" '
        f'fill="none" stroke="{AXIS}"/>'
    )
    return "".join(parts)


def _scale_ticks(top: float, *, size: float = 12) -> str:
    """Ticks 0, 20 ... 100 below a continuum whose bottom edge is at top."""
    parts = []
    for tick in TICKS:
        x = _n(scale_x(tick))
        parts.append(f'<line x1="{x}" y1="{_n(top)}" x2="{x}" y2="{_n(top + 6)}" stroke="{AXIS}"/>')
        parts.append(
            _text(scale_x(tick), top + 6 + size + 1, str(tick), size=size, text_anchor="middle")
        )
    return "".join(parts)


def _band_list(values: Sequence[float]) -> str:
    counts = [0] * len(BANDS)
    for value in values:
        counts[_band_position(value)] += 1
    return ", ".join(
        f"{count} {_band_label(position)}" for position, count in enumerate(counts) if count
    )


# --------------------------------------------------------------------------------------------
# Charts


def continuum_svg(
    *,
    chart_id: str,
    index: float | None,
    interval: tuple[float, float] | None,
    band_label: str | None,
) -> SafeString:
    """Where one partnership stands on the 0-100 continuum, with its uncertainty interval."""
    index = _finite(index)
    title = _("Connectedness index")
    body = [_band_segments(CONTINUUM_SCALE_TOP, CONTINUUM_SCALE_HEIGHT)]
    scale_bottom = CONTINUUM_SCALE_TOP + CONTINUUM_SCALE_HEIGHT
    body.append(_scale_ticks(scale_bottom))
    pole_y = scale_bottom + 36
    body.append(_text(SCALE_LEFT, pole_y, "\u2190 " + _("Disconnected"), text_anchor="start"))
    body.append(_text(SCALE_RIGHT, pole_y, _("Connected") + " \u2192", text_anchor="end"))
    caption_y = pole_y + 24
    centre = SCALE_LEFT + SCALE_WIDTH / 2

    if index is None:
        message = _("Insufficient responses")
        body.append(
            _text(
                centre,
                INTERVAL_Y + 5,
                message,
                size=14,
                text_anchor="middle",
                fill=TEXT,
                font_weight="bold",
            )
        )
        desc = _(
            "Insufficient responses: there are not enough responses to calculate a "
            "connectedness index, so none is shown. The scale runs from 0 (Disconnected) to 100 "
            "(Connected) in five bands."
        )
        return _svg(chart_id, CONTINUUM_HEIGHT, title, desc, "".join(body))

    position = _band_position(index)
    label = _resolve_band_label(band_label, position)
    sentences = [
        _(
            "Connectedness index %(index)s on a scale from 0 (Disconnected) to 100 (Connected), "
            "in the band %(band)s."
        )
        % {"index": _fmt_index(index), "band": label}
    ]
    caption = _("Index %(index)s, %(band)s") % {"index": _fmt_index(index), "band": label}

    bounds = _interval(interval)
    if bounds is not None:
        low, high = bounds
        x1, x2 = _n(scale_x(low)), _n(scale_x(high))
        top, bottom = _n(INTERVAL_Y - INTERVAL_CAP), _n(INTERVAL_Y + INTERVAL_CAP)
        y = _n(INTERVAL_Y)
        body.append(
            f'<g stroke="{ACCENT}" stroke-width="2">'
            f'<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}"/>'
            f'<line x1="{x1}" y1="{top}" x2="{x1}" y2="{bottom}"/>'
            f'<line x1="{x2}" y1="{top}" x2="{x2}" y2="{bottom}"/></g>'
        )
        values = {"low": _fmt_index(low), "high": _fmt_index(high)}
        sentences.append(_("95%% uncertainty interval %(low)s to %(high)s.") % values)
        caption += "; " + _("95%% interval %(low)s to %(high)s") % values
        low_band, high_band = _band_position(low), _band_position(high)
        if low_band != high_band:
            sentences.append(
                _(
                    "The interval spans more than one band (%(low)s to %(high)s), so the "
                    "placement is uncertain."
                )
                % {"low": _band_label(low_band), "high": _band_label(high_band)}
            )

    x = scale_x(index)
    m = MARKER_SIZE
    body.append(
        f'<line x1="{_n(x)}" y1="{_n(INTERVAL_Y + m)}" x2="{_n(x)}" '
        f'y2="{CONTINUUM_SCALE_TOP}" stroke="{ACCENT}" stroke-width="2"/>'
    )
    body.append(
        f'<path d="M{_n(x)} {_n(INTERVAL_Y - m)}l{m} {m}l-{m} {m}l-{m} -{m}z" '
        f'fill="{ACCENT}" stroke="#ffffff"/>'
    )
    value_x = min(max(x, 20.0), VIEW_WIDTH - 20.0)
    body.append(
        _text(
            value_x,
            CONTINUUM_VALUE_Y,
            _fmt_index(index),
            size=14,
            text_anchor="middle",
            fill=ACCENT,
            font_weight="bold",
        )
    )
    body.append(_text(centre, caption_y, caption, text_anchor="middle", fill=MUTED_TEXT))
    return _svg(chart_id, CONTINUUM_HEIGHT, title, " ".join(sentences), "".join(body))


def _resolve_band_label(band_label: str | None, position: int) -> str:
    """The caller's label (a band code or English label is translated), else the index's band."""
    if not band_label:
        return _band_label(position)
    for code, label, _low, _high in BANDS:
        if band_label in (code, label):
            return _(label)
    return str(band_label)


def _interval(interval: tuple[float, float] | None) -> tuple[float, float] | None:
    if interval is None:
        return None
    low, high = (_finite(v) for v in interval)
    if low is None or high is None:
        return None
    low, high = sorted((min(max(low, 0.0), 100.0), min(max(high, 0.0), 100.0)))
    return low, high


def components_svg(
    *, chart_id: str, components: list[tuple[str, float | None]], title: str
) -> SafeString:
    """One horizontal bar per 0-1 component, the value printed at the bar's end."""
    size = 12
    rows = list(components)
    axis_y = COMPONENT_TOP + ROW_HEIGHT * len(rows) + 4
    height = axis_y + 26
    body = []
    for tick in COMPONENT_TICKS:
        grid_x = _n(component_x(tick))
        body.append(
            f'<line x1="{grid_x}" y1="{COMPONENT_TOP}" x2="{grid_x}" y2="{_n(axis_y)}" '
            f'stroke="{GRID}"/>'
        )
    described = []
    for i, (label, raw) in enumerate(rows):
        value = _finite(raw)
        centre = COMPONENT_TOP + ROW_HEIGHT * (i + 0.5)
        lines = _wrap(str(label), COMPONENT_LABEL_RIGHT - 4, size)
        body.append(_lines(COMPONENT_LABEL_RIGHT, centre, lines, size=size, text_anchor="end"))
        if value is None:
            body.append(
                _text(
                    BAR_LEFT + 4,
                    centre + size * 0.35,
                    _("no data"),
                    size=size,
                    fill=MUTED_TEXT,
                )
            )
            described.append(_("%(label)s no data") % {"label": label})
            continue
        end = component_x(value)
        body.append(
            f'<rect x="{BAR_LEFT}" y="{_n(centre - BAR_HEIGHT / 2)}" width="{_n(end - BAR_LEFT)}" '
            f'height="{BAR_HEIGHT}" fill="{BAR}"/>'
        )
        body.append(_text(end + 5, centre + size * 0.35, _fmt_score(value), size=size))
        described.append(_("%(label)s %(value)s") % {"label": label, "value": _fmt_score(value)})
    body.append(
        f'<line x1="{BAR_LEFT}" y1="{_n(axis_y)}" x2="{BAR_LEFT + BAR_WIDTH}" y2="{_n(axis_y)}" '
        f'stroke="{AXIS}"/>'
    )
    for tick in COMPONENT_TICKS:
        x = component_x(tick)
        body.append(
            f'<line x1="{_n(x)}" y1="{_n(axis_y)}" x2="{_n(x)}" y2="{_n(axis_y + 5)}" '
            f'stroke="{AXIS}"/>'
        )
        body.append(_text(x, axis_y + 18, f"{tick:g}", size=11, text_anchor="middle"))
    if described:
        desc = _("%(title)s, scores from 0 to 1: %(values)s.") % {
            "title": title,
            "values": "; ".join(described),
        }
    else:
        desc = _("%(title)s: no components to show.") % {"title": title}
    return _svg(chart_id, height, title, desc, "".join(body))


def trend_svg(
    *, chart_id: str, series: Sequence[tuple[str, float | None]], title: str
) -> SafeString:
    """The index across rounds; a round without an index is a gap in the line."""
    points = [(str(label), _finite(value)) for label, value in series]
    count = len(points)
    body = []
    # Band boundaries, labelled at the right, and the band names between them.
    for boundary in (0, *BOUNDARIES, 100):
        y = trend_y(boundary)
        stroke = AXIS if boundary == 0 else GRID
        body.append(
            f'<line x1="{PLOT_LEFT}" y1="{_n(y)}" x2="{PLOT_RIGHT}" y2="{_n(y)}" '
            f'stroke="{stroke}"/>'
        )
        body.append(_text(PLOT_RIGHT + 5, y + 4, str(boundary), size=11, fill=MUTED_TEXT))
    for _code, label, low, high in BANDS:
        lines = _wrap(_(label), VIEW_WIDTH - PLOT_RIGHT - 36, 11)
        body.append(
            _lines(
                PLOT_RIGHT + 32, (trend_y(low) + trend_y(high)) / 2, lines, size=11, fill=MUTED_TEXT
            )
        )

    if count:
        slot = PLOT_WIDTH / count
        # The line: consecutive known points only, so a missing round is a gap.
        segment: list[str] = []
        paths = []
        for i, (_label, value) in enumerate(points):
            if value is None:
                if len(segment) > 1:
                    paths.append(segment)
                segment = []
                continue
            segment.append(f"{_n(trend_x(i, count))} {_n(trend_y(value))}")
        if len(segment) > 1:
            paths.append(segment)
        for path in paths:
            body.append(
                f'<path d="M{"L".join(path)}" fill="none" stroke="{BAR}" stroke-width="2"/>'
            )
        no_data = _("no data")
        for i, (label, value) in enumerate(points):
            x = trend_x(i, count)
            body.append(
                _text(
                    x,
                    PLOT_BOTTOM + 16,
                    _truncate(label, slot - 10, 11),
                    size=11,
                    text_anchor="middle",
                )
            )
            if value is None:
                text = no_data if _text_width(no_data, 10) <= slot - 4 else "\u2013"
                body.append(
                    _text(
                        x,
                        PLOT_BOTTOM - 6,
                        text,
                        size=10,
                        text_anchor="middle",
                        fill=MUTED_TEXT,
                    )
                )
                continue
            y = trend_y(value)
            tooltip = f"{label}: {_fmt_index(value)}"
            body.append(
                f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{BAR}" stroke="#ffffff">'
                f"<title>{escape(tooltip)}</title></circle>"
            )
            label_x, label_y, anchor = _value_label_at(points, i, x, y)
            body.append(
                _text(
                    label_x,
                    label_y,
                    _fmt_index(value),
                    size=11,
                    text_anchor=anchor,
                    font_weight="bold",
                )
            )

    described = [
        _("%(round)s: %(value)s (%(band)s)")
        % {"round": label, "value": _fmt_index(value), "band": _band_label(_band_position(value))}
        if value is not None
        else _("%(round)s: no index") % {"round": label}
        for label, value in points
    ]
    if described:
        desc = _("%(title)s, connectedness index (0 to 100) by round: %(values)s.") % {
            "title": title,
            "values": "; ".join(described),
        }
    else:
        desc = _("%(title)s: no rounds to show.") % {"title": title}
    return _svg(chart_id, TREND_HEIGHT, title, desc, "".join(body))


def _value_label_at(
    points: list[tuple[str, float | None]], i: int, x: float, y: float
) -> tuple[float, float, str]:
    """Where a point's value goes: (x, y, text-anchor).

    Above the point, or below it when the point is a dip (every known neighbour higher), so the
    line does not run through the label. When that side is out of room (a dip at 0, a peak at
    100) the label goes beside the point, away from its only neighbour, or to the other side.
    """
    neighbours = [
        (j - i, n)
        for j in (i - 1, i + 1)
        if 0 <= j < len(points) and (n := points[j][1]) is not None
    ]
    value = points[i][1]
    if value is None:  # only a point with a value gets a label
        raise ValueError(f"point {i} has no value to label")
    dip = bool(neighbours) and all(n > value for _d, n in neighbours)
    above, below = y - 8, y + 16
    fits_above, fits_below = above >= 12, below <= PLOT_BOTTOM - 2
    if (dip and fits_below) or (not dip and fits_above):
        return x, below if dip else above, "middle"
    if len(neighbours) == 1:
        side = -neighbours[0][0]
        # Clear of the axis at 0 and of the frame at 100.
        return x + 7 * side, y - 4 if value < 50 else y + 12, "start" if side > 0 else "end"
    return x, above if fits_above else below, "middle"


def strip_svg(*, chart_id: str, points: list[tuple[str, float]], title: str) -> SafeString:
    """Every partnership's index as a dot on one continuum; close dots are stacked upwards."""
    known = sorted(
        ((float(v), str(name)) for name, v in points if _finite(v) is not None),
        key=lambda item: item[0],
    )
    # Greedy stacking: each dot takes the lowest level where it clears the dots already there.
    levels_end: list[float] = []
    placed = []
    for value, name in known:
        x = scale_x(value)
        for level, last_x in enumerate(levels_end):
            if x - last_x >= 2 * DOT_RADIUS + DOT_GAP:
                levels_end[level] = x
                break
        else:
            level = len(levels_end)
            levels_end.append(x)
        placed.append((x, level, value, name))

    levels = max(1, len(levels_end))
    scale_top = 8 + levels * DOT_STEP + 4
    scale_bottom = scale_top + STRIP_SCALE_HEIGHT
    height = scale_bottom + 26
    body = [
        _band_segments(scale_top, STRIP_SCALE_HEIGHT, size=11),
        _scale_ticks(scale_bottom, size=11),
    ]
    # Five labels translated once, not once per dot (a thousand partnerships, one page).
    band_labels = [_band_label(position) for position in range(len(BANDS))]
    for x, level, value, name in placed:
        cy = scale_top - 4 - DOT_RADIUS - level * DOT_STEP
        tooltip = f"{name}: {_fmt_index(value)} ({band_labels[_band_position(value)]})"
        body.append(
            f'<circle cx="{_n(x)}" cy="{_n(cy)}" r="{DOT_RADIUS}" fill="{ACCENT}" '
            f'stroke="#ffffff"><title>{escape(tooltip)}</title></circle>'
        )

    if known:
        values = [value for value, _name in known]
        total = ngettext("%(count)d partnership", "%(count)d partnerships", len(values)) % {
            "count": len(values)
        }
        desc = f"{total}: {_band_list(values)}. " + _("Lowest %(low)s, highest %(high)s.") % {
            "low": _fmt_index(values[0]),
            "high": _fmt_index(values[-1]),
        }
    else:
        desc = _("No partnership has a connectedness index yet.")
    return _svg(chart_id, height, title, desc, "".join(body))


def benchmark_svg(
    *, chart_id: str, rows: list[tuple[str, float, float, float, float, int]], title: str
) -> SafeString:
    """Per measure (label, value, lower quartile, median, upper quartile, scale: 100 for the
    index, 1 for a component): the quartile box with the median line and the partnership's
    diamond, on one 0 to 1 axis (issue 15)."""
    body = []
    for row_number, (label, value, q1, median, q3, scale) in enumerate(rows):
        top = COMPONENT_TOP + row_number * ROW_HEIGHT
        centre = top + BAR_HEIGHT / 2
        body.append(
            _text(COMPONENT_LABEL_RIGHT, centre + 4, _truncate(label, 180, 12), text_anchor="end")
        )
        body.append(
            f'<line x1="{BAR_LEFT}" y1="{_n(centre)}" x2="{BAR_LEFT + BAR_WIDTH}" '
            f'y2="{_n(centre)}" stroke="{GRID}"/>'
        )
        left, right = component_x(q1 / scale), component_x(q3 / scale)
        body.append(
            f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(max(right - left, 1))}" '
            f'height="{BAR_HEIGHT}" fill="#d4e1f0" stroke="{BAR}"/>'
        )
        mid = component_x(median / scale)
        body.append(
            f'<line x1="{_n(mid)}" y1="{_n(top)}" x2="{_n(mid)}" y2="{_n(top + BAR_HEIGHT)}" '
            f'stroke="{BAR}" stroke-width="3"/>'
        )
        x = component_x(value / scale)
        body.append(
            f'<path d="M{_n(x)} {_n(centre - MARKER_SIZE)} L{_n(x + MARKER_SIZE)} {_n(centre)} '
            f'L{_n(x)} {_n(centre + MARKER_SIZE)} L{_n(x - MARKER_SIZE)} {_n(centre)} Z" '
            f'fill="{ACCENT}" stroke="#ffffff"/>'
        )
    height = COMPONENT_TOP + len(rows) * ROW_HEIGHT + 24
    for tick in COMPONENT_TICKS:
        body.append(
            _text(component_x(tick), height - 6, _fmt_score(tick), size=11, text_anchor="middle")
        )

    def shown(number: float, scale: int) -> str:
        return _fmt_index(number) if scale == 100 else _fmt_score(number)

    desc = " ".join(
        _(
            "%(label)s: this partnership %(value)s; the middle half of partnerships from "
            "%(low)s to %(high)s, median %(median)s."
        )
        % {
            "label": label,
            "value": shown(value, scale),
            "low": shown(q1, scale),
            "high": shown(q3, scale),
            "median": shown(median, scale),
        }
        for label, value, q1, median, q3, scale in rows
    )
    title = f"{title} " + _("(the index on the same axis, divided by 100)")
    return _svg(chart_id, height, title, desc, "".join(body))
