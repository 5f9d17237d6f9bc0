"""reports.charts: server-side SVG charts that are well-formed, accessible and CSP-safe."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString
from django.utils.translation import override

from reports import charts
from reports.charts import (
    ACCENT,
    AXIS,
    BAND_FILLS,
    BAR,
    BAR_LEFT,
    BAR_WIDTH,
    INTERVAL_Y,
    MUTED_TEXT,
    PLOT_BOTTOM,
    PLOT_HEIGHT,
    PLOT_LEFT,
    PLOT_WIDTH,
    SCALE_LEFT,
    SCALE_WIDTH,
    TEXT,
    components_svg,
    continuum_svg,
    heat_level,
    strip_svg,
    trend_svg,
)
from reports.scoring import BANDS

NS = "{http://www.w3.org/2000/svg}"
NASTY = '<b>"A&B"</b>'


@pytest.fixture(autouse=True)
def _english():
    with override("en-gb"):
        yield


def parse(svg: str) -> ET.Element:
    assert isinstance(svg, SafeString)
    return ET.fromstring(svg)  # noqa: S314 - our own markup


def texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{NS}text")]


def child(root: ET.Element, tag: str) -> ET.Element:
    found = root.find(f"{NS}{tag}")
    assert found is not None, f"no <{tag}>"
    return found


def desc(root: ET.Element) -> str:
    return child(root, "desc").text or ""


def assert_accessible(svg: str, chart_id: str) -> ET.Element:
    root = parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.attrib["viewBox"])
    assert root.get("font-family") == "sans-serif"
    title, description = root[0], root[1]
    assert title.tag == f"{NS}title" and title.get("id") == f"{chart_id}-title"
    assert description.tag == f"{NS}desc" and description.get("id") == f"{chart_id}-desc"
    assert (title.text or "").strip() and (description.text or "").strip()
    # Strict CSP: no inline style, no script, no external or internal references.
    lowered = svg.lower()
    for forbidden in ("style=", "<style", "<script", "href", "url(", "javascript:"):
        assert forbidden not in lowered, forbidden
    assert not re.search(r"\son[a-z]+=", lowered)  # no event handlers
    return root


def one_of_each() -> list[tuple[str, str]]:
    return [
        ("c", continuum_svg(chart_id="c", index=55.0, interval=(40.0, 70.0), band_label="Mixed")),
        ("n", continuum_svg(chart_id="n", index=None, interval=None, band_label=None)),
        ("b", components_svg(chart_id="b", components=[("Aims", 0.5), ("X", None)], title="T")),
        ("t", trend_svg(chart_id="t", series=[("R1", 30.0), ("R2", None)], title="T")),
        ("s", strip_svg(chart_id="s", points=[("P", 50.0)], title="T")),
    ]


@pytest.mark.parametrize("index", range(5))
def test_every_chart_is_accessible_and_csp_safe(index):
    chart_id, svg = one_of_each()[index]
    assert_accessible(svg, chart_id)


def test_chart_id_must_be_a_valid_xml_id():
    for bad in ("", "1abc", "a b", 'a"b', "a<b"):
        with pytest.raises(ValueError):
            continuum_svg(chart_id=bad, index=50.0, interval=None, band_label=None)


# --------------------------------------------------------------------------------------------
# Continuum


def marker_centre_x(root: ET.Element) -> float:
    (path,) = [p for p in root.iter(f"{NS}path") if p.get("fill") == ACCENT]
    match = re.match(r"M([\d.]+) ([\d.]+)", path.attrib["d"])
    assert match is not None
    assert float(match.group(2)) == INTERVAL_Y - charts.MARKER_SIZE
    return float(match.group(1))


def interval_line(root: ET.Element) -> tuple[float, float]:
    (group,) = [g for g in root.iter(f"{NS}g") if g.get("stroke") == ACCENT]
    horizontal = [line for line in group.iter(f"{NS}line") if line.get("y1") == line.get("y2")]
    (line,) = horizontal
    assert float(line.attrib["y1"]) == INTERVAL_Y
    return float(line.attrib["x1"]), float(line.attrib["x2"])


@pytest.mark.parametrize("index", [0.0, 12.5, 50.0, 62.4, 100.0])
def test_continuum_marker_sits_at_the_index(index):
    root = parse(continuum_svg(chart_id="c", index=index, interval=None, band_label=None))
    assert marker_centre_x(root) == pytest.approx(SCALE_LEFT + index / 100 * SCALE_WIDTH, abs=0.01)
    assert f"{index:.1f}" in texts(root)


def test_continuum_interval_line_ends_at_the_bounds():
    root = parse(
        continuum_svg(
            chart_id="c", index=62.4, interval=(55.1, 68.0), band_label="Largely connected"
        )
    )
    x1, x2 = interval_line(root)
    assert x1 == pytest.approx(SCALE_LEFT + 55.1 / 100 * SCALE_WIDTH, abs=0.01)
    assert x2 == pytest.approx(SCALE_LEFT + 68.0 / 100 * SCALE_WIDTH, abs=0.01)
    # End caps sit at both ends.
    caps = [
        line
        for line in root.iter(f"{NS}line")
        if line.get("x1") == line.get("x2") and line.get("y1") != line.get("y2")
    ]
    cap_xs = sorted(
        float(c.attrib["x1"])
        for c in caps
        if float(c.attrib["y1"]) < INTERVAL_Y < float(c.attrib["y2"]) and c.get("stroke") is None
    )
    assert cap_xs == pytest.approx([x1, x2], abs=0.01)
    text = desc(root)
    assert "62.4" in text and "55.1" in text and "68.0" in text
    assert "Largely connected" in text
    assert "more than one band" in text  # 55.1 is Mixed, 68.0 Largely connected


def test_continuum_interval_within_one_band_is_not_flagged():
    root = parse(continuum_svg(chart_id="c", index=85.0, interval=(81.0, 90.0), band_label=None))
    assert "Connected" in desc(root)
    assert "more than one band" not in desc(root)


def test_continuum_reversed_interval_is_drawn_left_to_right():
    root = parse(continuum_svg(chart_id="c", index=50.0, interval=(60.0, 45.0), band_label=None))
    x1, x2 = interval_line(root)
    assert x1 < x2


def test_continuum_shows_the_scale_bands_ticks_and_poles():
    root = parse(continuum_svg(chart_id="c", index=30.0, interval=None, band_label=None))
    words = " ".join(texts(root))
    for _code, label, _low, _high in BANDS:
        assert all(word in words for word in label.split())
    for tick in ("0", "20", "40", "60", "80", "100"):
        assert tick in texts(root)
    assert any(t.endswith("Disconnected") and t.startswith("\u2190") for t in texts(root))
    assert any(t.startswith("Connected") and t.endswith("\u2192") for t in texts(root))
    fills = {r.get("fill") for r in root.iter(f"{NS}rect")}
    assert {fill for fill, _ink in BAND_FILLS.values()} <= fills


def test_continuum_band_label_codes_and_default():
    by_code = parse(continuum_svg(chart_id="c", index=45.0, interval=None, band_label="mixed"))
    assert "band Mixed" in desc(by_code)
    derived = parse(continuum_svg(chart_id="c", index=20.0, interval=None, band_label=None))
    assert "band Largely disconnected" in desc(derived)  # a boundary belongs to the higher band


def test_continuum_without_index_says_insufficient_responses():
    root = parse(continuum_svg(chart_id="c", index=None, interval=(10.0, 20.0), band_label=None))
    assert "Insufficient responses" in texts(root)
    assert "Insufficient responses" in desc(root)
    assert not [p for p in root.iter(f"{NS}path") if p.get("fill") == ACCENT]
    assert not [g for g in root.iter(f"{NS}g") if g.get("stroke") == ACCENT]
    (message,) = [t for t in root.iter(f"{NS}text") if t.text == "Insufficient responses"]
    assert message.get("text-anchor") == "middle"
    assert float(message.attrib["x"]) == SCALE_LEFT + SCALE_WIDTH / 2


def test_continuum_nan_index_is_treated_as_missing():
    root = parse(continuum_svg(chart_id="c", index=float("nan"), interval=None, band_label=None))
    assert "Insufficient responses" in texts(root)


def test_continuum_escapes_a_free_text_band_label():
    svg = continuum_svg(chart_id="c", index=50.0, interval=None, band_label=NASTY)
    assert "<b>" not in svg
    assert "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;" in svg
    assert NASTY in desc(parse(svg))


# --------------------------------------------------------------------------------------------
# Components


def test_components_bars_values_and_axis():
    root = parse(
        components_svg(
            chart_id="b",
            components=[("Shared aims", 0.724), ("Outcome focus", 0.0), ("Awareness", 1.0)],
            title="Components",
        )
    )
    bars = [r for r in root.iter(f"{NS}rect") if r.get("fill") == BAR]
    assert [float(b.attrib["width"]) for b in bars] == pytest.approx(
        [0.724 * BAR_WIDTH, 0.0, BAR_WIDTH], abs=0.01
    )
    assert all(float(b.attrib["x"]) == BAR_LEFT for b in bars)
    values = texts(root)
    for expected in ("Shared aims", "0.72", "0.00", "1.00"):
        assert expected in values
    # The value sits just after the bar's end.
    (printed,) = [t for t in root.iter(f"{NS}text") if t.text == "0.72"]
    assert float(printed.attrib["x"]) > BAR_LEFT + 0.724 * BAR_WIDTH
    for tick in ("0", "0.25", "0.5", "0.75", "1"):
        assert tick in values
    assert "Shared aims 0.72" in desc(root) and "Awareness 1.00" in desc(root)
    assert child(root, "title").text == "Components"


def test_components_none_is_no_data():
    root = parse(components_svg(chart_id="b", components=[("Aims", None)], title="T"))
    assert "no data" in texts(root)
    assert "Aims no data" in desc(root)
    assert not [r for r in root.iter(f"{NS}rect") if r.get("fill") == BAR]


def test_components_escape_labels_and_title():
    svg = components_svg(chart_id="b", components=[(NASTY, 0.5)], title=NASTY)
    assert "<b>" not in svg
    root = parse(svg)
    assert NASTY in texts(root)
    assert child(root, "title").text == NASTY
    assert NASTY in desc(root)


def test_components_long_labels_wrap_onto_two_lines():
    label = "A component label that is much too long for the space to the left of the bars"
    root = parse(components_svg(chart_id="b", components=[(label, 0.5)], title="T"))
    lines = [t for t in texts(root) if t not in {"0", "0.25", "0.5", "0.75", "1", "0.50"}]
    assert len(lines) == 2
    assert lines[1].endswith("\u2026")


def test_components_empty_list():
    root = assert_accessible(components_svg(chart_id="b", components=[], title="T"), "b")
    assert "no components" in desc(root)


# --------------------------------------------------------------------------------------------
# Trend


def test_trend_points_line_and_labels():
    series = [("Autumn 2024", 35.2), ("Spring 2025", 48.9), ("Summer 2025", 61.0)]
    root = parse(trend_svg(chart_id="t", series=series, title="Trend"))
    circles = list(root.iter(f"{NS}circle"))
    assert len(circles) == 3
    slot = PLOT_WIDTH / 3
    for i, (circle, (_label, value)) in enumerate(zip(circles, series, strict=True)):
        assert float(circle.attrib["cx"]) == pytest.approx(PLOT_LEFT + slot * (i + 0.5), abs=0.01)
        assert float(circle.attrib["cy"]) == pytest.approx(
            PLOT_BOTTOM - value / 100 * PLOT_HEIGHT, abs=0.01
        )
    (line,) = [p for p in root.iter(f"{NS}path") if p.get("stroke") == BAR]
    assert line.attrib["d"].count("L") == 2
    values = texts(root)
    for expected in ("35.2", "48.9", "61.0", "Autumn 2024", "20", "40", "60", "80"):
        assert expected in values
    text = desc(root)
    assert "Autumn 2024: 35.2 (Largely disconnected)" in text
    assert "Summer 2025: 61.0 (Largely connected)" in text


def test_trend_none_is_a_gap():
    series = [("R1", 30.0), ("R2", 40.0), ("R3", None), ("R4", 50.0), ("R5", 55.0)]
    root = parse(trend_svg(chart_id="t", series=series, title="T"))
    assert len(list(root.iter(f"{NS}circle"))) == 4
    paths = [p.attrib["d"] for p in root.iter(f"{NS}path") if p.get("stroke") == BAR]
    assert len(paths) == 2
    assert all(d.count("L") == 1 for d in paths)
    assert "no data" in texts(root)
    assert "R3: no index" in desc(root)


def test_trend_isolated_point_between_gaps_is_not_joined():
    series = [("R1", None), ("R2", 40.0), ("R3", None)]
    root = parse(trend_svg(chart_id="t", series=series, title="T"))
    assert len(list(root.iter(f"{NS}circle"))) == 1
    assert not [p for p in root.iter(f"{NS}path") if p.get("stroke") == BAR]


def test_trend_single_point():
    root = parse(trend_svg(chart_id="t", series=[("Round 1", 45.0)], title="T"))
    (circle,) = root.iter(f"{NS}circle")
    assert float(circle.attrib["cx"]) == pytest.approx(PLOT_LEFT + PLOT_WIDTH / 2)
    assert not [p for p in root.iter(f"{NS}path") if p.get("stroke") == BAR]
    assert "45.0" in texts(root)


def test_trend_shortens_long_round_titles_and_escapes():
    long_title = "The summer 2025 baseline review round with the new instrument"
    root = parse(
        trend_svg(chart_id="t", series=[(long_title, 50.0)] * 6 + [(NASTY, 60.0)], title=NASTY)
    )
    labels = texts(root)
    assert long_title not in labels
    assert any(t.startswith("The s") and t.endswith("\u2026") for t in labels)
    assert long_title in desc(root)  # the full title is still stated in words
    assert NASTY in desc(root)
    assert child(root, "title").text == NASTY


def test_trend_band_boundaries_are_faint_lines_labelled_at_the_right():
    root = parse(trend_svg(chart_id="t", series=[], title="T"))
    for boundary in (20, 40, 60, 80):
        (label,) = [t for t in root.iter(f"{NS}text") if t.text == str(boundary)]
        assert float(label.attrib["x"]) > PLOT_LEFT + PLOT_WIDTH
        y = PLOT_BOTTOM - boundary / 100 * PLOT_HEIGHT
        assert [
            line
            for line in root.iter(f"{NS}line")
            if float(line.attrib["y1"]) == pytest.approx(y) == float(line.attrib["y2"])
        ]
    assert "no rounds" in desc(root)


# --------------------------------------------------------------------------------------------
# Strip


def dots(root: ET.Element) -> dict[str, tuple[float, float]]:
    return {
        child(c, "title").text or "": (float(c.attrib["cx"]), float(c.attrib["cy"]))
        for c in root.iter(f"{NS}circle")
    }


def test_strip_places_every_partnership_and_stacks_equal_values():
    points = [("Eastfield", 50.0), ("Riverside", 50.0), ("North", 12.3), ("South", 88.0)]
    root = parse(strip_svg(chart_id="s", points=points, title="Northshire"))
    placed = dots(root)
    assert set(placed) == {
        "Eastfield: 50.0 (Mixed)",
        "Riverside: 50.0 (Mixed)",
        "North: 12.3 (Disconnected)",
        "South: 88.0 (Connected)",
    }
    east, river = placed["Eastfield: 50.0 (Mixed)"], placed["Riverside: 50.0 (Mixed)"]
    assert east[0] == river[0] == pytest.approx(SCALE_LEFT + 0.5 * SCALE_WIDTH)
    assert east[1] != river[1]
    assert abs(east[1] - river[1]) >= 2 * charts.DOT_RADIUS
    assert placed["North: 12.3 (Disconnected)"][0] == pytest.approx(
        SCALE_LEFT + 0.123 * SCALE_WIDTH
    )
    assert desc(root).startswith("4 partnerships: 1 Disconnected, 2 Mixed, 1 Connected.")
    assert "Lowest 12.3, highest 88.0" in desc(root)


def test_strip_no_two_dots_overlap():
    points = [(f"P{i}", 50 + i * 0.3) for i in range(12)] + [("Q", 79.9), ("R", 80.0)]
    placed = list(dots(parse(strip_svg(chart_id="s", points=points, title="T"))).values())
    for i, (x1, y1) in enumerate(placed):
        for x2, y2 in placed[i + 1 :]:
            assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= 2 * charts.DOT_RADIUS


def test_strip_desc_counts_example():
    points = [("A", 45.0), ("B", 85.0), ("C", 100.0)]
    root = parse(strip_svg(chart_id="s", points=points, title="T"))
    assert desc(root).startswith("3 partnerships: 1 Mixed, 2 Connected.")
    one = parse(strip_svg(chart_id="s", points=[("A", 45.0)], title="T"))
    assert desc(one).startswith("1 partnership: 1 Mixed.")


def test_strip_escapes_partnership_names():
    svg = strip_svg(chart_id="s", points=[(NASTY, 50.0)], title=NASTY)
    assert "<b>" not in svg
    assert "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;" in svg
    root = parse(svg)
    assert f"{NASTY}: 50.0 (Mixed)" in dots(root)


def test_strip_empty():
    root = assert_accessible(strip_svg(chart_id="s", points=[], title="T"), "s")
    assert not list(root.iter(f"{NS}circle"))
    assert "No partnership" in desc(root)


# --------------------------------------------------------------------------------------------
# Heat levels


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "heat-none"),
        (float("nan"), "heat-none"),
        (0, "heat-0"),
        (0.0, "heat-0"),
        (0.19999, "heat-0"),
        (0.2, "heat-1"),
        (0.39999, "heat-1"),
        (0.4, "heat-2"),
        (0.6, "heat-3"),
        (0.79999, "heat-3"),
        (0.8, "heat-4"),
        (0.99, "heat-4"),
        (1.0, "heat-4"),
        (1, "heat-4"),
    ],
)
def test_heat_level(value, expected):
    assert heat_level(value) == expected


# --------------------------------------------------------------------------------------------
# Contrast


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_contrast_meets_aa():
    for colour in (TEXT, MUTED_TEXT, ACCENT):
        assert contrast(colour, "#ffffff") >= 4.5
    for fill, ink in BAND_FILLS.values():
        assert contrast(fill, ink) >= 4.5
    # Graphics (bars, marker, axis) need 3:1 against the white background.
    for colour in (BAR, ACCENT, AXIS):
        assert contrast(colour, "#ffffff") >= 3


def test_band_label_text_uses_the_ink_of_its_band():
    root = parse(continuum_svg(chart_id="c", index=None, interval=None, band_label=None))
    inks = {ink for _fill, ink in BAND_FILLS.values()}
    for element in root.iter(f"{NS}text"):
        if element.text in {"Disconnected", "Mixed", "Connected"}:
            assert element.get("fill") in inks
    # Every text colour used anywhere is one of the checked colours.
    used = {t.get("fill") for chart_id, svg in one_of_each() for t in parse(svg).iter(f"{NS}text")}
    assert used - {None} <= {TEXT, MUTED_TEXT, ACCENT} | inks


def test_band_shades_are_distinct_and_ordered_light_to_dark():
    shades = [_luminance(BAND_FILLS[code][0]) for code, _label, _low, _high in BANDS]
    assert shades == sorted(shades, reverse=True)
    assert len(set(shades)) == len(shades)


def test_band_labels_are_translated_at_render_time():
    with override("cy"):
        svg = continuum_svg(chart_id="c", index=50.0, interval=None, band_label=None)
    assert_accessible(svg, "c")
