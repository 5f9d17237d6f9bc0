"""Agencies, partnerships, memberships and projects through /api/v1/."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from partnerships.models import Agency, AuditEvent, Membership, Partnership, Project
from tests.api import client_for


@pytest.fixture
def api():
    return client_for


# --- Authentication --------------------------------------------------------------------------
def test_a_token_authenticates(api, cast):
    assert api(cast.alice).get("/api/v1/agencies/").status_code == 200


def test_a_wrong_token_is_refused(cast):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert client.get("/api/v1/agencies/").status_code in (401, 403)


def test_anonymous_is_refused(cast):
    assert APIClient().get("/api/v1/agencies/").status_code == 403


@pytest.mark.parametrize("who", ["priya", "sam"])
@pytest.mark.parametrize("url", ["/api/v1/agencies/", "/api/v1/partnerships/", "/api/v1/projects/"])
def test_partners_and_users_without_an_authority_get_403(api, cast, who, url):
    client = api(getattr(cast, who))
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "X"}, format="json").status_code == 403


# --- Agencies --------------------------------------------------------------------------------
def test_an_officer_lists_only_her_authoritys_agencies(api, cast):
    body = api(cast.alice).get("/api/v1/agencies/").json()
    assert body["count"] == 2  # paginated: count, next, previous, results
    assert {a["name"] for a in body["results"]} == {
        "Northshire Youth Service",
        "Northshire College",
    }


def test_agencies_filter_by_type_search_and_active(api, cast):
    client = api(cast.alice)
    names = lambda q: [a["name"] for a in client.get(f"/api/v1/agencies/?{q}").json()["results"]]  # noqa: E731
    assert names("agency_type=fe_college") == ["Northshire College"]
    assert names("search=youth") == ["Northshire Youth Service"]
    Agency.objects.filter(pk=cast.agency.pk).update(active=False)
    assert names("active=false") == ["Northshire Youth Service"]
    assert names("active=true") == ["Northshire College"]


def test_an_officer_creates_an_agency_through_the_service(api, cast):
    response = api(cast.alice).post(
        "/api/v1/agencies/",
        {"name": "Northshire Health", "agency_type": "health", "email": "h@example.org"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    agency = Agency.objects.get(pk=response.json()["id"])
    assert agency.authority == cast.authority
    assert AuditEvent.objects.filter(action="agency.created", object_id=str(agency.pk)).exists()


def test_a_duplicate_agency_name_is_a_400_with_field_errors(api, cast):
    response = api(cast.alice).post(
        "/api/v1/agencies/",
        {"name": "Northshire College", "agency_type": "fe_college"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()  # field errors, never a 500


def test_a_bad_agency_type_is_a_400_on_that_field(api, cast):
    response = api(cast.alice).post(
        "/api/v1/agencies/", {"name": "New", "agency_type": "bakery"}, format="json"
    )
    assert response.status_code == 400
    assert "agency_type" in response.json()


def test_an_officer_updates_and_archives_an_agency(api, cast):
    response = api(cast.alice).patch(
        f"/api/v1/agencies/{cast.agency.pk}/",
        {"phone": "01234 567890", "active": False},
        format="json",
    )
    assert response.status_code == 200, response.json()
    cast.agency.refresh_from_db()
    assert cast.agency.phone == "01234 567890" and cast.agency.active is False


def test_a_manager_reads_agencies_but_cannot_write(api, cast):
    client = api(cast.mo)
    assert client.get(f"/api/v1/agencies/{cast.agency.pk}/").status_code == 200
    assert client.post("/api/v1/agencies/", {"name": "X"}, format="json").status_code == 403
    patch = client.patch(f"/api/v1/agencies/{cast.agency.pk}/", {"phone": "1"}, format="json")
    assert patch.status_code == 403


CONTACT_FIELDS = {"contact_name", "email", "phone"}


@pytest.fixture
def contact(cast):
    Agency.objects.filter(pk=cast.agency.pk).update(
        contact_name="Rita Contact", email="rita@youth.example.org", phone="01234 567890"
    )


@pytest.mark.parametrize("whole_authority", [False, True])
def test_a_manager_reads_agencies_without_their_contact_data(api, cast, contact, whole_authority):
    """The attack: a manager harvests every agency's contact from the list and the detail."""
    cast.mo.sees_whole_authority = whole_authority
    cast.mo.save()
    client = api(cast.mo)
    listed = client.get("/api/v1/agencies/").json()["results"]
    assert {a["name"] for a in listed} == {"Northshire College", "Northshire Youth Service"}
    for agency in listed:
        assert not CONTACT_FIELDS & agency.keys(), agency
    detail = client.get(f"/api/v1/agencies/{cast.agency.pk}/")
    assert detail.status_code == 200
    assert not CONTACT_FIELDS & detail.json().keys()
    body = detail.content.decode()
    assert "Rita" not in body and "rita@" not in body and "567890" not in body
    # Nor can the search tell who the contact is, letter by letter.
    assert client.get("/api/v1/agencies/?search=Rita").json()["count"] == 0
    assert client.get("/api/v1/agencies/?search=Youth").json()["count"] == 1


