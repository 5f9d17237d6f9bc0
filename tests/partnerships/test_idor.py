"""Ids in request bodies: a signed-in user names something of another authority, or something
they may not touch. URL ids are the permission table's job (tests/test_permissions.py).

Each refused request is checked twice: the answer (a field error, 400, 403) and the database,
which must be exactly as it was (tests/unchanged.py). Where a form or serializer has no such
field, the id is ignored: the test shows the record stayed where it was.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.models import Agency, Membership, Partnership, Project
from tests import factories
from tests.api import client_for
from tests.unchanged import nothing_written


@pytest.fixture
def police(cast):
    """An agency of Alice's authority that is in no partnership yet."""
    return factories.agency(cast.authority, "Northshire Police", agency_type="police")


# --- Pages: memberships ----------------------------------------------------------------------
def test_the_add_member_page_refuses_another_authoritys_agency(client, cast):
    client.force_login(cast.alice)
    with nothing_written():
        response = client.post(
            reverse("partnerships:membership_add", args=[cast.partnership.pk]),
            {"agency": cast.other_agency.pk, "role": "partner"},
        )
    assert response.status_code == 200
    assert "agency" in response.context["form"].errors


def test_the_add_member_page_refuses_an_agency_id_that_does_not_exist(client, cast):
    client.force_login(cast.alice)
    with nothing_written():
        response = client.post(
            reverse("partnerships:membership_add", args=[cast.partnership.pk]),
            {"agency": 999_999, "role": "partner"},
        )
    assert "agency" in response.context["form"].errors


def test_the_add_member_page_refuses_an_archived_agency(client, cast, police):
    Agency.objects.filter(pk=police.pk).update(active=False)
    client.force_login(cast.alice)
    with nothing_written():
        response = client.post(
            reverse("partnerships:membership_add", args=[cast.partnership.pk]),
            {"agency": police.pk, "role": "partner"},
        )
    assert "agency" in response.context["form"].errors


@pytest.mark.parametrize("who", ["mo", "priya"])
def test_managers_and_partners_cannot_add_members_even_with_valid_ids(client, cast, police, who):
    client.force_login(getattr(cast, who))
    with nothing_written():
        response = client.post(
            reverse("partnerships:membership_add", args=[cast.partnership.pk]),
            {"agency": police.pk, "role": "partner"},
        )
    assert response.status_code == 403


def test_editing_a_membership_cannot_move_it_to_another_agency_or_partnership(client, cast):
    membership = cast.partnership.memberships.get(agency=cast.agency)
    client.force_login(cast.alice)
    client.post(
        reverse("partnerships:membership_edit", args=[membership.pk]),
        {
            "role": "partner",
            "agency": cast.other_agency.pk,
            "partnership": cast.other_partnership.pk,
        },
    )
    membership.refresh_from_db()
    assert membership.role == "partner"  # the fields the form has were saved...
    assert (membership.agency_id, membership.partnership_id) == (
        cast.agency.pk,
        cast.partnership.pk,
    )  # ...and the ids it does not have were ignored
    assert not Membership.objects.filter(partnership=cast.other_partnership, agency=cast.agency)


# --- Pages: projects, partnerships, agencies --------------------------------------------------
def test_a_new_project_stays_in_the_partnership_of_the_url(client, cast):
    client.force_login(cast.alice)
    client.post(
        reverse("partnerships:project_create", args=[cast.partnership.pk]),
        {"name": "Summer Start", "partnership": cast.other_partnership.pk},
    )
    assert Project.objects.get(name="Summer Start").partnership == cast.partnership
    assert not cast.other_partnership.projects.filter(name="Summer Start").exists()


def test_editing_a_project_cannot_move_it_to_another_authoritys_partnership(client, cast):
    client.force_login(cast.alice)
    client.post(
        reverse("partnerships:project_edit", args=[cast.project.pk]),
        {"name": "Back on Track", "partnership": cast.other_partnership.pk},
    )
    cast.project.refresh_from_db()
    assert cast.project.partnership == cast.partnership


def test_editing_a_partnership_cannot_move_it_to_another_authority(client, cast):
    client.force_login(cast.alice)
    client.post(
        reverse("partnerships:partnership_edit", args=[cast.partnership.pk]),
        {
            "name": "Eastfield New Start",
            "level": "operational",
            "version": cast.partnership.version,
            "authority": cast.other_authority.pk,
        },
    )
    cast.partnership.refresh_from_db()
    assert cast.partnership.authority == cast.authority


def test_a_new_partnership_belongs_to_the_officers_authority_whatever_the_body_says(client, cast):
    client.force_login(cast.alice)
    client.post(
        reverse("partnerships:partnership_create"),
        {"name": "Westfield", "level": "strategic", "authority": cast.other_authority.pk},
    )
    assert Partnership.objects.get(name="Westfield").authority == cast.authority


def test_agencies_stay_in_the_officers_authority_on_create_and_edit(client, cast):
    south = cast.other_authority.pk
    client.force_login(cast.alice)
    client.post(
        reverse("partnerships:agency_create"),
        {"name": "Northshire Health", "agency_type": "health", "authority": south},
    )
    client.post(
        reverse("partnerships:agency_edit", args=[cast.agency.pk]),
        {
            "name": "Northshire Youth Service",
            "agency_type": "youth_service",
            "authority": south,
        },
    )
    assert Agency.objects.get(name="Northshire Health").authority == cast.authority
    cast.agency.refresh_from_db()
    assert cast.agency.authority == cast.authority
    assert not cast.other_authority.agencies.filter(name__startswith="Northshire").exists()


