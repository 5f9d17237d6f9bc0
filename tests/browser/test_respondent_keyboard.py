"""A partner completes the questionnaire with the keyboard only, leaves and resumes.

axe-core checks every respondent page on the way, including a page with errors.
"""

from __future__ import annotations

import pytest

from surveys.models import Response
from tests import factories

pytestmark = pytest.mark.browser

MAX_TABS = 80


FOCUSED_MATCHES = """([selector, text]) => {
    const el = document.activeElement;
    return el.matches(selector) && (text === null || el.textContent.trim() === text);
}"""


def tab_to(page, selector: str, text: str | None = None) -> None:
    """Press Tab until the focused element matches, as a keyboard user would."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_MATCHES, [selector, text]):
            return
    raise AssertionError(f"could not reach {selector} {text or ''} with the Tab key")


def choose_radio(page, name: str, downs: int) -> None:
    tab_to(page, f'input[type=radio][name="{name}"]')
    for _ in range(downs):
        page.keyboard.press("ArrowDown")
    if downs == 0:
        page.keyboard.press("Space")


def press_button(page, text: str) -> None:
    tab_to(page, "button", text)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def answer_section_by_keyboard(page, axe, ranking_order: list[int] | None = None) -> None:
    axe.check(page)
    radios = page.eval_on_selector_all(
        "input[type=radio]", "els => [...new Set(els.map(e => e.name))]"
    )
    for index, name in enumerate(radios):
        choose_radio(page, name, downs=3 if index % 2 == 0 else 4)  # Agree, Strongly agree
    selects = page.eval_on_selector_all("select", "els => els.map(e => e.id)")
    for position, select_id in enumerate(selects):
        tab_to(page, f"#{select_id}")
        rank = ranking_order[position] if ranking_order else position + 1
        page.keyboard.type(str(rank))
    textareas = page.eval_on_selector_all("textarea", "els => els.map(e => e.id)")
    for textarea_id in textareas:
        tab_to(page, f"#{textarea_id}")
        page.keyboard.type("We meet every month & share a plan <b>together</b>.")


def test_keyboard_only_journey_with_resume_and_no_serious_axe_violations(
    live_server, new_page, axe, transactional_db, cast
):
    survey_round = factories.survey_round(cast.project)
    _invitation, token = factories.invitation(survey_round, cast.agency)
    total = survey_round.instrument.sections.count()

    page = new_page()
    page.goto(f"{live_server.url}/r/{token}/")
    assert "/r/" not in page.url  # the token left the address bar
    axe.check(page)
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    press_button(page, "Start now")

    for number in range(1, 4):
        assert f"Section {number} of {total}" in page.inner_text("main")
        answer_section_by_keyboard(page, axe)
        press_button(page, "Save and continue" if number < 3 else "Save and come back later")
    assert "Your answers are saved" in page.inner_text("main")
    axe.check(page)

    # Later, on another device: the same link resumes at section 4.
    phone = new_page()
    phone.goto(f"{live_server.url}/r/{token}/")
    axe.check(phone)
    tab_to(phone, "a.btn-primary")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert "Section 4 of" in phone.inner_text("main")

    for number in range(4, total + 1):
        is_ranking = phone.locator("select").count() > 0
        if is_ranking:
            # First a mistake: two outcomes ranked 1. The page shows an accessible error.
            answer_section_by_keyboard(phone, axe, ranking_order=[1, 1, 3, 4, 5, 6, 7, 8])
            press_button(phone, "Save and continue")
            assert "There is a problem" in phone.inner_text("main")
            assert phone.evaluate("document.activeElement.dataset.errorSummary") is not None
            axe.check(phone)
            answer_section_by_keyboard(phone, axe)
        else:
            answer_section_by_keyboard(phone, axe)
        label = "Save and continue" if number < total else "Save and check your answers"
        press_button(phone, label)

    assert "Check your answers" in phone.inner_text("main")
    axe.check(phone)
    # Free text is shown back escaped, never as markup.
    assert "<b>together</b>" in phone.inner_text("main")
    press_button(phone, "Submit my answers")
    assert "have been submitted" in phone.inner_text("main")
    axe.check(phone)

    response = Response.objects.get(invitation__round=survey_round)
    assert response.submitted_at is not None
    assert response.answers.filter(question__type="likert").count() == 36
    assert axe.pages_checked >= total + 4
    assert axe.problems == []
