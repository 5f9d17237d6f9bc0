"""E-mails go out in the recipient's language: invitations and reminders in the invitee's
recorded language, else one e-mail in Welsh and English together (Welsh first); password
e-mails in the person's chosen language; account invitations, to someone with no account yet,
in both."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from partnerships import team
from reports.instrument_loader import instrument_load_all
from surveys import services
from surveys.models import Invitation
from tests import factories


@pytest.fixture
def v2_round(cast):
    instruments = {i.version: i for i, _outcome in instrument_load_all()}
    return factories.survey_round(cast.project, instruments[2], title="Spring review")


def _send(cast, survey_round, capture):
    with capture(execute=True):
        services.round_send_unsent(actor=cast.alice, survey_round=survey_round)
    return {m.to[0]: m for m in mail.outbox}


def _invite(cast, survey_round, email, language):
    return services.invitation_add(
        actor=cast.alice,
        survey_round=survey_round,
        agency=cast.agency,
        name="Kim Worker",
        email=email,
        language=language,
    )


def test_invitations_go_out_in_the_invitees_recorded_language(
    cast, v2_round, django_capture_on_commit_callbacks
):
    _invite(cast, v2_round, "cy@example.org", "cy")
    _invite(cast, v2_round, "en@example.org", "en-gb")
    sent = _send(cast, v2_round, django_capture_on_commit_callbacks)
    welsh, english = sent["cy@example.org"], sent["en@example.org"]
    assert welsh.subject == "Eich barn am Spring review"
    assert welsh.body.startswith("Annwyl Kim Worker,")
    assert "Agorwch eich dolen bersonol" in welsh.body and "Dear" not in welsh.body
    assert english.subject == "Your views on Spring review"
    assert english.body.startswith("Dear Kim Worker,") and "Annwyl" not in english.body
    assert "You can answer in Welsh or in English" in english.body


def test_an_invitee_whose_language_is_not_known_gets_one_bilingual_email(
    cast, v2_round, django_capture_on_commit_callbacks
):
    _invite(cast, v2_round, "unknown@example.org", "")
    message = _send(cast, v2_round, django_capture_on_commit_callbacks)["unknown@example.org"]
    assert message.subject == "Eich barn am Spring review / Your views on Spring review"
    welsh_at, english_at = message.body.index("Annwyl Kim"), message.body.index("Dear Kim")
    assert welsh_at == 0 < english_at
    # One link, the same in both halves: the same person, the same invitation.
    links = [line for line in message.body.splitlines() if "/r/" in line]
    assert len(links) == 2 and links[0] == links[1]


def test_a_reminder_follows_the_recorded_language_with_welsh_dates(
    cast, v2_round, django_capture_on_commit_callbacks
):
    _invite(cast, v2_round, "cy@example.org", "cy")
    _send(cast, v2_round, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.round_send_reminders(actor=cast.alice, survey_round=v2_round)
    reminder = {m.to[0]: m for m in mail.outbox}["cy@example.org"]
    assert reminder.subject.startswith("Nodyn atgoffa: mae Spring review yn cau ar ")
    months = "Ionawr Chwefror Mawrth Ebrill Mai Mehefin Gorffennaf Awst Medi Hydref Tachwedd"
    assert any(month in reminder.subject for month in (*months.split(), "Rhagfyr"))


def test_a_version_1_invitation_says_the_questionnaire_is_in_english_only(
    cast, django_capture_on_commit_callbacks
):
    survey_round = factories.survey_round(cast.project, factories.default_instrument())
    _invite(cast, survey_round, "cy@example.org", "cy")
    message = _send(cast, survey_round, django_capture_on_commit_callbacks)["cy@example.org"]
    assert "Mae'r holiadur hwn yn Saesneg yn unig." in message.body


def test_inviting_member_agencies_takes_each_contacts_language(cast, v2_round):
    cast.agency.contact_language = "cy"
    cast.agency.email = "youth@example.org"
    cast.agency.save()
    services.invitations_add_from_memberships(actor=cast.alice, survey_round=v2_round)
    assert Invitation.objects.get(email="youth@example.org").language == "cy"


def test_the_invitation_form_records_the_language(client, cast, v2_round):
    client.force_login(cast.alice)
    client.post(
        reverse("surveys:invitation_add", args=[v2_round.pk]),
        {"agency": cast.agency.pk, "name": "Kim", "email": "kim@example.org", "language": "cy"},
    )
    assert Invitation.objects.get(email="kim@example.org").language == "cy"


def test_a_password_email_follows_the_persons_preference(
    client, cast, django_capture_on_commit_callbacks
):
    cast.alice.language = "cy"
    cast.alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        # Asked from an English page: the stored preference decides.
        client.post(reverse("password_reset"), {"email": cast.alice.email})
    (message,) = mail.outbox
    assert message.subject == "Ailosod eich cyfrinair Partnership Lens"
    assert "Dewiswch gyfrinair newydd yma:" in message.body


def test_a_password_email_without_a_preference_follows_the_page(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("password_reset"), {"email": cast.alice.email}, HTTP_ACCEPT_LANGUAGE="cy"
        )
    assert mail.outbox[0].subject == "Ailosod eich cyfrinair Partnership Lens"


def test_an_account_invitation_is_in_welsh_and_english(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        team.invitation_create(
            actor=cast.alice, email="new@example.org", role="manager", sees_whole_authority=True
        )
    (message,) = mail.outbox
    assert message.subject == (
        "Eich cyfrif Partnership Lens ar gyfer Northshire / "
        "Your Partnership Lens account for Northshire"
    )
    body = message.body
    assert body.index("Helo,") < body.index("Hello,")
    assert "fel: Rheolwr." in body and "as: Manager." in body


def test_the_api_records_an_invitees_and_a_contacts_language(cast, v2_round):
    from tests.api import client_for

    api = client_for(cast.alice)
    created = api.post(
        f"/api/v1/rounds/{v2_round.pk}/invitations/",
        {"agency": cast.agency.pk, "name": "Kim", "email": "kim@example.org", "language": "cy"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["language"] == "cy"
    assert Invitation.objects.get(email="kim@example.org").language == "cy"
    changed = api.patch(
        f"/api/v1/agencies/{cast.agency.pk}/", {"contact_language": "cy"}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    cast.agency.refresh_from_db()
    assert cast.agency.contact_language == "cy"
    # Like the other contact details, officers only.
    assert (
        "contact_language"
        not in client_for(cast.mo).get(f"/api/v1/agencies/{cast.agency.pk}/").json()
    )