def test_an_authority_column_in_an_agency_import_is_ignored(client, cast):
    csv = f"name,type,authority\nNorthshire Health,health,{cast.other_authority.pk}\n"
    client.force_login(cast.alice)
    client.post(
        reverse("partnerships:agency_import"),
        {"file": SimpleUploadedFile("agencies.csv", csv.encode(), content_type="text/csv")},
    )
    client.post(reverse("partnerships:agency_import_confirm"))
    assert Agency.objects.get(name="Northshire Health").authority == cast.authority


# --- API: memberships ------------------------------------------------------------------------
def memberships_url(partnership) -> str:
    return f"/api/v1/partnerships/{partnership.pk}/memberships/"


@pytest.mark.parametrize("agency", ["other_agency", "missing", "archived"])
def test_the_membership_api_refuses_agencies_the_page_would_not_offer(cast, police, agency):
    pk = {
        "other_agency": cast.other_agency.pk,
        "missing": 999_999,
        "archived": police.pk,
    }[agency]
    Agency.objects.filter(pk=police.pk).update(active=False)
    with nothing_written():
        response = client_for(cast.alice).post(
            memberships_url(cast.partnership), {"agency": pk, "role": "partner"}, format="json"
        )
    assert response.status_code == 400
    assert list(response.json()) == ["agency"]


@pytest.mark.parametrize("who", ["mo", "priya", "oscar"])
def test_only_the_authoritys_officers_add_members_through_the_api(cast, police, who):
    with nothing_written():
        response = client_for(getattr(cast, who)).post(
            memberships_url(cast.partnership), {"agency": police.pk}, format="json"
        )
    # Oscar is an officer, of Southshire: Northshire's partnership is not found at all.
    assert response.status_code == (404 if who == "oscar" else 403)


def test_changing_a_membership_through_the_api_ignores_agency_and_partnership_ids(cast):
    membership = cast.partnership.memberships.get(agency=cast.agency)
    response = client_for(cast.alice).put(
        f"/api/v1/memberships/{membership.pk}/",
        {
            "role": "partner",
            "agency": cast.other_agency.pk,
            "partnership": cast.other_partnership.pk,
        },
        format="json",
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert (membership.agency_id, membership.partnership_id) == (
        cast.agency.pk,
        cast.partnership.pk,
    )


def test_another_authoritys_membership_cannot_be_changed_through_the_api(cast):
    membership = cast.other_partnership.memberships.get()
    with nothing_written():
        response = client_for(cast.alice).put(
            f"/api/v1/memberships/{membership.pk}/", {"role": "lead"}, format="json"
        )
    assert response.status_code == 404


# --- API: projects, partnerships, agencies ---------------------------------------------------
@pytest.mark.parametrize("partnership", ["other", "missing", "not-a-number"])
def test_a_project_cannot_be_created_in_a_partnership_outside_the_authority(cast, partnership):
    pk = {"other": cast.other_partnership.pk, "missing": 999_999, "not-a-number": "x"}[partnership]
    with nothing_written():
        response = client_for(cast.alice).post(
            "/api/v1/projects/", {"partnership": pk, "name": "Summer Start"}, format="json"
        )
    assert response.status_code == 400
    assert list(response.json()) == ["partnership"]


def test_a_manager_cannot_create_a_project_in_a_partnership_they_manage(cast):
    with nothing_written():
        response = client_for(cast.mo).post(
            "/api/v1/projects/",
            {"partnership": cast.partnership.pk, "name": "Summer Start"},
            format="json",
        )
    assert response.status_code == 403


@pytest.mark.parametrize("method", ["patch", "put"])
def test_a_project_cannot_be_moved_to_another_partnership_through_the_api(cast, method):
    response = getattr(client_for(cast.alice), method)(
        f"/api/v1/projects/{cast.project.pk}/",
        {"name": "Back on Track", "partnership": cast.other_partnership.pk},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["partnership"] == cast.partnership.pk
    cast.project.refresh_from_db()
    assert cast.project.partnership == cast.partnership


def test_a_partnership_cannot_be_moved_to_another_authority_through_the_api(cast):
    response = client_for(cast.alice).patch(
        f"/api/v1/partnerships/{cast.partnership.pk}/",
        {"version": cast.partnership.version, "authority": cast.other_authority.pk},
        format="json",
    )
    assert response.status_code == 200
    cast.partnership.refresh_from_db()
    assert cast.partnership.authority == cast.authority


def test_an_agency_cannot_be_moved_or_created_in_another_authority_through_the_api(cast):
    south = cast.other_authority.pk
    client = client_for(cast.alice)
    moved = client.patch(
        f"/api/v1/agencies/{cast.agency.pk}/",
        {"authority": south},
        format="json",
    )
    created = client.post(
        "/api/v1/agencies/",
        {"name": "Northshire Health", "agency_type": "health", "authority": south},
        format="json",
    )
    assert (moved.status_code, created.status_code) == (200, 201)
    cast.agency.refresh_from_db()
    assert cast.agency.authority == cast.authority
    assert Agency.objects.get(name="Northshire Health").authority == cast.authority


def test_another_authoritys_project_and_agency_cannot_be_edited_through_the_api(cast):
    client = client_for(cast.alice)
    with nothing_written():
        project = client.patch(
            f"/api/v1/projects/{cast.other_project.pk}/", {"name": "Taken"}, format="json"
        )
        agency = client.patch(
            f"/api/v1/agencies/{cast.other_agency.pk}/", {"name": "Taken"}, format="json"
        )
        archived = client.post(
            f"/api/v1/projects/{cast.other_project.pk}/active/", {"active": False}, format="json"
        )
    assert (project.status_code, agency.status_code, archived.status_code) == (404, 404, 404)
