"""Questionnaires, rounds and invitations through /api/v1/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reports.instrument_loader import INSTRUMENTS_DIR
from surveys.models import Invitation, Round
from tests import factories
from tests.api import client_for


@pytest.fixture
def instrument(db):
    return factories.default_instrument()


@pytest.fixture
def rnd(cast, instrument):
    return factories.survey_round(cast.project, instrument)


def round_body(cast, instrument, **fields):
    today = timezone.localdate()
    return {
        "project": cast.project.pk,
        "instrument": instrument.pk,
        "title": "Spring 2026",
        "opens_on": str(today),
        "closes_on": str(today + dt.timedelta(days=21)),
        "reporting_mode": "attributed",
        **fields,
    }


# --- Instruments -----------------------------------------------------------------------------
def test_an_instrument_lists_its_questions_with_codes_and_types(cast, instrument):
    body = client_for(cast.mo).get(f"/api/v1/instruments/{instrument.pk}/").json()
    assert body["version"] == 1 and body["weights"]
    by_code = {q["code"]: q for q in body["questions"]}
    assert by_code["aims_1"]["type"] == "likert" and by_code["aims_1"]["dimension"] == "aims"
    assert {q["type"] for q in body["questions"]} == {"likert", "ranking", "choice", "text"}
    options = by_code["outcome_priorities"]["options"]
    assert options[0] == {
        "code": "participant_needs",
        "label": options[0]["label"],
        "participant_defined": True,
    }
    assert all("reverse" in q for q in body["questions"])


def test_instruments_are_read_only(cast, instrument):
    client = client_for(cast.alice)
    files = sorted(INSTRUMENTS_DIR.glob("*.yaml"))
    assert client.get("/api/v1/instruments/").json()["count"] == len(files) >= 2
    assert client.post("/api/v1/instruments/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/instruments/{instrument.pk}/").status_code == 405


def test_partners_cannot_read_instruments(cast, instrument):
    assert client_for(cast.priya).get("/api/v1/instruments/").status_code == 403


# --- Rounds ----------------------------------------------------------------------------------
def test_an_officer_opens_a_round_with_the_default_introduction(cast, instrument):
    response = client_for(cast.alice).post(
        "/api/v1/rounds/", round_body(cast, instrument), format="json"
    )
    assert response.status_code == 201, response.json()
    survey_round = Round.objects.get(pk=response.json()["id"])
    assert survey_round.created_by == cast.alice
    # As on the page: no introduction given, the questionnaire's default text is used.
    assert survey_round.introduction == instrument.intro_attributed
    assert response.json()["is_open"] is True


def test_a_round_closing_before_it_opens_is_a_400_on_closes_on(cast, instrument):
    today = timezone.localdate()
    body = round_body(cast, instrument, closes_on=str(today - dt.timedelta(days=1)))
    response = client_for(cast.alice).post("/api/v1/rounds/", body, format="json")
    assert response.status_code == 400 and "closes_on" in response.json()


def test_a_round_for_another_authoritys_project_is_a_400(cast, instrument):
    body = round_body(cast, instrument, project=cast.other_project.pk)
    response = client_for(cast.alice).post("/api/v1/rounds/", body, format="json")
    assert response.status_code == 400 and "project" in response.json()


def test_a_k_below_two_is_a_400(cast, instrument):
    body = round_body(cast, instrument, reporting_mode="anonymous", min_group_size=1)
    response = client_for(cast.alice).post("/api/v1/rounds/", body, format="json")
    assert response.status_code == 400 and "min_group_size" in response.json()


def test_a_manager_reads_rounds_but_cannot_open_one(cast, instrument, rnd):
    client = client_for(cast.mo)
    assert client.get(f"/api/v1/rounds/{rnd.pk}/").status_code == 200
    assert client.get(f"/api/v1/rounds/?project={cast.project.pk}").json()["count"] == 1
    body = round_body(cast, instrument)
    assert client.post("/api/v1/rounds/", body, format="json").status_code == 403


def test_another_authoritys_round_is_404(cast, rnd):
    client = client_for(cast.oscar)
    assert client.get(f"/api/v1/rounds/{rnd.pk}/").status_code == 404
    assert client.get("/api/v1/rounds/").json()["count"] == 0


# --- Invitations -----------------------------------------------------------------------------
def test_an_officer_invites_someone_and_no_token_is_exposed(cast, rnd):
    client = client_for(cast.alice)
    url = f"/api/v1/rounds/{rnd.pk}/invitations/"
    body = {"agency": cast.agency.pk, "name": "Jo Bloggs", "email": "Jo@Example.org"}
    response = client.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    invitation = Invitation.objects.get(pk=response.json()["id"])
    assert invitation.email == "jo@example.org"
    listed = client.get(url).json()["results"]
    assert [i["status"] for i in listed] == ["not_sent"]
    text = str(listed) + response.content.decode()
    assert invitation.token_salt not in text and invitation.token_hash not in text
    assert "token" not in text


def test_inviting_the_same_person_twice_is_a_400_on_email(cast, rnd):
    factories.invitation(rnd, cast.agency, email="jo@example.org")
    body = {"agency": cast.agency.pk, "name": "Jo", "email": "jo@example.org"}
    response = client_for(cast.alice).post(
        f"/api/v1/rounds/{rnd.pk}/invitations/", body, format="json"
    )
    assert response.status_code == 400 and "email" in response.json()


def test_an_agency_outside_the_partnership_cannot_be_invited(cast, rnd):
    body = {"agency": cast.other_agency.pk, "name": "Jo", "email": "jo@example.org"}
    response = client_for(cast.alice).post(
        f"/api/v1/rounds/{rnd.pk}/invitations/", body, format="json"
    )
    assert response.status_code == 400 and "agency" in response.json()


def test_invitations_are_for_officers_only(cast, rnd):
    url = f"/api/v1/rounds/{rnd.pk}/invitations/"
    assert client_for(cast.mo).get(url).status_code == 403
    assert client_for(cast.priya).get(url).status_code == 403
    assert client_for(cast.oscar).get(url).status_code == 404
