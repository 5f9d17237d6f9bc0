"""Each edit page's audit row records what changed, stored value -> new value.

The service must see the stored record: a ModelForm bound to the instance it is given writes
the new values into it while validating, so a view passing that instance on would leave the
service nothing to compare, and every audit row would say "no changes".
"""

from __future__ import annotations

from django.urls import reverse

from partnerships.models import AuditEvent


def _post(client, cast, name: str, pk: int, data: dict) -> None:
    client.force_login(cast.alice)
    response = client.post(reverse(f"partnerships:{name}", args=[pk]), data)
    assert response.status_code == 302, response.context["form"].errors


def test_a_project_edit_records_the_changed_fields(client, cast):
    cast.project.target_group = "Young people aged 14 to 16"
    cast.project.save()
    _post(
        client,
        cast,
        "project_edit",
        cast.project.pk,
        {"name": "Back on Track 2", "target_group": "Young people aged 14 to 16"},
    )
    event = AuditEvent.objects.get(action="project.updated")
    assert event.object_id == str(cast.project.pk)
    assert event.data == {"name": ["Back on Track", "Back on Track 2"]}
    cast.project.refresh_from_db()
    assert cast.project.name == "Back on Track 2"


def test_an_agency_edit_records_the_changed_fields_but_not_a_persons_details(client, cast):
    _post(
        client,
        cast,
        "agency_edit",
        cast.agency.pk,
        {
            "name": "Northshire Youth Service",
            "agency_type": "careers",
            "contact_name": "Pat Jones",
            "email": "",
            "phone": "",
        },
    )
    event = AuditEvent.objects.get(action="agency.updated")
    assert event.data == {
        "agency_type": ["youth_service", "careers"],
        "contact_name": "changed",
    }


def test_a_membership_edit_records_the_changed_fields(client, cast):
    membership = cast.partnership.memberships.get(agency=cast.agency)
    _post(
        client,
        cast,
        "membership_edit",
        membership.pk,
        {"role": "partner", "joined_on": "2025-09-01", "left_on": ""},
    )
    event = AuditEvent.objects.get(action="membership.updated")
    assert event.data == {"role": ["lead", "partner"], "joined_on": ["None", "2025-09-01"]}


def test_a_partnership_edit_records_the_changed_fields(client, cast):
    _post(
        client,
        cast,
        "partnership_edit",
        cast.partnership.pk,
        {
            "name": "Eastfield New Start",
            "programme": "Connexions",
            "level": "strategic",
            "description": "",
            "start_date": "",
            "version": cast.partnership.version,
        },
    )
    event = AuditEvent.objects.get(action="partnership.updated")
    assert event.data == {
        "programme": ["New Start", "Connexions"],
        "level": ["operational", "strategic"],
    }
