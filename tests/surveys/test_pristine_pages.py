"""A section page nobody has answered yet is kept rendered per process (surveys.pristine_pages):
what each reader gets of it is still their own, in their language, and a page that shows an
answer or the round's agencies is never the kept one."""

from __future__ import annotations

import re

from django.core import signing
from django.test import Client
from django.urls import reverse

from surveys.models import Answer, Response
from surveys.respond_views import RESUME_SALT
from tests import factories
from tests.surveys.helpers import input_value, section_data

START = reverse("surveys:respond_start")


def section_url(position: int) -> str:
    return reverse("surveys:respond_section", args=[position])


def opened(survey_round, agency, language="en-gb") -> tuple[Client, int]:
    """A browser that opened a new invitation and gave consent, CSRF enforced as in a browser."""
    invitation, token = factories.invitation(survey_round, agency)
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    browser.get(reverse("surveys:respond_link", args=[token]))
    consent = browser.get(START)
    data = {"consent": "on", "csrfmiddlewaretoken": input_value(consent, "csrfmiddlewaretoken")}
    if language != "en-gb":
        data["language"] = language
    assert browser.post(START, data).status_code == 302
    return browser, invitation.pk


def without_own_values(html: str) -> str:
    return re.sub(r'name="(csrfmiddlewaretoken|resume)" value="[^"]*"', r'name="\1"', html)


def test_each_reader_of_a_kept_page_gets_their_own_reference_and_csrf_token(survey):
    aims = survey.round.instrument.sections.get(code="aims")
    first, first_pk = opened(survey.round, survey.invitation.agency)
    second, second_pk = opened(survey.round, survey.invitation.agency)
    pages = [browser.get(section_url(aims.position)) for browser in (first, second)]
    # The same page for both but for the two values of their own...
    assert without_own_values(pages[0].content.decode()) == without_own_values(
        pages[1].content.decode()
    )
    resumes = [input_value(page, "resume") for page in pages]
    tokens = [input_value(page, "csrfmiddlewaretoken") for page in pages]
    assert [signing.loads(r, salt=RESUME_SALT) for r in resumes] == [first_pk, second_pk]
    assert tokens[0] != tokens[1]
    for page in pages:
        assert "resume-reference-of-the-invitation" not in page.content.decode()
        assert "csrf-token-of-the-request" not in page.content.decode()
    # ...and the second reader's form saves into their own response, with their token.
    data = {**section_data(aims, likert="2"), "resume": resumes[1]}
    data["csrfmiddlewaretoken"] = tokens[1]
    assert second.post(section_url(aims.position), data).status_code == 302
    saved = Answer.objects.filter(question__section=aims)
    assert {a.response.invitation_id for a in saved} == {second_pk}
    # The first reader's token is not the second's: posted in the second's browser, refused.
    data["csrfmiddlewaretoken"] = "x" * 64
    assert second.post(section_url(aims.position), data).status_code == 403


def test_a_welsh_reader_never_gets_the_english_page_nor_the_other_way(cast):
    v2 = factories.instrument_version(2)
    survey_round = factories.survey_round(cast.project, v2)
    aims = v2.sections.get(code="aims")
    question = aims.questions.get(code="aims_1")
    for language in ("en-gb", "cy", "en-gb", "cy"):
        browser, _pk = opened(survey_round, cast.agency, language)
        html = browser.get(section_url(aims.position)).content.decode()
        texts = (question.text_cy, question.text)
        shown, other = texts if language == "cy" else reversed(texts)
        assert f'<html lang="{language[:2]}' in html
        assert shown.replace("'", "&#x27;") in html
        assert other.replace("'", "&#x27;") not in html


def test_a_page_with_an_answer_shows_it_and_the_next_reader_gets_it_blank(survey):
    aims = survey.round.instrument.sections.get(code="aims")
    url = section_url(aims.position)
    first, _pk = opened(survey.round, survey.invitation.agency)
    blank = first.get(url)
    assert " checked" not in blank.content.decode()
    data = {
        "aims_1": "5",
        "action": "later",
        "resume": input_value(blank, "resume"),
        "csrfmiddlewaretoken": input_value(blank, "csrfmiddlewaretoken"),
    }
    assert first.post(url, data).status_code == 200  # saved, come back later
    answered = first.get(url).content.decode()
    assert re.search(r'name="aims_1" id="[^"]+" value="5" checked', answered)
    assert answered.count(" checked") == 1
    second, _pk = opened(survey.round, survey.invitation.agency)
    assert " checked" not in second.get(url).content.decode()


def test_a_page_opened_from_check_your_answers_returns_there_and_the_plain_one_does_not(survey):
    aims = survey.round.instrument.sections.get(code="aims")
    url = section_url(aims.position)
    for _reader in range(2):
        browser, _pk = opened(survey.round, survey.invitation.agency)
        from_check = browser.get(url, {"return": "check"})
        assert input_value(from_check, "return") == "check"
        assert 'name="return"' not in browser.get(url).content.decode()


def test_the_relationships_page_lists_each_readers_own_other_members(cast):
    school = factories.agency(cast.authority, "Riverside Academy", agency_type="school")
    factories.membership(cast.partnership, school)
    survey_round = factories.survey_round(cast.project, instrument=factories.instrument_version(2))
    college = survey_round.agencies_at_opening.get(name="Northshire College")
    section = survey_round.instrument.sections.get(code="relationships")
    listed = {}
    for agency in (cast.agency, college, school):
        browser, _pk = opened(survey_round, agency)
        html = browser.get(section_url(section.position)).content.decode()
        listed[agency.name] = re.findall(r'class="relationship-agency">([^<]+)</legend>', html)
    assert listed == {
        "Northshire Youth Service": ["Northshire College", "Riverside Academy"],
        "Northshire College": ["Northshire Youth Service", "Riverside Academy"],
        "Riverside Academy": ["Northshire College", "Northshire Youth Service"],
    }
    assert Response.objects.count() == 3
