"""The questionnaire in Welsh and English: the instrument file, the respondent's pages, the
language stored with the response, scoring, and the instrument API."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from reports.instrument_loader import (
    INSTRUMENTS_DIR,
    InstrumentDefinitionError,
    instrument_load,
    instrument_load_all,
)
from reports.services import round_score
from surveys.models import Response
from tests import factories
from tests.api import client_for
from tests.surveys.helpers import section_data

V2 = INSTRUMENTS_DIR / "default_v2.yaml"


@pytest.fixture
def v1(db):
    return instrument_load_all()[0][0]


@pytest.fixture
def v2(db):
    instruments = {i.version: i for i, _outcome in instrument_load_all()}
    return instruments[2]


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "changed.yaml"
    data["version"] = 77
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def _v2_data():
    return yaml.safe_load(V2.read_text())


def _question(data, code):
    return next(q for s in data["sections"] for q in s["questions"] if q["code"] == code)


# --- The instrument file ---------------------------------------------------------------------
def test_version_2_carries_welsh_for_every_text_and_version_1_none(v1, v2):
    assert not v1.is_bilingual and v1.title_cy == ""
    assert v2.is_bilingual
    assert v2.title_cy == "Holiadur Partnership Lens"
    assert set(v2.components_cy) == set(v2.components)
    assert set(v2.guidance_cy) == set(v2.guidance)
    assert "{k}" in v2.intro_anonymous_cy
    for section in v2.sections.all():
        assert section.title_cy and section.title_cy != section.title
        assert bool(section.intro_cy) == bool(section.intro)
    for question in v2.questions.all():
        assert question.text_cy and question.text_cy != question.text, question.code
        assert bool(question.help_cy) == bool(question.help), question.code
        for option in question.options:
            assert option.get("label_cy"), (question.code, option["code"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _question(d, "aims_1").pop("text_cy"), r"aims_1: text has no Welsh"),
        (lambda d: _question(d, "aims_1").update(text_cy=" "), r"aims_1\.text_cy: no Welsh"),
        (lambda d: d["sections"][0].pop("title_cy"), r"about_you: title has no Welsh"),
        (
            lambda d: _question(d, "position")["options"][1].pop("label_cy"),
            r"position.*label has no Welsh",
        ),
        (lambda d: d["components_cy"].pop("structure"), r"components_cy: Welsh keys differ"),
        (lambda d: d.pop("guidance_cy"), r"guidance has no Welsh"),
        (
            lambda d: d.update(intro_anonymous_cy=d["intro_anonymous_cy"].replace("{k}", "3")),
            r"placeholders",
        ),
        (lambda d: _question(d, "aims_2").update(prompt_cy="Cwestiwn"), r"prompt_cy has no"),
    ],
)
def test_the_loader_refuses_a_bilingual_file_with_incomplete_welsh(db, tmp_path, change, message):
    data = _v2_data()
    change(data)
    with pytest.raises(InstrumentDefinitionError, match=message):
        instrument_load(path=_write(tmp_path, data))


def test_an_english_only_file_still_loads(db, tmp_path):
    data = yaml.safe_load((INSTRUMENTS_DIR / "default_v1.yaml").read_text())
    instrument, outcome = instrument_load(path=_write(tmp_path, data))
    assert outcome == "created" and not instrument.is_bilingual


def test_a_change_to_the_welsh_alone_is_a_change_of_the_definition(v2, tmp_path):
    data = _v2_data()
    _question(data, "aims_1")["text_cy"] = "Testun newydd."
    path = tmp_path / "v2.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    instrument, outcome = instrument_load(path=path)
    assert outcome == "updated"
    assert instrument.questions.get(code="aims_1").text_cy == "Testun newydd."


# --- Answering in Welsh ----------------------------------------------------------------------
def _open(client, survey_round, agency, language="cy"):
    _inv, token = factories.invitation(survey_round, agency)
    client.get(reverse("surveys:respond_link", args=[token]), HTTP_ACCEPT_LANGUAGE=language)
    return _inv


def test_a_respondent_chooses_welsh_on_the_consent_page_and_answers_in_welsh(client, cast, v2):
    survey_round = factories.survey_round(cast.project, v2, introduction=v2.intro_attributed)
    invitation = _open(client, survey_round, cast.agency)
    start = client.get(reverse("surveys:respond_start"), HTTP_ACCEPT_LANGUAGE="cy")
    body = start.content.decode()
    assert '<html lang="cy">' in body
    assert "Ym mha iaith ydych chi am ateb?" in body
    # The round kept the English default introduction: its Welsh default is shown.
    assert "Mae&#x27;r holiadur hwn yn gofyn" in body
    consent = client.post(reverse("surveys:respond_start"), {"consent": "on", "language": "cy"})
    assert consent.status_code == 302 and consent.cookies["language"].value == "cy"
    response = Response.objects.get(invitation=invitation)
    assert response.language == "cy"
    # From here on, no Accept-Language at all: the choice made on the consent page holds.
    aims = v2.sections.get(code="aims")
    page = client.get(reverse("surveys:respond_section", args=[aims.position]))
    text = page.content.decode()
    assert '<html lang="cy">' in text
    assert "Nodau cyffredin" in text
    assert "Anghytuno&#x27;n gryf" in text  # the scale
    assert aims.questions.get(code="aims_1").text_cy.replace("'", "&#x27;") in text
    assert aims.questions.get(code="aims_1").text not in text


def test_a_respondent_may_choose_english_from_a_welsh_browser(client, cast, v2):
    survey_round = factories.survey_round(cast.project, v2)
    invitation = _open(client, survey_round, cast.agency)
    client.post(reverse("surveys:respond_start"), {"consent": "on", "language": "en-gb"})
    assert Response.objects.get(invitation=invitation).language == "en-gb"
    page = client.get(reverse("surveys:respond_section", args=[1]), HTTP_ACCEPT_LANGUAGE="cy")
    assert '<html lang="en-gb">' in page.content.decode()
    assert "About you" in page.content.decode()


def test_an_officers_own_introduction_is_marked_as_english_on_a_welsh_page(client, cast, v2):
    survey_round = factories.survey_round(cast.project, v2, introduction="Our own words.")
    _open(client, survey_round, cast.agency)
    body = client.get(reverse("surveys:respond_start"), HTTP_ACCEPT_LANGUAGE="cy").content
    assert re.search(rb'<div class="mb-3" lang="en-gb"><p>Our own words.</p>', body)
    survey_round.introduction_cy = "Ein geiriau ein hunain."
    survey_round.save()
    body = client.get(reverse("surveys:respond_start"), HTTP_ACCEPT_LANGUAGE="cy").content
    assert b'<div class="mb-3"><p>Ein geiriau ein hunain.</p>' in body


def test_a_version_1_round_is_offered_in_english_only_and_says_so_in_welsh(client, cast, v1):
    survey_round = factories.survey_round(cast.project, v1)
    _open(client, survey_round, cast.agency)
    start = client.get(reverse("surveys:respond_start"), HTTP_ACCEPT_LANGUAGE="cy")
    body = start.content.decode()
    # Never announced as Welsh: the page is in English, and the header says so in Welsh.
    assert '<html lang="en-gb">' in body
    assert '<p class="language-note navbar-text mb-0" lang="cy">' in body
    assert "Mae'r holiadur hwn yn Saesneg yn unig." in body
    assert 'class="language-switch"' not in body
    assert "Which language do you want to answer in?" not in body
    client.post(reverse("surveys:respond_start"), {"consent": "on", "language": "cy"})
    assert Response.objects.get(round=survey_round).language == "en-gb"


def _answer_everything(client, survey_round, agency, language):
    _open(client, survey_round, agency, language)
    client.post(reverse("surveys:respond_start"), {"consent": "on", "language": language})
    for section in survey_round.instrument.sections.order_by("position"):
        values = section_data(section, likert="2" if agency.name.endswith("College") else "4")
        page = client.post(reverse("surveys:respond_section", args=[section.position]), values)
        assert page.status_code == 302
    assert client.post(reverse("surveys:respond_submit")).status_code == 302
    client.cookies.clear()


def test_answers_given_in_welsh_and_in_english_score_identically(client, cast, v2):
    welsh = factories.survey_round(cast.project, v2, title="Welsh")
    english = factories.survey_round(cast.project, v2, title="English")
    for agency in (cast.agency, cast.other_agency):
        _answer_everything(client, welsh, agency, "cy")
        _answer_everything(client, english, agency, "en-gb")
    assert set(Response.objects.filter(round=welsh).values_list("language", flat=True)) == {"cy"}
    assert set(Response.objects.filter(round=english).values_list("language", flat=True)) == {
        "en-gb"
    }
    welsh_card, english_card = round_score(round_id=welsh.pk), round_score(round_id=english.pk)
    assert welsh_card is not None and english_card is not None
    assert welsh_card.index is not None and welsh_card.n_respondents == 2
    assert (welsh_card.index, welsh_card.band) == (english_card.index, english_card.band)
    assert welsh_card.data["components"] == english_card.data["components"]
    assert welsh_card.data["dimensions"] == english_card.data["dimensions"]


# --- The instrument API ----------------------------------------------------------------------
def test_the_instrument_api_serves_the_request_language(cast, v1, v2):
    api = client_for(cast.alice)
    url = f"/api/v1/instruments/{v2.pk}/"
    english = api.get(url).json()
    assert english["language"] == "en-gb" and english["title"] == "Partnership Lens questionnaire"
    welsh = api.get(url, HTTP_ACCEPT_LANGUAGE="cy").json()
    assert welsh["language"] == "cy" and welsh["title"] == "Holiadur Partnership Lens"
    aims_1 = next(q for q in welsh["questions"] if q["code"] == "aims_1")
    assert aims_1["text"] == v2.questions.get(code="aims_1").text_cy
    position = next(q for q in welsh["questions"] if q["code"] == "position")
    assert position["options"][1]["label"] == "Arweinydd tîm neu oruchwyliwr"
    # Codes never change with the language.
    assert [q["code"] for q in welsh["questions"]] == [q["code"] for q in english["questions"]]
    # A version without Welsh answers in English, and says so.
    old = api.get(f"/api/v1/instruments/{v1.pk}/", HTTP_ACCEPT_LANGUAGE="cy").json()
    assert old["language"] == "en-gb" and old["title"] == v1.title


def test_the_instrument_api_follows_a_token_users_stored_preference(cast, v2):
    cast.alice.language = "cy"
    cast.alice.save()
    api = client_for(cast.alice)
    response = api.get(f"/api/v1/instruments/{v2.pk}/")
    assert response.json()["title"] == "Holiadur Partnership Lens"
    assert response["Content-Language"] == "cy"
    # An explicit Accept-Language from the client is what it asked for.
    assert api.get(f"/api/v1/instruments/{v2.pk}/", HTTP_ACCEPT_LANGUAGE="en-GB").json()[
        "language"
    ] == ("en-gb")


def test_the_apis_error_messages_follow_the_readers_language(cast, v2):
    api = client_for(cast.priya)
    refused = api.get("/api/v1/instruments/", HTTP_ACCEPT_LANGUAGE="cy")
    assert refused.status_code == 403
    assert (
        refused.json()["detail"]
        != client_for(cast.priya).get("/api/v1/instruments/").json()["detail"]
    )
    anonymous = type(api)().get("/api/v1/instruments/", HTTP_ACCEPT_LANGUAGE="cy")
    assert anonymous.status_code in (401, 403)
    assert anonymous.json()["detail"] == "Ni ddarparwyd manylion dilysu."
