"""Retention: a closed round's responses can be exported and then deleted; old ones are purged."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from partnerships.models import AuditEvent
from reports.models import Scorecard
from reports.services import round_score, stale_rounds
from surveys.models import Answer, Invitation, Response
from tests import factories


def _closed_round(cast, days_ago: int):
    today = timezone.localdate()
    rnd = factories.survey_round(
        cast.project,
        opens_on=today - dt.timedelta(days=days_ago + 30),
        closes_on=today - dt.timedelta(days=days_ago),
    )
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    factories.submitted_response(rnd, cast.agency)
    factories.submitted_response(rnd, college)
    round_score(round_id=rnd.pk)
    return rnd


def test_an_officer_exports_then_deletes_a_closed_rounds_responses(client, cast):
    rnd = _closed_round(cast, days_ago=5)
    client.force_login(cast.alice)
    page = client.get(reverse("surveys:round_responses_delete", args=[rnd.pk])).content.decode()
    assert reverse("reports:round_responses_csv", args=[rnd.pk]) in page
    client.post(reverse("surveys:round_responses_delete", args=[rnd.pk]))
    assert not Response.objects.filter(round=rnd).exists()
    assert not Answer.objects.filter(response__round=rnd).exists()
    assert not Invitation.objects.filter(round=rnd).exists()
    # The scorecard stays, and the catch-up job does not rescore the empty round.
    assert Scorecard.objects.filter(round=rnd).exists()
    assert rnd not in stale_rounds()
    event = AuditEvent.objects.get(action="round.responses_deleted")
    assert event.actor == cast.alice and event.data["responses"] == 2


def test_an_open_rounds_responses_cannot_be_deleted(client, cast):
    rnd = factories.survey_round(cast.project)
    factories.submitted_response(rnd, cast.agency)
    client.force_login(cast.alice)
    response = client.post(reverse("surveys:round_responses_delete", args=[rnd.pk]), follow=True)
    assert "once the round has closed" in response.content.decode()
    assert Response.objects.filter(round=rnd).count() == 1


def test_the_purge_removes_only_rounds_past_retention_and_says_what(cast, capsys):
    old = _closed_round(cast, days_ago=800)
    recent = _closed_round(cast, days_ago=10)
    call_command("purge_responses", "--dry-run")
    assert "Would remove 2 responses" in capsys.readouterr().out
    assert Response.objects.filter(round=old).count() == 2
    call_command("purge_responses")
    out = capsys.readouterr().out
    assert f"round {old.pk}" in out and f"round {recent.pk}" not in out
    assert "Removed 2 responses from 1 rounds closed more than 730 days ago." in out
    assert not Response.objects.filter(round=old).exists()
    assert Response.objects.filter(round=recent).count() == 2
    call_command("purge_responses")
    assert "Removed 0 responses from 0 rounds" in capsys.readouterr().out


def test_the_daily_task_purges_past_retention(cast, settings):
    from surveys.tasks import purge_expired_responses

    settings.RESPONSE_RETENTION_DAYS = 30
    old = _closed_round(cast, days_ago=31)
    assert purge_expired_responses() == 2
    assert not Response.objects.filter(round=old).exists()
    assert "purge-expired-responses" in settings.CELERY_BEAT_SCHEDULE
