"""A manager reads the dashboard and the overview, opens a chart's data, and exports a PDF."""

from __future__ import annotations

import pytest
from django.test import Client

from reports.services import round_score
from tests import factories

pytestmark = pytest.mark.browser


def _signed_in_page(new_page, live_server, user):
    client = Client()
    client.force_login(user)
    page = new_page()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_dashboard_overview_and_pack_export_with_no_serious_axe_violations(
    live_server, new_page, axe, transactional_db, cast
):
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    for title in ("Spring", "Autumn"):
        rnd = factories.survey_round(cast.project, title=title)
        factories.submitted_response(rnd, cast.agency, likert=4)
        factories.submitted_response(rnd, college, likert=2)
        round_score(round_id=rnd.pk)
    cast.mo.sees_whole_authority = True
    cast.mo.save()
    page = _signed_in_page(new_page, live_server, cast.mo)

    page.goto(f"{live_server.url}/projects/{cast.project.pk}/dashboard/")
    assert "Where the partnership stands" in page.inner_text("main")
    axe.check(page)
    # The chart's data table is behind a disclosure: open it with the keyboard.
    summary = page.locator("summary", has_text="Show the data for this chart")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator("details table")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 7
    axe.check(page)

    page.goto(f"{live_server.url}/overview/")
    assert "Eastfield New Start" in page.inner_text("main")
    axe.check(page)
    page.get_by_role("button", name="Download every scorecard as one PDF").click()
    page.wait_for_selector("[data-export-ready]:not([hidden])", timeout=30_000)
    axe.check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert axe.problems == []
