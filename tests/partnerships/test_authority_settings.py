"""The Settings page: officers keep their authority's contact details for the statutory pages."""

from __future__ import annotations

from django.urls import reverse

from partnerships.models import AuditEvent, LocalAuthority
from tests.unchanged import nothing_written

URL = reverse("partnerships:authority_settings")
DETAILS = {
    "contact_email": "lens@northshire.gov.uk",
    "contact_phone": "01234 567890",
    "postal_address": "County Hall\nNorthtown",
    "dpo_email": "dpo@northshire.gov.uk",
}


def test_an_officer_saves_the_contact_details_and_the_pages_show_them(client, cast):
    client.force_login(cast.alice)
    assert client.get(URL).status_code == 200
    response = client.post(URL, DETAILS)
    assert response.status_code == 302
    authority = LocalAuthority.objects.get(pk=cast.authority.pk)
    assert {name: getattr(authority, name) for name in DETAILS} == DETAILS
    client.force_login(cast.priya)
    assert "lens@northshire.gov.uk" in client.get(reverse("accessibility")).content.decode()


def test_the_change_is_audited_with_the_field_names_only(client, cast):
    client.force_login(cast.alice)
    client.post(URL, {**DETAILS, "postal_address": ""})
    event = AuditEvent.objects.get(action="authority.contact_updated")
    assert event.actor == cast.alice and event.authority == cast.authority
    assert event.data == {"fields": ["contact_email", "contact_phone", "dpo_email"]}
    assert "northshire.gov.uk" not in str(event.data)
    # Saving the same details again changes nothing and records nothing.
    client.post(URL, {**DETAILS, "postal_address": ""})
    assert AuditEvent.objects.filter(action="authority.contact_updated").count() == 1


def test_a_malformed_address_is_refused_on_its_field_and_nothing_is_written(client, cast):
    client.force_login(cast.alice)
    with nothing_written():
        response = client.post(URL, {**DETAILS, "dpo_email": "not an address"})
    assert response.status_code == 200
    assert "dpo_email" in response.context["form"].errors


def test_an_officer_changes_only_their_own_authority(client, cast):
    client.force_login(cast.oscar)
    client.post(URL, DETAILS)
    assert (
        LocalAuthority.objects.get(pk=cast.other_authority.pk).contact_email
        == DETAILS["contact_email"]
    )
    assert LocalAuthority.objects.get(pk=cast.authority.pk).contact_email == ""


def test_managers_and_partners_cannot_change_them(client, cast):
    for person in (cast.mo, cast.priya):
        client.force_login(person)
        with nothing_written():
            assert client.post(URL, DETAILS).status_code == 403
