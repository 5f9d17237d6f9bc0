"""The accessibility statement, privacy notice, cookies page and the authority's Settings page
pass axe with no serious violation, reached from the footer as a visitor or a partner would."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories

pytestmark = pytest.mark.browser

FOOTER_LINKS = ("Accessibility statement", "Privacy", "Cookies")


def _visit_from_the_footer(page, axe) -> dict[str, str]:
    """Each footer link followed in turn; the text of each page's main content."""
    texts = {}
    for name in FOOTER_LINKS:
        page.get_by_role("navigation", name="Support links").get_by_role("link", name=name).click()
        assert page.locator("h1").count() == 1
        axe.check(page)
        texts[name] = page.inner_text("main")
    return texts


def test_statutory_pages_from_the_footer_with_no_serious_axe_violations(
    live_server, new_page, axe, transactional_db, cast
):
    cast.authority.contact_email = "lens@northshire.gov.uk"
    cast.authority.save()

    visitor = new_page()
    visitor.goto(f"{live_server.url}/accounts/login/")
    _visit_from_the_footer(visitor, axe)

    partner = new_page()
    rnd = factories.survey_round(cast.project, title="Spring survey")
    _invitation, token = factories.invitation(rnd, cast.agency)
    partner.goto(f"{live_server.url}/r/{token}/")
    assert "Spring survey" in partner.inner_text("h1")
    texts = _visit_from_the_footer(partner, axe)
    assert all("lens@northshire.gov.uk" in text for text in texts.values())

    client = Client()
    client.force_login(cast.alice)
    officer = new_page()
    officer.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    officer.goto(f"{live_server.url}/")
    officer.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    officer.get_by_label("Data protection officer's e-mail").fill("not an address")
    officer.get_by_role("button", name="Save contact details").click()
    assert "There is a problem" in officer.inner_text("main")
    axe.check(officer)
    officer.get_by_label("Data protection officer's e-mail").fill("dpo@northshire.gov.uk")
    officer.get_by_role("button", name="Save contact details").click()
    assert "Contact details saved" in officer.inner_text("main")
    axe.check(officer)
    texts = _visit_from_the_footer(officer, axe)
    assert "dpo@northshire.gov.uk" in texts["Privacy"]

    assert axe.pages_checked == 11
    assert axe.problems == []
