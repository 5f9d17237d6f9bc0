"""The PDF scorecard for a board meeting, and the authority pack built by a task."""

from __future__ import annotations

import io

import pypdf
from django.urls import reverse

from reports.models import Export
from reports.services import round_score
from tests import factories


def _text(content: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def _scored(cast, project):
    rnd = factories.survey_round(project)
    factories.submitted_response(rnd, cast.agency)
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    factories.submitted_response(rnd, college)
    round_score(round_id=rnd.pk)
    return rnd


def test_a_project_scorecard_pdf_has_the_dashboards_sections(client, cast):
    cast.project.name = '<b>Back & "Track"</b>'
    cast.project.save()
    _scored(cast, cast.project)
    client.force_login(cast.mo)
    response = client.get(reverse("reports:project_scorecard_pdf", args=[cast.project.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pages, text = _text(response.content)
    assert pages >= 2
    for heading in (
        "Where the partnership stands",
        "What the index is made of",
        "Agencies by dimension",
        "Discussion points",
        # Answers of 4 place it Largely connected: told what keeps it strong (issue 15).
        "What keeps the partnership strong",
        "How far agencies agree within each dimension",
    ):
        assert heading in text
    # Free text is printed as text, never interpreted as markup.
    assert '<b>Back & "Track"</b>' in text


def test_the_authority_pack_is_built_by_a_task_with_progress(
    client, cast, django_capture_on_commit_callbacks
):
    _scored(cast, cast.project)
    second = factories.project(cast.partnership, "Summer Bridge")
    _scored(cast, second)
    factories.project(cast.partnership, "No rounds yet")  # not in the pack
    client.force_login(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:authority_pack_request"))
    export = Export.objects.get()
    assert response["Location"] == reverse("reports:export_detail", args=[export.pk])
    status = client.get(reverse("reports:export_status", args=[export.pk])).json()
    assert status["status"] == "done"
    assert (status["progress"], status["total"]) == (2, 2)
    page = client.get(reverse("reports:export_detail", args=[export.pk])).content.decode()
    assert "Download the PDF" in page and "2 of 2 projects" in page
    download = client.get(status["download_url"])
    pages, text = _text(download.content)
    assert "Partnership scorecards: Northshire" in text
    assert "Back on Track" in text and "Summer Bridge" in text
    assert "No rounds yet" not in text
    assert pages >= 5  # a cover page shared with the first project, then a new page each


def test_an_export_is_only_for_the_person_who_asked(client, cast):
    export = Export.objects.create(
        requested_by=cast.alice,
        authority=cast.authority,
        kind="authority_pack",
        status="done",
        content=b"%PDF-",
        content_type="application/pdf",
        filename="x.pdf",
    )
    for user in (cast.bob, cast.mo, cast.oscar):
        client.force_login(user)
        assert client.get(reverse("reports:export_download", args=[export.pk])).status_code == 404


def test_an_unfinished_export_cannot_be_downloaded(client, cast):
    export = Export.objects.create(
        requested_by=cast.alice, authority=cast.authority, kind="authority_pack"
    )
    client.force_login(cast.alice)
    assert client.get(reverse("reports:export_download", args=[export.pk])).status_code == 404
    assert (
        client.get(reverse("reports:export_status", args=[export.pk])).json()["download_url"]
        is None
    )


def test_the_pack_only_holds_what_the_requester_may_see(
    client, cast, django_capture_on_commit_callbacks
):
    _scored(cast, cast.project)
    south_round = factories.survey_round(cast.other_project)
    factories.submitted_response(south_round, cast.other_agency)
    client.force_login(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:authority_pack_request"))
    content = Export.objects.get().content
    assert content is not None
    _pages, text = _text(bytes(content))
    assert "Southshire" not in text
