"""Readers' pages, charts' text alternatives and tables, the PDFs and the CSV headers follow the
reader's language; a bilingual questionnaire's own texts (component labels, question texts,
guidance) come in Welsh too."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.urls import reverse

from reports.instrument_loader import instrument_load_all
from reports.models import Export
from reports.services import round_score
from tests import factories


@pytest.fixture
def scored(cast):
    instruments = {i.version: i for i, _outcome in instrument_load_all()}
    rnd = factories.survey_round(cast.project, instruments[2], title="Spring review")
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    factories.submitted_response(rnd, cast.agency, likert=4)
    factories.submitted_response(rnd, college, likert=2)
    round_score(round_id=rnd.pk)
    return rnd


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_a_welsh_reader_gets_the_dashboard_in_welsh(client, cast, scored):
    cast.mo.language = "cy"
    cast.mo.save()
    client.force_login(cast.mo)
    page = client.get(reverse("reports:project_dashboard", args=[cast.project.pk]))
    body = page.content.decode()
    assert '<html lang="cy">' in body
    assert "Ble mae&#x27;r bartneriaeth yn sefyll" in body or "Ble mae'r bartneriaeth" in body
    # The questionnaire's own texts: component labels in the table and the chart.
    assert "Nodau cyffredin" in body and "Shared aims" not in body
    # The chart's text alternative and the data table's caption are Welsh.
    assert "sgorau o 0 i 1" in body
    assert "Cydrannau&#x27;r mynegai, 0 i 1" in body or "Cydrannau'r mynegai, 0 i 1" in body
    # And the English reader, on the same data, reads English (the cached fragment is not
    # shared between languages).
    client.force_login(cast.alice)
    english = client.get(reverse("reports:project_dashboard", args=[cast.project.pk]))
    assert "Shared aims" in english.content.decode()
    assert "Nodau cyffredin" not in english.content.decode()


def test_the_board_pdf_is_in_the_readers_language(client, cast, scored):
    client.force_login(cast.mo)
    url = reverse("reports:project_scorecard_pdf", args=[cast.project.pk])
    text = _pdf_text(client.get(url, HTTP_ACCEPT_LANGUAGE="cy").content)
    assert "Ble mae'r bartneriaeth yn sefyll" in text
    assert "Where the partnership stands" not in text
    assert "Where the partnership stands" in _pdf_text(client.get(url).content)


def test_the_authority_pack_is_written_in_the_language_it_was_asked_for_in(
    client, cast, scored, django_capture_on_commit_callbacks
):
    client.force_login(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:authority_pack_request"), HTTP_ACCEPT_LANGUAGE="cy")
    export = Export.objects.get()
    assert export.language == "cy"
    text = _pdf_text(bytes(export.content or b""))
    assert "Cardiau sgorio partneriaethau: Northshire" in text


def test_csv_headers_follow_the_readers_language(client, cast, scored):
    client.force_login(cast.alice)
    scores = reverse("reports:project_scores_csv", args=[cast.project.pk])
    welsh = b"".join(client.get(scores, HTTP_ACCEPT_LANGUAGE="cy").streaming_content).decode()
    english = b"".join(client.get(scores).streaming_content).decode()
    welsh_header, english_header = welsh.splitlines()[0], english.splitlines()[0]
    assert welsh_header.startswith("cylch,yn_agor,yn_cau,statws,mynegai,band")
    assert english_header.startswith("round,opens_on,closes_on,status,index,band")
    # Codes are identifiers: the same columns in the same places in both languages.
    assert welsh_header.split(",")[9:12] == english_header.split(",")[9:12]
    rows = reverse("reports:round_responses_csv", args=[scored.pk])
    raw = b"".join(client.get(rows, HTTP_ACCEPT_LANGUAGE="cy").streaming_content).decode()
    assert re.match(r"ymateb,asiantaeth,cyflwynwyd_am,rhoddwyd_ar_bapur,position,aims_1", raw)
