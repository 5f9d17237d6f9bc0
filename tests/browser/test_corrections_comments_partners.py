"""An officer corrects and withdraws a paper questionnaire and reads the comments; a partner
reads their partnership's published results. Every page passes axe with no serious violation."""

from __future__ import annotations

import pytest
from django.test import Client

from partnerships.models import Role
from reports.services import round_score
from surveys.models import Answer, Question, Response
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


def _commented(rnd, agency, text, likert):
    response = factories.submitted_response(rnd, agency, likert=likert)
    question = Question.objects.get(instrument=rnd.instrument, code="works_well")
    Answer.objects.create(response=response, question=question, text=text)


def test_a_paper_entry_is_corrected_then_withdrawn_and_the_comments_read(
    live_server, new_page, axe, transactional_db, cast
):
    rnd = factories.survey_round(cast.project, title="Spring survey")
    college = cast.partnership.memberships.exclude(agency=cast.agency).get().agency
    entry = factories.paper_response(rnd, cast.agency, cast.alice, likert=2)
    _commented(rnd, college, "Joint planning days work", 4)

    page = _signed_in_page(new_page, live_server, cast.bob)
    page.goto(f"{live_server.url}/rounds/{rnd.pk}/")
    page.get_by_role("link", name="Correct or withdraw a paper questionnaire").click()
    assert "Paper questionnaires of Spring survey" in page.inner_text("main")
    axe.check(page)

    page.get_by_role("link", name="Open and correct").click()
    assert "Correct a paper questionnaire" in page.inner_text("main")
    axe.check(page)
    page.locator('input[name="aims_1"][value="5"]').check()
    page.get_by_role("button", name="Save the correction").click()
    assert "Paper questionnaire corrected" in page.inner_text("main")
    assert Answer.objects.get(response=entry, question__code="aims_1").value == 5

    page.get_by_role("link", name="Open and correct").click()
    page.get_by_role("link", name="Withdraw this paper questionnaire").click()
    page.get_by_role("button", name="Withdraw this paper questionnaire").click()  # no reason
    assert "There is a problem" in page.inner_text("main")
    axe.check(page)
    page.get_by_label("Why is this paper questionnaire withdrawn?").fill("Keyed in twice")
    page.get_by_role("button", name="Withdraw this paper questionnaire").click()
    assert "Paper questionnaire withdrawn" in page.inner_text("main")
    assert not Response.objects.filter(pk=entry.pk).exists()
    axe.check(page)

    page.goto(f"{live_server.url}/rounds/{rnd.pk}/")
    page.get_by_role("link", name="Read the comments partners wrote").click()
    assert "Joint planning days work" in page.inner_text("main")
    axe.check(page)
    assert axe.problems == []


def test_an_anonymous_rounds_comments_and_a_partners_results(
    live_server, new_page, axe, transactional_db, cast
):
    college = cast.partnership.memberships.exclude(agency=cast.agency).get().agency
    anonymous = factories.survey_round(
        cast.project, title="Anonymous survey", reporting_mode="anonymous", min_group_size=3
    )
    for agency, likert in ((cast.agency, 5), (college, 2)):
        for n in range(3):
            _commented(anonymous, agency, f"{likert} view {n}", likert)
    round_score(round_id=factories.closed(anonymous).pk)
    attributed = factories.survey_round(cast.project, title="Attributed survey")
    factories.submitted_response(attributed, cast.agency, likert=5)
    factories.submitted_response(attributed, college, likert=1)
    round_score(round_id=factories.closed(attributed).pk)

    officer = _signed_in_page(new_page, live_server, cast.mo)
    officer.goto(f"{live_server.url}/rounds/{anonymous.pk}/comments/")
    assert "6 comments" in officer.inner_text("main")
    axe.check(officer)

    partner_user = factories.user("pat", auth=cast.authority, role=Role.PARTNER, agency=cast.agency)
    partner = _signed_in_page(new_page, live_server, partner_user)
    partner.goto(f"{live_server.url}/")
    partner.get_by_role("link", name=cast.partnership.name).click()
    axe.check(partner)
    partner.get_by_role("link", name=cast.project.name).click()
    main = partner.inner_text("main")
    assert "Where the partnership stands" in main and "Whole partnership" in main
    assert college.name not in main
    axe.check(partner)
    partner.get_by_label("Survey round").select_option(
        label=f"Anonymous survey (closed on {anonymous.closed_on():%-d %B %Y})"
    )
    partner.get_by_role("button", name="Show").click()
    main = partner.inner_text("main")
    assert (
        "never any agency" in main
        and cast.agency.name not in main.split("Where the partnership stands")[1]
    )
    axe.check(partner)
    assert axe.problems == []