def test_an_officer_reads_agencies_with_their_contact_data(api, cast, contact):
    client = api(cast.alice)
    listed = {a["name"]: a for a in client.get("/api/v1/agencies/").json()["results"]}
    youth = listed["Northshire Youth Service"]
    assert youth["contact_name"] == "Rita Contact"
    assert youth["email"] == "rita@youth.example.org"
    assert youth["phone"] == "01234 567890"
    detail = client.get(f"/api/v1/agencies/{cast.agency.pk}/").json()
    assert detail.keys() >= CONTACT_FIELDS and detail["email"] == "rita@youth.example.org"
    assert client.get("/api/v1/agencies/?search=Rita").json()["count"] == 1


def test_the_schema_says_the_contact_fields_are_for_officers_only(api, cast):
    schema = api(cast.alice).get("/api/schema/?format=json")
    agency = schema.json()["components"]["schemas"]["Agency"]
    for name in CONTACT_FIELDS:
        assert name not in agency.get("required", [])
        assert "Officers only" in agency["properties"][name]["description"]


def test_another_authoritys_agency_is_404(api, cast):
    client = api(cast.alice)
    url = f"/api/v1/agencies/{cast.other_agency.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"phone": "1"}, format="json").status_code == 404


# --- Partnerships ----------------------------------------------------------------------------
def test_partnerships_are_listed_with_filters(api, cast):
    client = api(cast.alice)
    body = client.get("/api/v1/partnerships/").json()
    assert {p["name"] for p in body["results"]} == {
        "Eastfield New Start",
        "Riverside Safer Streets",
    }
    filtered = client.get("/api/v1/partnerships/?programme=new start&level=operational").json()
    assert [p["name"] for p in filtered["results"]] == ["Eastfield New Start"]
    assert filtered["results"][0]["n_agencies"] == 2


def test_a_manager_sees_only_assigned_partnerships(api, cast):
    client = api(cast.mo)
    names = [p["name"] for p in client.get("/api/v1/partnerships/").json()["results"]]
    assert names == ["Eastfield New Start"]
    assert client.get(f"/api/v1/partnerships/{cast.unassigned_partnership.pk}/").status_code == 404


