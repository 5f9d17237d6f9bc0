"""The board scorecard and the authority pack are tagged, accessible PDFs (PDF/UA-1).

Read back with pypdf as an assistive technology would: the document is marked as tagged, has a
structure tree in reading order with headings, tables whose cells name their headers and figures
with a text alternative, states its language and shows its title instead of the file name.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field

import pypdf
from django.urls import reverse
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject

from reports.models import Export
from tests import factories
from tests.reports.test_pdf_exports import _scored


@dataclass
class Structure:
    tags: Counter[str] = field(default_factory=Counter)
    headings: list[str] = field(default_factory=list)  # in reading order: "/H1", "/H2", ...
    figure_alternatives: list[str] = field(default_factory=list)
    data_cells_without_headers: int = 0


def _dictionary(value) -> DictionaryObject:
    value = value.get_object()
    assert isinstance(value, DictionaryObject), value
    return value


def _structure(reader: pypdf.PdfReader) -> Structure:
    found = Structure()

    def walk(node) -> None:
        node = node.get_object()
        if not isinstance(node, DictionaryObject):
            return  # a marked-content id: text on a page
        tag = node.get("/S")
        if tag is not None:
            found.tags[tag] += 1
            if tag in {"/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}:
                found.headings.append(tag)
            if tag == "/Figure":
                found.figure_alternatives.append(str(node.get("/Alt", "")))
            if tag == "/TD" and not node.get("/A", {}).get("/Headers"):
                found.data_cells_without_headers += 1
        kids = node.get("/K")
        for kid in kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []:
            walk(kid)

    walk(reader.root_object["/StructTreeRoot"])
    return found


def _assert_tagged(content: bytes, *, title: str) -> Structure:
    reader = pypdf.PdfReader(io.BytesIO(content))
    catalog = reader.root_object
    assert "/StructTreeRoot" in catalog
    assert _dictionary(catalog["/MarkInfo"])["/Marked"] == BooleanObject(True)
    assert str(catalog["/Lang"]) == "en-gb"
    assert _dictionary(catalog["/ViewerPreferences"])["/DisplayDocTitle"] == BooleanObject(True)
    assert reader.metadata is not None and reader.metadata.title == title
    assert reader.xmp_metadata is not None
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfuaid:part="1"' in xmp  # declares PDF/UA-1
    structure = _structure(reader)
    # Headings start at one and never skip a level (a screen reader's outline of the document).
    levels = [int(h[2]) for h in structure.headings]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert structure.tags["/Table"] >= 3
    assert structure.tags["/TH"] > 0 and structure.tags["/Caption"] >= 3
    assert structure.data_cells_without_headers == 0
    return structure


def test_the_project_scorecard_pdf_is_tagged_with_its_title_language_and_structure(client, cast):
    _scored(cast, cast.project)
    client.force_login(cast.mo)
    response = client.get(reverse("reports:project_scorecard_pdf", args=[cast.project.pk]))
    structure = _assert_tagged(response.content, title="Scorecard: Back on Track")
    assert structure.headings.count("/H1") == 1
    assert structure.tags["/H2"] >= 5
    # Each chart is a figure whose alternative states the data in words, not just its name.
    alternatives = structure.figure_alternatives
    assert len(alternatives) == 2
    index, components = alternatives
    assert index.startswith("Connectedness index ")
    assert "on a scale from 0 (Disconnected) to 100 (Connected), in the band" in index
    assert components.startswith("Components of the connectedness index, scores from 0 to 1: ")
    assert "Shared aims 0." in components and "Information sharing 0." in components


def test_the_authority_pack_is_tagged_and_each_project_is_a_top_level_heading(
    client, cast, django_capture_on_commit_callbacks
):
    _scored(cast, cast.project)
    _scored(cast, factories.project(cast.partnership, "Summer Bridge"))
    client.force_login(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:authority_pack_request"))
    content = Export.objects.get().content
    assert content is not None
    structure = _assert_tagged(bytes(content), title="Partnership scorecards: Northshire")
    assert structure.headings.count("/H1") == 3  # the cover and each of the two projects
    assert len(structure.figure_alternatives) == 4
    assert all(len(alternative) > 40 for alternative in structure.figure_alternatives)


def test_a_chart_whose_description_does_not_repeat_its_title_gets_both(client, cast):
    factories.survey_round(cast.project)  # a round with no responses: no index to draw
    client.force_login(cast.mo)
    response = client.get(reverse("reports:project_scorecard_pdf", args=[cast.project.pk]))
    structure = _structure(pypdf.PdfReader(io.BytesIO(response.content)))
    assert structure.figure_alternatives[0].startswith(
        "Connectedness index. Insufficient responses: there are not enough responses"
    )
