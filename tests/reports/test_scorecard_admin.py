"""The admin shows scorecards and reliability, and changes nothing."""

from __future__ import annotations

from django.urls import reverse

from tests import factories
from tests.reports.test_round_score import scored


def test_a_superuser_lists_and_opens_scorecards_read_only(client, cast):
    scorecard = scored(factories.survey_round(cast.project).pk)
    client.force_login(cast.sam)

    assert client.get(reverse("admin:reports_scorecard_changelist")).status_code == 200
    page = client.get(reverse("admin:reports_scorecard_change", args=[scorecard.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # a view, not a form
    assert client.get(reverse("admin:reports_scorecard_add")).status_code == 403
    assert client.get(reverse("admin:reports_instrumentreliability_changelist")).status_code == 200
