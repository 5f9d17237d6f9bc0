"""The audit trail pages: the authority's and each partnership's, filtered and paginated."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from partnerships import services
from partnerships.models import AuditEvent
from tests import factories


def _events(response) -> list[AuditEvent]:
    return [row["event"] for row in response.context["rows"]]


def test_the_authority_trail_shows_who_did_what_to_what(client, cast):
    services.partnership_update(
        actor=cast.alice, partnership=cast.partnership, expected_version=1, name="Eastfield 2"
    )
    services.project_create(actor=cast.bob, partnership=cast.unassigned_partnership, name="P")
    services.agency_create(actor=cast.oscar, name="Elsewhere", agency_type="police")
    client.force_login(cast.alice)
    response = client.get(reverse("partnerships:audit_authority"))
    assert response.status_code == 200
    assert [e.action for e in _events(response)] == ["project.created", "partnership.updated"]
    page = response.content.decode()
    assert "Eastfield 2" in page and "alice" in page and "bob" in page
    assert "Elsewhere" not in page  # another authority's trail


def test_filtering_by_person_kind_and_date(client, cast):
    services.project_create(actor=cast.bob, partnership=cast.partnership, name="P1")
    services.project_create(actor=cast.alice, partnership=cast.partnership, name="P2")
    services.agency_create(actor=cast.alice, name="A1", agency_type="police")
    old = AuditEvent.objects.get(data__name="A1")
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=40))
    client.force_login(cast.alice)
    url = reverse("partnerships:audit_authority")
    by_bob = client.get(url, {"actor": cast.bob.pk})
    assert [e.data["name"] for e in _events(by_bob)] == ["P1"]
    by_kind = client.get(url, {"action": "agency.created"})
    assert [e.data["name"] for e in _events(by_kind)] == ["A1"]
    recent = client.get(url, {"date_from": (timezone.localdate() - dt.timedelta(days=1))})
    assert {e.data["name"] for e in _events(recent)} == {"P1", "P2"}
    older = client.get(url, {"date_to": (timezone.localdate() - dt.timedelta(days=30))})
    assert [e.data["name"] for e in _events(older)] == ["A1"]
    # Someone of another authority is not a choice, so filtering by them is simply ignored.
    assert cast.oscar.pk not in dict(by_bob.context["filter_form"].fields["actor"].choices)


def test_the_trail_is_paginated(client, cast):
    for n in range(30):
        services.agency_create(actor=cast.alice, name=f"Agency {n}", agency_type="police")
    client.force_login(cast.alice)
    first = client.get(reverse("partnerships:audit_authority"))
    assert len(first.context["rows"]) == 25
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("partnerships:audit_authority"), {"page": 2})
    assert len(second.context["rows"]) == 5


def test_a_partnerships_trail_covers_its_memberships_projects_and_rounds(client, cast):
    membership = cast.partnership.memberships.get(agency=cast.agency)
    services.membership_update(
        actor=cast.alice, membership=membership, role="partner", joined_on=None, left_on=None
    )
    services.project_update(actor=cast.alice, project=cast.project, name="Back on Track 2")
    services.project_create(actor=cast.alice, partnership=cast.unassigned_partnership, name="X")
    from surveys import services as round_services

    today = timezone.localdate()
    rnd = round_services.round_open(
        actor=cast.alice,
        project=cast.project,
        instrument=factories.default_instrument(),
        title="Spring",
        opens_on=today,
        closes_on=today + dt.timedelta(days=14),
        reporting_mode="attributed",
        introduction="Tell us.",
    )
    round_services.invitation_add(
        actor=cast.alice, survey_round=rnd, agency=cast.agency, name="Pat", email="p@example.org"
    )
    round_services.round_close(actor=cast.alice, survey_round=rnd)
    client.force_login(cast.alice)
    response = client.get(reverse("partnerships:audit_partnership", args=[cast.partnership.pk]))
    actions = {e.action for e in _events(response)}
    assert actions == {
        "membership.updated",
        "project.updated",
        "round.opened",
        "invitation.added",
        "round.closed",
    }
    assert "project.created" not in actions  # another partnership's project


def test_the_partnership_page_links_to_its_trail_for_officers_only(client, cast):
    url = reverse("partnerships:audit_partnership", args=[cast.partnership.pk])
    client.force_login(cast.alice)
    assert (
        url
        in client.get(
            reverse("partnerships:partnership_detail", args=[cast.partnership.pk])
        ).content.decode()
    )
    home = client.get(reverse("home")).content.decode()
    assert reverse("partnerships:team_list") in home
    assert reverse("partnerships:audit_authority") in home
    client.force_login(cast.mo)
    assert (
        url
        not in client.get(
            reverse("partnerships:partnership_detail", args=[cast.partnership.pk])
        ).content.decode()
    )


def test_kinds_of_change_read_as_words_not_codes(client, cast):
    services.agency_create(actor=cast.alice, name="A1", agency_type="police")
    AuditEvent.objects.create(
        authority=cast.authority,
        actor=cast.alice,
        action="future.kind",
        object_type="partnerships.agency",
        object_id="1",
    )
    client.force_login(cast.alice)
    response = client.get(reverse("partnerships:audit_authority"))
    page = response.content.decode()
    assert "Agency added" in page
    assert "agency.created" not in page.replace('value="agency.created"', "")
    assert "Agency #" in page  # the kind of record, in words
    assert "future.kind" in page  # a kind with no label yet is shown as its code, not hidden
    choices = dict(response.context["filter_form"].fields["action"].choices)
    assert choices["agency.created"] == "Agency added"
