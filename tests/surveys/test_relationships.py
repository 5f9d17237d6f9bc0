"""The working-relationships section of questionnaire version 2: who it lists, how it is
answered online and on paper, and what is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from surveys.models import Answer, Response
from surveys.services import round_open
from tests import factories
from tests.api import client_for
from tests.api.test_responses_api import RANKING
from tests.surveys.helpers import section_data, start
from tests.unchanged import nothing_written


@pytest.fixture
def members(cast):
    """The cast's partnership (youth service, college) plus a school: three member agencies."""
    school = factories.agency(cast.authority, "Riverside Academy", agency_type="school")
    factories.membership(cast.partnership, school)
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    return cast.agency, college, school


@pytest.fixture
def rnd(cast, members):
    return factories.survey_round(cast.project, instrument=factories.instrument_version(2))


def relationships_section(rnd):
    return rnd.instrument.sections.get(code="relationships")


def test_the_section_is_the_last_of_version_two_and_version_one_has_none(cast, rnd):
    sections = list(rnd.instrument.sections.order_by("position"))
    assert sections[-1].code == "relationships"
    question = sections[-1].questions.get()
    assert question.type == "relationships"
    assert [o["code"] for o in question.options] == ["0", "1", "2", "3", "4", "5"]
    assert all(o["description"] for o in question.options)
    v1 = factories.instrument_version(1)
    assert not v1.questions.filter(type="relationships").exists()


def test_opening_a_round_keeps_the_members_and_a_later_member_is_not_listed(cast, members):
    left = factories.agency(cast.authority, "Old Partner")
    factories.membership(cast.partnership, left, left_on=dt.date(2025, 1, 1))
    today = dt.date.today()
    opened = round_open(
        actor=cast.alice,
        project=cast.project,
        instrument=factories.instrument_version(2),
        title="Autumn",
        opens_on=today,
        closes_on=today + dt.timedelta(days=7),
        reporting_mode="attributed",
        introduction="Hello",
    )
    late = factories.agency(cast.authority, "Late Joiner")
    factories.membership(cast.partnership, late)
    assert set(opened.agencies_at_opening.all()) == set(members)  # not the old or late one


def test_the_page_lists_the_other_members_and_saves_the_ratings(client, cast, members, rnd):
    youth, college, school = members
    factories.membership(cast.partnership, factories.agency(cast.authority, "Late Joiner"))
    invitation, token = factories.invitation(rnd, youth)
    start(client, token)
    section = relationships_section(rnd)
    url = reverse("surveys:respond_section", args=[section.position])
    page = client.get(url)
    html = page.content.decode()
    assert "Northshire College" in html and "Riverside Academy" in html
    assert "Late Joiner" not in html
    form = page.context["form"]
    listed = [a.name for a in form.relationship_agencies]
    assert listed == ["Northshire College", "Riverside Academy"]
    question = section.questions.get()
    data = section_data(section)
    data[f"{question.code}__agency__{college.pk}"] = "3"
    data[f"{question.code}__agency__{school.pk}"] = "dk"
    assert client.post(url, data).status_code == 302
    answer = Answer.objects.get(response__invitation=invitation, question=question)
    assert answer.relationships == {str(college.pk): 3, str(school.pk): None}
    # Read back on the page and on check-your-answers.
    again = client.get(url).context["form"]
    assert again[f"{question.code}__agency__{college.pk}"].initial == "3"
    assert again[f"{question.code}__agency__{school.pk}"].initial == "dk"
    check = client.get(reverse("surveys:respond_check")).content.decode()
    assert "Northshire College: 3 Coordination" in check
    assert "Riverside Academy: Don&#x27;t know" in check


def test_a_rating_of_an_agency_not_listed_is_not_stored(client, cast, members, rnd):
    youth, college, _school = members
    invitation, token = factories.invitation(rnd, youth)
    start(client, token)
    section = relationships_section(rnd)
    question = section.questions.get()
    data = section_data(section)
    data[f"{question.code}__agency__{youth.pk}"] = "5"  # its own agency: not a field
    data[f"{question.code}__agency__{college.pk}"] = "9"  # not a level
    response = client.post(reverse("surveys:respond_section", args=[section.position]), data)
    assert response.status_code == 200
    assert response.context["form"].errors  # 9 is not one of the choices
    assert not Answer.objects.filter(question=question).exists()


