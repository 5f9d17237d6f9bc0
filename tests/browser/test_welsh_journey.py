"""A Welsh-speaking partner completes the questionnaire in Welsh from a bilingual invitation,
in a browser set to Welsh; axe-core checks every Welsh page, and `<html lang>` is right."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from reports.instrument_loader import instrument_load_all
from surveys import services
from surveys.models import Response
from tests import factories

pytestmark = pytest.mark.browser


def test_a_welsh_partner_answers_in_welsh_from_a_bilingual_invitation(
    live_server, browser, axe, transactional_db, cast, django_capture_on_commit_callbacks
):
    instruments = {i.version: i for i, _outcome in instrument_load_all()}
    survey_round = factories.survey_round(cast.project, instruments[2], title="Adolygiad")
    services.invitation_add(
        actor=cast.alice,
        survey_round=survey_round,
        agency=cast.agency,
        name="Siân",
        email="sian@example.org",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.round_send_unsent(actor=cast.alice, survey_round=survey_round)
    (message,) = mail.outbox
    assert message.subject.startswith("Eich barn am Adolygiad / Your views on Adolygiad")
    link = re.search(r"https?://[^/\s]+(/r/\S+/)", str(message.body))
    assert link is not None
    path = link.group(1)

    context = browser.new_context(locale="cy-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}{path}")
    assert page.get_attribute("html", "lang") == "cy"
    assert page.locator("h1").inner_text() == "Adolygiad"
    switch = page.get_by_role("navigation", name="Iaith")
    assert switch.get_by_role("link").get_attribute("hreflang") == "en-gb"
    axe.check(page)
    page.get_by_label("Cymraeg").check()
    page.get_by_label("Rwyf wedi darllen hyn ac rwy'n cytuno i gymryd rhan").check()
    page.get_by_role("button", name="Dechrau nawr").click()

    sections = survey_round.instrument.sections.order_by("position")
    for section in sections:
        page.wait_for_selector("h1")
        assert page.get_attribute("html", "lang") == "cy"
        assert page.locator("h1").inner_text() == section.title_cy
        axe.check(page)
        for question in section.questions.order_by("position"):
            if question.type == "likert":
                page.locator(f'input[name="{question.code}"][value="4"]').check()
            elif question.type == "choice":
                page.locator(f'input[name="{question.code}"]').first.check()
            elif question.type == "ranking":
                for rank, option in enumerate(question.options, start=1):
                    page.get_by_label(option["label_cy"], exact=True).select_option(str(rank))
        label = "Cadw a gwirio eich atebion" if section == sections.last() else "Cadw a pharhau"
        page.get_by_role("button", name=label).click()

    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Gwiriwch eich atebion cyn i chi eu cyflwyno"
    axe.check(page)
    page.get_by_role("button", name="Cyflwyno fy atebion").click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Mae eich atebion wedi'u cyflwyno"
    axe.check(page)
    context.close()

    response = Response.objects.get(invitation__email="sian@example.org")
    assert response.is_submitted and response.language == "cy"
    assert axe.problems == []
