from __future__ import annotations

from django.urls import reverse

from partnerships.models import Membership, Project
from tests import factories


def test_an_officer_adds_an_agency_to_a_partnership(client, cast):
    police = factories.agency(cast.authority, "Northshire Police", agency_type="police")
    client.force_login(cast.alice)
    response = client.post(
        reverse("partnerships:membership_add", args=[cast.partnership.pk]),
        {"agency": police.pk, "role": "partner", "joined_on": "2026-01-05"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(partnership=cast.partnership, agency=police)
    assert str(membership.joined_on) == "2026-01-05"


def test_another_authoritys_agency_cannot_be_added(client, cast):
    client.force_login(cast.alice)
    response = client.post(
        reverse("partnerships:membership_add", args=[cast.partnership.pk]),
        {"agency": cast.other_agency.pk, "role": "partner"},
    )
    assert response.status_code == 200
    assert "agency" in response.context["form"].errors
    assert not Membership.objects.filter(agency=cast.other_agency, partnership=cast.partnership)


def test_an_agency_already_in_the_partnership_is_not_offered_again(client, cast):
    client.force_login(cast.alice)
    response = client.get(reverse("partnerships:membership_add", args=[cast.partnership.pk]))
    offered = list(response.context["form"].fields["agency"].queryset)
    assert cast.agency not in offered


def test_a_leaving_date_before_the_joining_date_is_refused(client, cast):
    membership = cast.partnership.memberships.first()
    client.force_login(cast.alice)
    response = client.post(
        reverse("partnerships:membership_edit", args=[membership.pk]),
        {"role": "partner", "joined_on": "2026-03-01", "left_on": "2026-02-01"},
    )
    assert response.status_code == 200
    assert "left_on" in response.context["form"].errors
    membership.refresh_from_db()
    assert membership.left_on is None


def test_ending_a_membership_keeps_it_on_record(client, cast):
    membership = cast.partnership.memberships.get(agency=cast.agency)
    client.force_login(cast.alice)
    client.post(
        reverse("partnerships:membership_edit", args=[membership.pk]),
        {"role": "lead", "joined_on": "2025-09-01", "left_on": "2026-07-31"},
    )
    membership.refresh_from_db()
    assert str(membership.left_on) == "2026-07-31"
    assert not membership.is_current


def test_an_officer_adds_and_edits_a_project(client, cast):
    client.force_login(cast.alice)
    response = client.post(
        reverse("partnerships:project_create", args=[cast.partnership.pk]),
        {"name": "Summer Bridge", "target_group": "Year 11 leavers", "description": ""},
    )
    project = Project.objects.get(name="Summer Bridge")
    assert response["Location"] == reverse("surveys:project_detail", args=[project.pk])
    client.post(
        reverse("partnerships:project_edit", args=[project.pk]),
        {"name": "Summer Bridge", "target_group": "Year 10 and 11", "description": "x"},
    )
    project.refresh_from_db()
    assert project.target_group == "Year 10 and 11"


def test_a_project_name_is_unique_within_its_partnership(client, cast):
    client.force_login(cast.alice)
    response = client.post(
        reverse("partnerships:project_create", args=[cast.partnership.pk]),
        {"name": "back on track"},
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


def test_archiving_a_project(client, cast):
    client.force_login(cast.alice)
    client.post(reverse("partnerships:project_archive", args=[cast.project.pk]))
    cast.project.refresh_from_db()
    assert cast.project.active is False
    client.post(reverse("partnerships:project_archive", args=[cast.project.pk]), {"restore": "1"})
    cast.project.refresh_from_db()
    assert cast.project.active is True
