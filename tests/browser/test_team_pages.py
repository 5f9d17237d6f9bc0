"""An officer invites a colleague, who sets their own password and is signed in; the Team,
invitation, set-password and audit pages pass axe with no serious violation."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.browser


def _found(match: re.Match[str] | None) -> str:
    assert match is not None, "no link in the text"
    return match.group(0)


def _signed_in_page(new_page, live_server, user):
    client = Client()
    client.force_login(user)
    page = new_page()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_team_invitation_and_audit_pages_with_no_serious_axe_violations(
    live_server, new_page, axe, transactional_db, cast
):
    page = _signed_in_page(new_page, live_server, cast.alice)
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    assert "Team of Northshire" in page.inner_text("main")
    axe.check(page)

    page.get_by_role("link", name="Invite a colleague").click()
    page.get_by_role("button", name="Send the invitation").click()  # empty: errors
    assert "There is a problem" in page.inner_text("main")
    axe.check(page)
    page.get_by_label("E-mail address").fill("newcomer@example.org")
    page.get_by_role("radio", name="Manager", exact=True).check()
    page.get_by_label("Eastfield New Start").check()
    page.get_by_role("button", name="Send the invitation").click()
    assert "Invitation sent" in page.inner_text("main")
    assert "newcomer@example.org" in page.inner_text("main")
    axe.check(page)

    page.get_by_role("link", name="mo", exact=True).click()
    axe.check(page)

    link = _found(re.search(r"http://\S+", str(mail.outbox[-1].body)))
    link = live_server.url + "/" + link.split("://", 1)[1].split("/", 1)[1]  # SITE_URL's path
    newcomer = new_page()
    newcomer.goto(link)
    axe.check(newcomer)
    newcomer.get_by_label("First name").fill("Nia")
    newcomer.get_by_label("Last name").fill("Evans")
    password = "pasted-from-a-password-manager-7"
    for label in ("Choose a password", "The same password again"):
        field = newcomer.get_by_label(label)
        assert field.get_attribute("autocomplete") == "new-password"
        field.fill(password)
    newcomer.get_by_role("button", name="Save the password and sign in").click()
    assert "your account is ready" in newcomer.inner_text("main")
    newcomer.goto(link)
    assert "already been used" in newcomer.inner_text("main")
    axe.check(newcomer)

    page.goto(f"{live_server.url}/audit/")
    assert "Colleague joined" in page.inner_text("main")
    axe.check(page)
    page.goto(f"{live_server.url}/partnerships/{cast.partnership.pk}/")
    page.get_by_role("link", name="Audit trail").click()
    assert "Audit trail of Eastfield New Start" in page.inner_text("main")
    axe.check(page)
    assert axe.problems == []
