"""The accessibility statement, privacy notice and cookies page, for every kind of visitor.

Each names whoever runs the service for that visitor: a signed-in person's authority, the
authority of the round whose link a partner opened, or, for anyone else, the deployment's
SERVICE_OWNER_* settings.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tests import factories

PAGES = ("accessibility", "privacy", "cookies")
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def northshire(cast):
    cast.authority.contact_email = "lens@northshire.gov.uk"
    cast.authority.contact_phone = "01234 567890"
    cast.authority.postal_address = "County Hall\nNorthtown NT1 1AA"
    cast.authority.dpo_email = "dpo@northshire.gov.uk"
    cast.authority.save()
    return cast.authority


@pytest.fixture
def deployment_owner(settings):
    settings.SERVICE_OWNER_NAME = "Lens Hosting Partnership"
    settings.SERVICE_OWNER_EMAIL = "help@lens.example.gov.uk"
    settings.SERVICE_OWNER_PHONE = "0300 000 0000"
    settings.SERVICE_OWNER_ADDRESS = ""
    settings.SERVICE_OWNER_DPO_EMAIL = "dpo@lens.example.gov.uk"


def _footer_links(html: str) -> list[str]:
    footer = re.search(r"<footer.*?</footer>", html, re.S)
    assert footer, "no footer"
    return re.findall(r'href="([^"]+)"', footer.group(0))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["alice", "mo", "priya"])
def test_signed_in_people_see_their_own_authority(
    client, cast, northshire, deployment_owner, page, who
):
    client.force_login(getattr(cast, who))
    html = client.get(reverse(page)).content.decode()
    assert "Northshire" in html
    assert "lens@northshire.gov.uk" in html
    assert "Lens Hosting Partnership" not in html
    assert "Southshire" not in html


@pytest.mark.parametrize("page", PAGES)
def test_another_authoritys_officer_sees_theirs(client, cast, northshire, page):
    client.force_login(cast.oscar)
    html = client.get(reverse(page)).content.decode()
    assert "Southshire" in html
    assert "lens@northshire.gov.uk" not in html


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["anonymous", "sam"])
def test_visitors_without_an_authority_see_the_deployments_owner(
    client, cast, northshire, deployment_owner, page, who
):
    if who != "anonymous":
        client.force_login(cast.sam)  # a superuser belongs to no authority
    html = client.get(reverse(page)).content.decode()
    assert "Lens Hosting Partnership" in html
    assert "help@lens.example.gov.uk" in html
    assert "Northshire" not in html


@pytest.mark.parametrize("page", PAGES)
def test_with_no_owner_configured_the_page_still_says_whom_to_ask(client, db, page):
    response = client.get(reverse(page))
    assert response.status_code == 200
    assert "the local authority that runs the survey" in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_a_partner_holding_a_link_sees_the_rounds_authority(client, cast, northshire, page):
    rnd = factories.survey_round(cast.project, title="Spring survey")
    _invitation, token = factories.invitation(rnd, cast.agency)
    assert client.get(reverse("surveys:respond_link", args=[token])).status_code == 302
    html = client.get(reverse(page)).content.decode()
    assert "Northshire" in html
    assert "lens@northshire.gov.uk" in html and "01234 567890" in html


def test_the_privacy_notice_names_the_data_protection_officer(client, cast, northshire):
    client.force_login(cast.priya)
    html = client.get(reverse("privacy")).content.decode()
    assert "The data controller is Northshire" in html
    assert 'href="mailto:dpo@northshire.gov.uk"' in html
    assert "Article 6(1)(e)" in html and "Information Commissioner" in html


@pytest.mark.parametrize("days", [730, 400, 1])
def test_the_privacy_notice_gives_the_retention_the_purge_uses(client, db, settings, days):
    settings.RESPONSE_RETENTION_DAYS = days
    html = client.get(reverse("privacy")).content.decode()
    unit = "day" if days == 1 else "days"
    assert f"are deleted {days} {unit} after their round closed" in html


def test_the_accessibility_statement_has_what_regulation_8_asks_for(client, db, settings):
    settings.ACCESSIBILITY_TESTED_ON = dt.date(2026, 11, 3)
    settings.ACCESSIBILITY_REVIEW_ON = dt.date(2027, 5, 4)
    html = client.get(reverse("accessibility")).content.decode()
    for part in (
        "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA",
        "Non-accessible content",
        "have not been tested against WCAG 2.2",  # what is not accessible, and why
        "done in the service’s own pages",  # the alternative
        "tagged PDF/UA documents",  # the PDFs, once the exception, now tagged
        "Reporting accessibility problems",
        "Equality and Human Rights Commission",
        "Equality Commission for Northern Ireland",
        "axe-core",  # how it was tested
        "The service was last tested on 3 November 2026",
        "reviewed by 4 May 2027",
    ):
        assert part in html, part


def test_the_cookies_page_lists_the_cookies_by_the_names_the_settings_give(client, db, settings):
    settings.SESSION_COOKIE_NAME = "lens_session"
    settings.CSRF_COOKIE_NAME = "lens_csrf"
    html = client.get(reverse("cookies")).content.decode()
    assert "<code>lens_session</code>" in html
    assert "<code>lens_csrf</code>" in html
    assert "<code>messages</code>" in html
    assert "<code>sessionid</code>" not in html
    assert "strictly necessary" in html


def test_every_cookie_the_service_sets_is_on_the_cookies_page(cast):
    """Sign in, make a change that leaves a message, open a link: each cookie is listed."""
    browser = Client(enforce_csrf_checks=True)
    login = browser.get(reverse("login"))
    token = login.context["csrf_token"]
    browser.post(
        reverse("login"),
        {"username": "alice", "password": factories.PASSWORD, "csrfmiddlewaretoken": token},
    )
    csrf = browser.cookies["csrftoken"].value
    browser.post(
        reverse("partnerships:authority_settings"),
        {"contact_email": "x@northshire.gov.uk", "csrfmiddlewaretoken": csrf},
    )
    respondent = Client()
    rnd = factories.survey_round(cast.project)
    _invitation, link = factories.invitation(rnd, cast.agency)
    respondent.get(reverse("surveys:respond_link", args=[link]))
    set_names = set(browser.cookies) | set(respondent.cookies)
    assert {"sessionid", "csrftoken", "messages", "respondent"} <= set_names
    listed = set(
        re.findall(r"<code>([^<]+)</code>", Client().get(reverse("cookies")).content.decode())
    )
    assert set_names <= listed


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("login"),
        reverse("accessibility"),
        reverse("surveys:respond_start"),  # a respondent page (403 without a link)
        reverse("surveys:respond_link", args=["not-a-real-token"]),
    ],
)
def test_every_page_has_the_footer_links(client, db, url):
    response = client.get(url, follow=True)
    assert _footer_links(response.content.decode()) == ["/accessibility/", "/privacy/", "/cookies/"]


def test_a_respondents_questionnaire_pages_have_the_footer_links(client, cast):
    rnd = factories.survey_round(cast.project)
    _invitation, token = factories.invitation(rnd, cast.agency)
    start = client.get(reverse("surveys:respond_link", args=[token]), follow=True)
    assert start.status_code == 200
    assert _footer_links(start.content.decode()) == ["/accessibility/", "/privacy/", "/cookies/"]


def test_every_page_template_that_is_not_built_on_base_has_the_links_too():
    """base.html carries the footer; any template that is its own page (an <html>) must too.

    PDFs (reports/pdf/) and e-mails (*/email/) are documents, not pages of the service."""
    standalone = [
        path
        for path in TEMPLATES.rglob("*.html")
        if "<html" in path.read_text()
        and not {"pdf", "email"} & set(path.relative_to(TEMPLATES).parts)
    ]
    assert {p.name for p in standalone} == {"base.html", "500.html"}
    for path in standalone:
        name = str(path.relative_to(TEMPLATES))
        html = render_to_string(name, {}) if name == "500.html" else render_to_string("503.html")
        assert _footer_links(html) == ["/accessibility/", "/privacy/", "/cookies/"], name


def test_officers_have_team_and_settings_in_their_navigation(client, cast):
    client.force_login(cast.alice)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("partnerships:team_list")}"' in html
    assert f'href="{reverse("partnerships:authority_settings")}"' in html
    client.force_login(cast.mo)
    html = client.get(reverse("home")).content.decode()
    assert reverse("partnerships:team_list") not in html


def test_the_privacy_notice_names_gov_uk_notify_only_when_it_carries_the_emails(
    client, db, settings
):
    assert "GOV.UK Notify" not in client.get(reverse("privacy")).content.decode()
    settings.EMAIL_CHANNEL = "notify"
    assert "GOV.UK Notify" in client.get(reverse("privacy")).content.decode()


def test_sign_ins_keep_only_what_the_privacy_notice_says(cast):
    """No log of successful sign-ins; a failed one is kept only until the person signs in."""
    from django.apps import apps

    access_attempt, access_log = (apps.get_model("axes", n) for n in ("AccessAttempt", "AccessLog"))

    browser = Client()
    browser.post(reverse("login"), {"username": "alice", "password": "wrong-password-here"})
    assert access_attempt.objects.filter(username="alice").count() == 1
    browser.post(reverse("login"), {"username": "alice", "password": factories.PASSWORD})
    assert "_auth_user_id" in browser.session
    assert access_attempt.objects.count() == 0
    assert access_log.objects.count() == 0
