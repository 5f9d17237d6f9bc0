"""The working-relationships map: the SVG, the dashboard's section, the PDF and the trend."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pypdf
import pytest
from django.urls import reverse

from reports.network_map import line_style, network_matrix, network_mismatches, network_svg
from reports.services import round_score
from tests import factories
from tests.reports.test_network_api import answered_round

SVG = "{http://www.w3.org/2000/svg}"


# Four agencies by hand: A-B at 4.5 (thick, solid), A-C at 3 (dashed), B-C at 2 (dotted),
# A-D at 1 and B-D at 0 (no line: D is isolated); A and C disagree (4 against 2).
def node(agency_id: int, name: str, degree: int, isolated: bool = False) -> dict:
    return {
        "agency_id": agency_id,
        "name": name,
        "degree": degree,
        "normalised_degree": round(degree / 3, 4),
        "isolated": isolated,
    }


NETWORK = {
    "status": "ok",
    "nodes": [
        node(1, "Alpha", 2),
        node(2, "Beta", 2),
        node(3, "Gamma", 2),
        node(4, "Delta", 0, isolated=True),
    ],
    "pairs": [
        {"a": 1, "b": 2, "r_ab": 5.0, "r_ba": 4.0, "level": 4.5, "mismatch": False},
        {"a": 1, "b": 3, "r_ab": 4.0, "r_ba": 2.0, "level": 3.0, "mismatch": True},
        {"a": 2, "b": 3, "r_ab": 2.0, "r_ba": None, "level": 2.0, "mismatch": False},
        {"a": 1, "b": 4, "r_ab": 1.0, "r_ba": 1.0, "level": 1.0, "mismatch": False},
        {"a": 2, "b": 4, "r_ab": 0.0, "r_ba": None, "level": 0.0, "mismatch": False},
    ],
    "density": 0.6,
    "mean_level": 2.1,
    "centralization": 0.3333,
    "n_nodes": 4,
    "n_raters": 4,
}  # fmt: skip


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314  # markup this code just made


def test_lines_show_the_level_by_thickness_and_dashes_and_only_from_cooperation():
    root = parsed(network_svg(chart_id="net", network=NETWORK, title="Map"))
    # A line's style is its own or its group's (the lines of one style share a group).
    styles = {
        ln.find(f"{SVG}title").text.split(":")[0]: (  # type: ignore[union-attr]
            ln.attrib.get("stroke-width", group.attrib["stroke-width"]),
            ln.attrib.get("stroke-dasharray", group.attrib.get("stroke-dasharray", "solid")),
        )
        for group in root.iter(f"{SVG}g")
        for ln in group.iter(f"{SVG}line")
        if ln.find(f"{SVG}title") is not None
    }
    assert styles == {
        "Alpha and Beta": ("5", "solid"),
        "Alpha and Gamma": ("3", "8 4"),
        "Beta and Gamma": ("1.5", "2 3"),
    }
    assert line_style(1.99) is None and line_style(2.0) == (1.5, "2 3")


def test_the_isolated_agency_is_a_square_and_every_agency_links_to_its_matrix_row():
    root = parsed(network_svg(chart_id="net", network=NETWORK, title="Map"))
    links = {a.attrib["href"]: a for a in root.iter(f"{SVG}a")}
    assert set(links) == {f"#network-row-{n}" for n in (1, 2, 3, 4)}
    delta = links["#network-row-4"]
    assert delta.find(f"{SVG}rect") is not None and delta.find(f"{SVG}circle") is None
    assert "(isolated)" in delta.find(f"{SVG}title").text  # type: ignore[operator,union-attr]
    assert links["#network-row-1"].find(f"{SVG}circle") is not None


def test_the_map_has_a_text_alternative_and_no_style_attributes():
    svg = str(network_svg(chart_id="net", network=NETWORK, title="Map"))
    root = parsed(svg)
    assert root.attrib["aria-labelledby"] == "net-title net-desc"
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text == (
        "4 agencies, 3 pairs working together at cooperation or more, of 5 rated pairs. "
        "Isolated: Delta."
    )
    assert "style" not in svg and "<script" not in svg


def test_the_matrix_is_symmetric_and_mismatches_read_as_discussion_points():
    rows = {row.name: row for row in network_matrix(NETWORK)}
    assert [row.name for row in network_matrix(NETWORK)] == ["Alpha", "Beta", "Delta", "Gamma"]
    assert rows["Alpha"].cells == [("self", None), ("rated", 4.5), ("rated", 1.0), ("rated", 3.0)]
    assert rows["Delta"].cells[1] == ("rated", 0.0) and rows["Gamma"].cells[2] == ("unrated", None)
    assert network_mismatches(NETWORK) == [
        "Alpha rates its work with Gamma at 4.0 (Coalition); Gamma rates it at 2.0 (Cooperation)."
    ]


@pytest.fixture
def members(cast):
    school = factories.agency(cast.authority, "Riverside Academy", agency_type="school")
    factories.membership(cast.partnership, school)
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    return cast.agency, college, school


def test_the_dashboard_shows_the_map_its_table_and_its_figures(client, cast, members):
    _youth, _college, school = members
    rnd = answered_round(cast, members)
    round_score(round_id=rnd.pk)
    client.force_login(cast.mo)
    page = client.get(reverse("reports:project_dashboard", args=[cast.project.pk]))
    text = page.content.decode()
    assert "Who works with whom" in text
    assert f'<tr id="network-row-{school.pk}">' in text
    assert f'href="#network-row-{school.pk}"' in text
    assert "Density 0.33" in text and "Mean level 1.3 out of 5" in text
    assert "Centralization 0.50" in text
    assert (
        "Northshire College rates its work with Northshire Youth Service at 1.0 (Networking); "
        "Northshire Youth Service rates it at 4.0 (Coalition)."
        in text
        or "Northshire Youth Service rates its work with Northshire College at 4.0 (Coalition); "
        "Northshire College rates it at 1.0 (Networking)."
        in text
    )


def test_the_trend_table_gains_density_and_mean_level(client, cast, members):
    first = answered_round(cast, members, title="First")
    round_score(round_id=first.pk)
    second = answered_round(cast, members, title="Second")
    round_score(round_id=second.pk)
    client.force_login(cast.alice)
    text = client.get(reverse("reports:project_dashboard", args=[cast.project.pk])).content
    text = text.decode()
    assert "Network density" in text and "Mean relationship level" in text
    assert text.count("<td>0.33</td><td>1.3</td>") == 2


def test_a_version_one_round_has_no_network_section(client, cast, members):
    youth, college, _school = members
    rnd = factories.survey_round(cast.project)
    factories.submitted_response(rnd, youth)
    factories.submitted_response(rnd, college)
    round_score(round_id=rnd.pk)
    client.force_login(cast.alice)
    text = client.get(reverse("reports:project_dashboard", args=[cast.project.pk])).content
    assert b"Who works with whom" not in text


def test_the_pdf_has_the_network_section(client, cast, members):
    rnd = answered_round(cast, members)
    round_score(round_id=rnd.pk)
    client.force_login(cast.alice)
    response = client.get(reverse("reports:project_scorecard_pdf", args=[cast.project.pk]))
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Who works with whom" in text
    assert "Density 0.33" in text
