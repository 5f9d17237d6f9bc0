"""An officer records an action from the dashboard and updates it; axe on every actions page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reports.models import Action
from reports.services import round_score
from tests import factories
from tests.browser.test_dashboards import _signed_in_page

pytestmark = pytest.mark.browser


def test_record_and_update_an_action_with_no_serious_axe_violations(
    live_server, new_page, axe, transactional_db, cast
):
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    today = timezone.localdate()
    first = factories.survey_round(
        cast.project,
        title="Spring",
        opens_on=today - dt.timedelta(days=120),
        closes_on=today - dt.timedelta(days=100),
    )
    factories.submitted_response(first, cast.agency, likert=2)
    factories.submitted_response(first, college, likert=2)
    round_score(round_id=first.pk)
    page = _signed_in_page(new_page, live_server, cast.alice)

    page.goto(f"{live_server.url}/projects/{cast.project.pk}/dashboard/")
    page.get_by_role("link", name="Record an action").click()
    axe.check(page)
    # Submitted empty: the error summary and the field messages, checked by axe too.
    page.get_by_role("button", name="Record the action").click()
    assert "There is a problem" in page.inner_text("main")
    axe.check(page)
    page.get_by_label("Component it addresses").select_option("client_focus")
    page.get_by_label("What will be done").fill("Start a young people's forum.")
    page.get_by_label("Lead agency").select_option(str(cast.agency.pk))
    page.get_by_label("Due by").fill((first.opens_on + dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Record the action").click()
    assert "Action recorded." in page.inner_text("main")
    axe.check(page)

    page.get_by_label("Under way").check()
    page.get_by_label("Note on the change").fill("First forum held.")
    page.get_by_role("button", name="Change the status").click()
    assert "First forum held." in page.inner_text("main")
    assert Action.objects.get().status == "under_way"
    axe.check(page)

    # Due a month after the round opened, months ago, and not done: overdue on the overview.
    page.goto(f"{live_server.url}/overview/")
    overdue = page.locator('section[aria-labelledby="h-overdue"]').inner_text()
    assert "Start a young people" in overdue
    axe.check(page)

    # The dashboard lists the action; the workshop pack builds and offers its download.
    page.goto(f"{live_server.url}/projects/{cast.project.pk}/dashboard/")
    assert "Action plan after Spring" in page.inner_text("main")
    axe.check(page)
    page.get_by_role("button", name="Workshop pack for Spring").click()
    page.wait_for_selector("[data-export-ready]:not([hidden])", timeout=60_000)
    axe.check(page)
    assert axe.problems == []
