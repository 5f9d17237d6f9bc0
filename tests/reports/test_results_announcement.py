"""Telling the partners their results are ready: once, by e-mail, to the active partner
accounts of the partnership's member agencies today, only for a published round."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from partnerships.models import AuditEvent, Role
from reports.services import round_score
from tests import factories
from tests.unchanged import nothing_written


@pytest.fixture
def college(cast):
    return cast.partnership.memberships.exclude(agency=cast.agency).get().agency


@pytest.fixture
def published(cast, college):
    rnd = factories.survey_round(cast.project, title="Spring 2026 survey")
    factories.submitted_response(rnd, cast.agency)
    factories.submitted_response(rnd, college)
    round_score(round_id=factories.closed(rnd).pk)
    return rnd


def announce(client, cast, rnd, capture):
    with capture(execute=True):
        return client.post(reverse("reports:round_results_announce", args=[rnd.pk]), follow=True)


def test_the_partners_of_member_agencies_are_told_once_with_their_link(
    client, cast, college, published, django_capture_on_commit_callbacks
):
    carla = factories.user("carla", auth=cast.authority, role=Role.PARTNER, agency=college)
    factories.user("gone", auth=cast.authority, role=Role.PARTNER, agency=college, is_active=False)
    left = factories.agency(cast.authority, "Northshire Careers")
    factories.membership(cast.partnership, left, left_on=dt.date(2026, 1, 31))
    factories.user("lena", auth=cast.authority, role=Role.PARTNER, agency=left)
    factories.user("olga", auth=cast.other_authority, role=Role.PARTNER, agency=cast.other_agency)

    client.force_login(cast.alice)
    page = announce(client, cast, published, django_capture_on_commit_callbacks)

    assert "2 partners were told the results are ready." in page.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == [carla.email, cast.priya.email]
    link = f"/results/projects/{cast.project.pk}/"
    assert all(link in m.body and "Spring 2026 survey" in m.subject for m in mail.outbox)
    published.refresh_from_db()
    assert published.results_announced_at is not None
    event = AuditEvent.objects.get(action="round.results_announced")
    assert event.data == {"recipients": 2}

    # A second press (or a double click) tells nobody again and says when they were told.
    mail.outbox.clear()
    again = announce(client, cast, published, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert "The partners were told these results are ready on" in again.content.decode()
    assert AuditEvent.objects.filter(action="round.results_announced").count() == 1


def test_a_round_whose_results_are_not_published_is_refused_and_nothing_is_written(
    client, cast, college, django_capture_on_commit_callbacks
):
    still_open = factories.survey_round(cast.project)
    factories.submitted_response(still_open, cast.agency)
    factories.submitted_response(still_open, college)
    round_score(round_id=still_open.pk)  # scored, but open: not published
    client.force_login(cast.alice)
    with nothing_written():
        page = announce(client, cast, still_open, django_capture_on_commit_callbacks)
    assert "not published yet" in page.content.decode()
    assert mail.outbox == []


def test_each_partner_is_told_in_their_own_language(
    client, cast, published, django_capture_on_commit_callbacks
):
    cast.priya.language = "cy"
    cast.priya.save(update_fields=["language"])
    client.force_login(cast.alice)
    announce(client, cast, published, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.subject == "Mae canlyniadau Spring 2026 survey yn barod"
    assert "Mewngofnodwch i'w darllen:" in message.body


def test_the_round_page_offers_it_once_the_round_has_closed(client, cast, published):
    client.force_login(cast.alice)
    button = "Tell the partners their results are ready"
    url = reverse("surveys:round_detail", args=[published.pk])
    assert button in client.get(url).content.decode()
    still_open = factories.survey_round(cast.project)
    url = reverse("surveys:round_detail", args=[still_open.pk])
    assert button not in client.get(url).content.decode()