def test_an_officer_registers_a_partnership(api, cast):
    response = api(cast.alice).post(
        "/api/v1/partnerships/",
        {"name": "Westfield", "level": "strategic", "programme": "Connexions"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    partnership = Partnership.objects.get(pk=response.json()["id"])
    assert partnership.created_by == cast.alice and partnership.authority == cast.authority


def test_a_partnership_without_a_level_is_a_400(api, cast):
    response = api(cast.alice).post("/api/v1/partnerships/", {"name": "W"}, format="json")
    assert response.status_code == 400 and "level" in response.json()


def test_an_edit_needs_the_current_version(api, cast):
    client = api(cast.alice)
    url = f"/api/v1/partnerships/{cast.partnership.pk}/"
    assert client.patch(url, {"description": "x"}, format="json").status_code == 400
    ok = client.patch(url, {"description": "New text", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    # An edit based on version 1 would overwrite the change above: refused, not applied.
    stale = client.patch(url, {"description": "Old", "version": 1}, format="json")
    assert stale.status_code == 409
    cast.partnership.refresh_from_db()
    assert cast.partnership.description == "New text"


def test_another_authoritys_partnership_is_404(api, cast):
    client = api(cast.alice)
    url = f"/api/v1/partnerships/{cast.other_partnership.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"version": 1}, format="json").status_code == 404
    assert client.get(f"{url}memberships/").status_code == 404


def test_a_manager_cannot_register_a_partnership(api, cast):
    body = {"name": "W", "level": "strategic"}
    assert api(cast.mo).post("/api/v1/partnerships/", body, format="json").status_code == 403


# --- Memberships -----------------------------------------------------------------------------
def test_memberships_are_listed_for_readers(api, cast):
    url = f"/api/v1/partnerships/{cast.partnership.pk}/memberships/"
    body = api(cast.mo).get(url).json()
    assert {m["agency_name"] for m in body["results"]} == {
        "Northshire Youth Service",
        "Northshire College",
    }


def test_an_officer_adds_an_agency_to_a_partnership(api, cast):
    url = f"/api/v1/partnerships/{cast.unassigned_partnership.pk}/memberships/"
    response = api(cast.alice).post(url, {"agency": cast.agency.pk, "role": "lead"}, format="json")
    assert response.status_code == 201, response.json()
    assert Membership.objects.filter(
        partnership=cast.unassigned_partnership, agency=cast.agency, role="lead"
    ).exists()


def test_adding_an_agency_twice_is_a_400(api, cast):
    url = f"/api/v1/partnerships/{cast.partnership.pk}/memberships/"
    response = api(cast.alice).post(url, {"agency": cast.agency.pk}, format="json")
    assert response.status_code == 400


def test_another_authoritys_agency_cannot_join(api, cast):
    url = f"/api/v1/partnerships/{cast.partnership.pk}/memberships/"
    response = api(cast.alice).post(url, {"agency": cast.other_agency.pk}, format="json")
    assert response.status_code == 400 and "agency" in response.json()


def test_a_manager_cannot_add_members(api, cast):
    url = f"/api/v1/partnerships/{cast.partnership.pk}/memberships/"
    assert api(cast.mo).post(url, {"agency": cast.agency.pk}, format="json").status_code == 403


# --- Projects --------------------------------------------------------------------------------
def test_projects_are_listed_and_filtered(api, cast):
    client = api(cast.alice)
    body = client.get(f"/api/v1/projects/?partnership={cast.partnership.pk}").json()
    assert [p["name"] for p in body["results"]] == ["Back on Track"]
    assert (
        client.get(f"/api/v1/projects/?partnership={cast.other_partnership.pk}").json()["count"]
        == 0
    )


def test_an_officer_creates_and_edits_a_project(api, cast):
    client = api(cast.alice)
    response = client.post(
        "/api/v1/projects/",
        {"partnership": cast.partnership.pk, "name": "Summer Start", "target_group": "14-16"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    edit = client.patch(f"/api/v1/projects/{pk}/", {"description": "Holiday"}, format="json")
    assert edit.status_code == 200
    assert Project.objects.get(pk=pk).description == "Holiday"


def test_a_project_in_another_authoritys_partnership_is_a_400(api, cast):
    response = api(cast.alice).post(
        "/api/v1/projects/",
        {"partnership": cast.other_partnership.pk, "name": "Sneaky"},
        format="json",
    )
    assert response.status_code == 400 and "partnership" in response.json()


def test_another_authoritys_project_is_404(api, cast):
    assert api(cast.alice).get(f"/api/v1/projects/{cast.other_project.pk}/").status_code == 404


def test_a_manager_cannot_create_a_project(api, cast):
    body = {"partnership": cast.partnership.pk, "name": "X"}
    assert api(cast.mo).post("/api/v1/projects/", body, format="json").status_code == 403


def test_a_non_numeric_id_is_404(api, cast):
    assert api(cast.alice).get("/api/v1/projects/abc/").status_code == 404
