"""The working-relationships grid on a desktop and on a phone: one row of radios per agency on a
wide screen, one question per agency on a narrow one; answered by keyboard; axe on both."""

from __future__ import annotations

import pytest

from surveys.models import Answer
from tests import factories
from tests.browser.test_respondent_keyboard import press_button, tab_to

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}

LAYOUT = """() => {
    const row = document.querySelector('.relationship-row');
    const head = document.querySelector('.relationship-head');
    const label = document.querySelector('.relationship-option-label');
    const options = [...row.querySelectorAll('.relationship-option')].map(
        o => o.getBoundingClientRect().top);
    return {
        rowDisplay: getComputedStyle(row).display,
        headShown: getComputedStyle(head).display !== 'none',
        labelWidth: label.getBoundingClientRect().width,
        oneLine: Math.max(...options) - Math.min(...options) < 2,
        overflow: document.documentElement.scrollWidth > window.innerWidth,
    };
}"""


@pytest.fixture
def v2_round(cast):
    school = factories.agency(cast.authority, "Riverside Academy", agency_type="school")
    factories.membership(cast.partnership, school)
    return factories.survey_round(cast.project, instrument=factories.instrument_version(2))


def open_relationships_page(new_page, live_server, survey_round, agency, viewport):
    _invitation, token = factories.invitation(survey_round, agency)
    page = new_page()
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/r/{token}/")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    press_button(page, "Start now")
    section = survey_round.instrument.sections.get(code="relationships")
    page.goto(f"{live_server.url}/respond/section/{section.position}/")
    assert page.locator("legend", has_text="Northshire College").count() == 1
    return page, section


def test_on_a_desktop_the_agencies_are_rows_of_a_grid_answered_by_keyboard(
    live_server, new_page, axe, transactional_db, cast, v2_round
):
    page, section = open_relationships_page(new_page, live_server, v2_round, cast.agency, DESKTOP)
    layout = page.evaluate(LAYOUT)
    assert layout["rowDisplay"] == "grid" and layout["headShown"] and layout["oneLine"]
    assert layout["labelWidth"] <= 1  # each radio keeps its label, read but not shown
    assert not layout["overflow"]
    axe.check(page)
    question = section.questions.get()
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    # Tab into the college's row, arrow three levels up from 0: 3 coordination.
    tab_to(page, f'input[type=radio][name="{question.code}__agency__{college.pk}"]')
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    press_button(page, "Save and check your answers")
    assert "Northshire College: 3 Coordination" in page.content()
    axe.check(page)
    stored = Answer.objects.get(question=question)
    assert stored.relationships == {str(college.pk): 3}
    assert axe.problems == [] and axe.pages_checked == 2


def test_on_a_phone_each_agency_is_its_own_question(
    live_server, new_page, axe, transactional_db, cast, v2_round
):
    page, _section = open_relationships_page(new_page, live_server, v2_round, cast.agency, PHONE)
    layout = page.evaluate(LAYOUT)
    assert layout["rowDisplay"] == "block" and not layout["headShown"]
    assert layout["labelWidth"] > 40 and not layout["oneLine"]  # levels listed, labelled
    assert not layout["overflow"]
    axe.check(page)
    assert axe.problems == [] and axe.pages_checked == 1


def test_the_dashboards_map_links_each_agency_to_its_matrix_row(
    live_server, new_page, axe, transactional_db, cast, v2_round
):
    from tests.browser.test_dashboards import _signed_in_page
    from tests.reports.test_network_api import answered_round

    school = cast.partnership.memberships.get(agency__name="Riverside Academy").agency
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    rnd = answered_round(cast, (cast.agency, college, school), title="Mapped")
    from reports.services import round_score

    round_score(round_id=rnd.pk)
    page = _signed_in_page(new_page, live_server, cast.mo)
    page.goto(f"{live_server.url}/projects/{cast.project.pk}/dashboard/?round={rnd.pk}")
    assert "Who works with whom" in page.inner_text("main")
    axe.check(page)
    page.locator(f'svg a[href="#network-row-{school.pk}"]').click()
    assert page.url.endswith(f"#network-row-{school.pk}")
    assert page.locator(f"#network-row-{school.pk} th").inner_text().startswith("Riverside Academy")
    assert axe.problems == []
