"""An officer edits a round, previews its invitation e-mail with a message of their own, and
invites people from a CSV file whose errors are shown row by row; every one of these pages
passes axe with no serious violation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

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


def test_round_edit_email_preview_and_csv_import_with_no_serious_axe_violations(
    live_server, new_page, axe, transactional_db, cast, tmp_path
):
    rnd = factories.survey_round(cast.project, title="Spring 2026 survey")
    factories.invitation(rnd, cast.agency, name="Ria Respondent", email="ria@example.org")
    page = _signed_in_page(new_page, live_server, cast.alice)
    page.goto(f"{live_server.url}/rounds/{rnd.pk}/")

    # Edit: a closing date before the opening date is refused on the field.
    page.get_by_role("link", name="Edit this round").click()
    axe.check(page)
    page.get_by_label("Closing date").fill("2020-01-01")
    page.get_by_role("button", name="Save changes").click()
    assert "There is a problem" in page.inner_text("main")
    assert "The closing date must be on or after the opening date." in page.inner_text("main")
    axe.check(page)
    later = timezone.localdate() + dt.timedelta(days=28)
    page.get_by_label("Closing date").fill(later.isoformat())
    page.get_by_label("Title").fill("Spring 2026 partnership survey")
    page.get_by_role("button", name="Save changes").click()
    assert "Round updated." in page.inner_text("main")

    # The e-mail, with a message of the officer's own (hostile text shown, never run).
    page.get_by_role("link", name="See the e-mail and add your message").click()
    axe.check(page)
    page.get_by_label("Your message to the people you invite (optional)").fill(
        "Thank you <b>all</b> for your time."
    )
    page.get_by_role("button", name="Save the message and preview again").click()
    html_part = page.locator("[data-email-html]")
    assert "Thank you <b>all</b> for your time." in html_part.inner_text()
    assert html_part.locator("b").count() == 0
    assert "Thank you <b>all</b> for your time." in page.locator("[data-email-text]").inner_text()
    link = html_part.get_by_role("link", name="Answer the questionnaire about Eastfield New Start")
    assert link.count() == 1
    axe.check(page)
    page.get_by_role("link", name="See the reminder e-mail instead").click()
    assert "Reminder: Spring 2026 partnership survey" in page.inner_text("main")
    axe.check(page)

    # Invite from a file: row errors first, nothing saved; then a corrected file.
    page.goto(f"{live_server.url}/rounds/{rnd.pk}/")
    page.get_by_role("link", name="Invite people from a CSV file").click()
    axe.check(page)
    bad = tmp_path / "people.csv"
    bad.write_text(
        "name,email,agency\n"
        "Kim Worker,kim@example.org,Northshire Youth Service\n"
        "=SUM(A1),sum@example.org,Northshire Youth Service\n"
        "Ria Again,ria@example.org,Nowhere Agency\n",
        encoding="utf-8",
    )
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    main = page.inner_text("main")
    assert "The file has problems. Nothing has been imported." in main
    assert "Line 3" in main and "Line 4" in main
    axe.check(page)
    good = tmp_path / "fixed.csv"
    good.write_text(
        "name,email,agency\nKim Worker,kim@example.org,Northshire Youth Service\n",
        encoding="utf-8",
    )
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    assert "1 person is ready to invite" in page.inner_text("main")
    axe.check(page)
    page.get_by_role("button", name="Invite these people").click()
    assert "1 person invited." in page.inner_text("main")
    assert rnd.invitations.count() == 2
    axe.check(page)
    assert axe.problems == []
    assert axe.pages_checked == 9
