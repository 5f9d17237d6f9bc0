"""Personal contact data (agencies' contact name, e-mail, telephone; invitees' names and
e-mails) is for officers only: one rule, partnerships.permissions.sees_contact_data."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.urls import reverse

from partnerships.models import Agency
from partnerships.permissions import sees_contact_data
from surveys.serializers import InvitationSerializer
from tests import factories
from tests.api import client_for


def test_only_officers_of_an_authority_see_contact_data(cast):
    assert sees_contact_data(cast.alice)
    assert sees_contact_data(cast.oscar)
    cast.mo.sees_whole_authority = True
    for user in (cast.mo, cast.priya, cast.sam, AnonymousUser()):
        assert not sees_contact_data(user), user


def test_templates_ask_the_same_rule(cast):
    template = Template("{% load contact_data %}{% if user|sees_contact_data %}yes{% endif %}")
    assert template.render(Context({"user": cast.alice})) == "yes"
    assert template.render(Context({"user": cast.mo})) == ""


def test_the_agency_list_page_shows_officers_the_contact(client, cast):
    Agency.objects.filter(pk=cast.agency.pk).update(
        contact_name="Rita Contact", email="rita@youth.example.org"
    )
    client.force_login(cast.alice)
    page = client.get(reverse("partnerships:agency_list")).content.decode()
    assert "Rita Contact" in page and "mailto:rita@youth.example.org" in page


def test_an_invitation_without_a_requesting_officer_has_no_name_or_email(cast):
    rnd = factories.survey_round(cast.project)
    invitation, _token = factories.invitation(rnd, cast.agency, name="Ria Respondent")
    data = InvitationSerializer(invitation).data
    assert "name" not in data and "email" not in data
    assert data["agency_name"] == cast.agency.name


def test_an_officer_revoking_an_invitation_gets_its_name_and_email(cast):
    rnd = factories.survey_round(cast.project)
    invitation, _token = factories.invitation(rnd, cast.agency, name="Ria Respondent")
    revoked = client_for(cast.alice).post(reverse("api:invitation-revoke", args=[invitation.pk]))
    assert revoked.status_code == 200
    assert revoked.json()["name"] == "Ria Respondent"
    assert revoked.json()["email"] == invitation.email