def paper_entry(rnd, agency, **overrides):
    codes = rnd.instrument.questions.filter(type="likert").values_list("code", flat=True)
    body = {"agency": agency.pk, "answers": dict.fromkeys(codes, 4), "ranking": RANKING}
    body.update(overrides)
    return body


def post(user, rnd, body):
    return client_for(user).post(f"/api/v1/rounds/{rnd.pk}/responses/", body, format="json")


def test_the_api_takes_relationships_from_paper(cast, members, rnd):
    youth, college, school = members
    body = paper_entry(rnd, youth, relationships={str(college.pk): 0, str(school.pk): None})
    response = post(cast.alice, rnd, body)
    assert response.status_code == 201, response.json()
    assert response.json()["relationships"] == {str(college.pk): 0, str(school.pk): None}
    stored = Answer.objects.get(response_id=response.json()["id"], question__type="relationships")
    assert stored.relationships == {str(college.pk): 0, str(school.pk): None}


def test_the_api_refuses_a_rating_of_an_agency_that_is_not_another_member(cast, members, rnd):
    youth, college, _school = members
    late = factories.agency(cast.authority, "Late Joiner")
    factories.membership(cast.partnership, late)
    for rated in (youth, late, cast.other_agency):
        body = paper_entry(rnd, youth, relationships={str(college.pk): 2, str(rated.pk): 2})
        with nothing_written():
            response = post(cast.alice, rnd, body)
        assert response.status_code == 400
        errors = response.json()["relationships"]
        assert list(errors) == [str(rated.pk)]
        assert f"Agency {rated.pk} is not another member" in errors[str(rated.pk)][0]


@pytest.mark.parametrize("level", [6, -1, 2.5, "3", True])
def test_the_api_refuses_a_level_outside_zero_to_five(cast, members, rnd, level):
    youth, college, _school = members
    body = paper_entry(rnd, youth, relationships={str(college.pk): level})
    with nothing_written():
        response = post(cast.alice, rnd, body)
    assert response.status_code == 400
    assert list(response.json()["relationships"]) == [str(college.pk)]
    assert "is not a level" in response.json()["relationships"][str(college.pk)][0]


def test_a_version_one_round_refuses_relationships(cast, members):
    youth, college, _school = members
    v1_round = factories.survey_round(cast.project)
    body = paper_entry(v1_round, youth, relationships={str(college.pk): 3})
    body["answers"]["position"] = "frontline"
    with nothing_written():
        response = post(cast.alice, v1_round, body)
    assert response.status_code == 400
    assert "does not ask about working relationships" in response.json()["relationships"][0]


def test_the_paper_page_stores_relationships_for_the_chosen_agency(client, cast, members, rnd):
    youth, college, school = members
    client.force_login(cast.alice)
    url = reverse("surveys:paper_response", args=[rnd.pk])
    page = client.get(url).content.decode()
    assert "How does your agency work with each of these agencies now?" in page
    data: dict[str, str] = {"agency": str(college.pk)}
    for section in rnd.instrument.sections.all():
        data.update(section_data(section))
    question = relationships_section(rnd).questions.get()
    data[f"{question.code}__agency__{youth.pk}"] = "4"
    data[f"{question.code}__agency__{college.pk}"] = "5"  # its own row: not read
    assert client.post(url, data).status_code == 302
    stored = Answer.objects.get(response__agency=college, question=question)
    assert stored.relationships == {str(youth.pk): 4}
    assert Response.objects.get(agency=college).entered_by == cast.alice
    assert school  # listed, left unrated


def test_the_agencies_at_opening_cannot_be_edited_in_the_admin(client, cast, rnd):
    client.force_login(cast.sam)
    page = client.get(reverse("admin:surveys_round_change", args=[rnd.pk])).content.decode()
    assert "Northshire College" in page  # shown
    assert 'name="agencies_at_opening"' not in page  # not a field of the form
