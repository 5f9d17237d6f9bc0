"""Ids in the query string and body of the report pages: a round of another project or another
authority, an export asked for on another authority's behalf. URL ids are in
tests/test_permissions.py.
"""

from __future__ import annotations

import io

import pypdf
import pytest
from django.urls import reverse

from reports.models import Export
from reports.services import round_score
from tests import factories
from tests.unchanged import nothing_written


def scored_round(project):
    rnd = factories.survey_round(project)
    factories.submitted_response(rnd, project.partnership.memberships.first().agency)
    round_score(round_id=rnd.pk)
    return rnd


@pytest.fixture
def rounds(cast):
    """A scored round of Alice's project, of another Northshire project, and of Southshire's."""
    other_north = factories.project(cast.unassigned_partnership, "Riverside Youth")
    factories.membership(cast.unassigned_partnership, cast.agency)
    return {
        "own": scored_round(cast.project),
        "other_project": scored_round(other_north),
        "other_authority": scored_round(cast.other_project),
    }


@pytest.mark.parametrize("url_name", ["project_dashboard", "project_scorecard_pdf"])
@pytest.mark.parametrize("which", ["other_project", "other_authority"])
def test_a_project_page_shows_no_round_of_another_project(client, cast, rounds, url_name, which):
    client.force_login(cast.alice)
    url = reverse(f"reports:{url_name}", args=[cast.project.pk])
    assert client.get(url, {"round": rounds["own"].pk}).status_code == 200
    assert client.get(url, {"round": rounds[which].pk}).status_code == 404


def test_a_manager_sees_no_round_of_a_partnership_they_do_not_manage(client, cast, rounds):
    client.force_login(cast.mo)
    url = reverse("reports:project_dashboard", args=[cast.project.pk])
    assert client.get(url, {"round": rounds["other_project"].pk}).status_code == 404


@pytest.mark.parametrize("who", ["alice", "mo"])
def test_exports_of_another_authoritys_round_and_project_are_not_found(client, cast, rounds, who):
    client.force_login(getattr(cast, who))
    csv = reverse("reports:round_responses_csv", args=[rounds["other_authority"].pk])
    scores = reverse("reports:project_scores_csv", args=[cast.other_project.pk])
    assert (client.get(csv).status_code, client.get(scores).status_code) == (404, 404)


def test_an_authority_pack_is_always_the_requesters_own(
    client, cast, rounds, django_capture_on_commit_callbacks
):
    client.force_login(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:authority_pack_request"),
            {"authority": cast.other_authority.pk, "kind": "other", "requested_by": cast.oscar.pk},
        )
    assert response.status_code == 302
    export = Export.objects.get()
    assert (export.requested_by, export.kind) == (cast.alice, "authority_pack")
    assert export.filename.startswith(cast.authority.slug)
    assert export.content is not None
    pdf = pypdf.PdfReader(io.BytesIO(bytes(export.content)))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Back on Track" in text and "Southshire" not in text


def test_a_manager_cannot_read_an_export_someone_else_asked_for(client, cast):
    export = Export.objects.create(requested_by=cast.alice, kind="authority_pack", status="done")
    client.force_login(cast.mo)
    with nothing_written():
        answers = [
            client.get(reverse(f"reports:{name}", args=[export.pk])).status_code
            for name in ("export_detail", "export_status", "export_download")
        ]
    assert answers == [404, 404, 404]


def test_the_overview_cannot_be_filtered_by_another_authoritys_programme(client, cast, rounds):
    cast.partnership.programme = "New Start"
    cast.partnership.save()
    cast.other_partnership.programme = "Southern Lights"
    cast.other_partnership.save()
    client.force_login(cast.alice)
    response = client.get(reverse("reports:authority_overview"), {"programme": "Southern Lights"})
    assert "programme" in response.context["filter_form"].errors
    names = {row.name for row in response.context["rows"]}
    assert "Southshire Board" not in names and "Eastfield New Start" in names


@pytest.mark.parametrize("who", ["alice", "oscar"])
def test_another_authoritys_dashboard_is_not_found_for_a_reader_of_a_whole_authority(
    client, cast, rounds, who
):
    """Officers read the project with its rounds in one hand-written statement: it must check
    the authority as the tenancy selector does."""
    client.force_login(getattr(cast, who))
    own, other = (cast.project, cast.other_project)
    if who == "oscar":
        own, other = other, own
    assert client.get(reverse("reports:project_dashboard", args=[own.pk])).status_code == 200
    assert client.get(reverse("reports:project_dashboard", args=[other.pk])).status_code == 404
