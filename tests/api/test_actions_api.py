"""Officer actions through the API: the page buttons' services, with the same rules."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from partnerships.models import AuditEvent
from tests import factories
from tests.api import client_for


def test_sending_reminding_and_revoking_through_the_api(cast, django_capture_on_commit_callbacks):
    rnd = factories.survey_round(cast.project)
    first, token = factories.invitation(rnd, cast.agency)
    factories.invitation(rnd, cast.agency)
    api = client_for(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(reverse("api:round-send", args=[rnd.pk]))
    assert sent.status_code == 200 and sent.json() == {"sent": 2}
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        again = api.post(reverse("api:round-send", args=[rnd.pk]))
    assert again.json() == {"sent": 0}  # nothing left unsent
    with django_capture_on_commit_callbacks(execute=True):
        reminded = api.post(reverse("api:round-remind", args=[rnd.pk]))
    assert reminded.json() == {"sent": 2}
    revoked = api.post(reverse("api:invitation-revoke", args=[first.pk]))
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert "token" not in str(revoked.json()).lower()
    assert api.post(reverse("api:invitation-send", args=[first.pk])).json() == {"sent": 0}
    assert api.get(f"/r/{token}/").status_code == 410


def test_inviting_every_member_agencys_contact(cast):
    cast.agency.email = "youth@example.org"
    cast.agency.save()
    rnd = factories.survey_round(cast.project)
    body = client_for(cast.alice).post(reverse("api:round-invite-members", args=[rnd.pk])).json()
    assert body == {"invited": 1, "skipped_agencies": ["Northshire College"]}


def test_archiving_and_restoring(cast):
    api = client_for(cast.alice)
    url = reverse("api:partnership-active", args=[cast.partnership.pk])
    assert api.post(url, {"active": False}, format="json").json() == {
        "id": cast.partnership.pk,
        "active": False,
    }
    cast.partnership.refresh_from_db()
    assert cast.partnership.active is False
    assert api.post(url, {"active": "maybe"}, format="json").status_code == 400
    project_url = reverse("api:project-active", args=[cast.project.pk])
    assert api.post(project_url, {"active": False}, format="json").status_code == 200
    assert AuditEvent.objects.filter(action="project.archived").exists()


def test_ending_a_membership_and_refusing_backwards_dates(cast):
    membership = cast.partnership.memberships.get(agency=cast.agency)
    api = client_for(cast.alice)
    url = reverse("api:membership-change", args=[membership.pk])
    bad = api.put(
        url, {"role": "lead", "joined_on": "2026-03-01", "left_on": "2026-02-01"}, format="json"
    )
    assert bad.status_code == 400 and "left_on" in bad.json()
    ok = api.put(
        url, {"role": "lead", "joined_on": "2025-09-01", "left_on": "2026-07-31"}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["is_current"] is False
    membership.refresh_from_db()
    assert str(membership.left_on) == "2026-07-31"


def test_managers_cannot_act_and_other_authorities_get_404(cast):
    rnd = factories.survey_round(cast.project)
    assert client_for(cast.mo).post(reverse("api:round-send", args=[rnd.pk])).status_code == 403
    assert client_for(cast.oscar).post(reverse("api:round-send", args=[rnd.pk])).status_code == 404
