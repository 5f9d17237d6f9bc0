"""Ids and codes in request bodies on the surveys side: rounds, invitations, paper entries (pages
and /api/v1/) and the respondent's pages. URL ids are in tests/test_permissions.py.

A refused request must say why (a field error, 400, 403, 404) and leave the database exactly
as it was (tests/unchanged.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from reports.instrument_loader import INSTRUMENTS_DIR, instrument_load
from surveys.models import Answer, Round
from tests import factories
from tests.api import client_for
from tests.surveys.helpers import section_data, start
from tests.unchanged import nothing_written

MISSING = 999_999


@pytest.fixture
def rnd(cast):
    return factories.survey_round(cast.project)


@pytest.fixture
def police(cast):
    """An agency of Alice's authority that is not a member of the round's partnership."""
    return factories.agency(cast.authority, "Northshire Police", agency_type="police")


@pytest.fixture
def pilot(db, tmp_path):
    """A second questionnaire: the default one plus an eleventh section of its own."""
    data = yaml.safe_load((INSTRUMENTS_DIR / "default_v1.yaml").read_text())
    data["code"] = "pilot"
    data["sections"].append(
        {
            "code": "pilot_extra",
            "title": "Pilot only",
            "questions": [
                {"code": "pilot_only", "type": "text", "text": "Only the pilot asks this."},
                {
                    "code": "pilot_choice",
                    "type": "choice",
                    "text": "Pick one.",
                    "options": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}],
                },
            ],
        }
    )
    path = tmp_path / "pilot.yaml"
    path.write_text(yaml.safe_dump(data))
    return instrument_load(path=path)[0]


def paper_form_data(survey_round, agency) -> dict:
    """Every section of the questionnaire filled in, as the paper-entry page posts it."""
    data = {"agency": agency.pk}
    for section in survey_round.instrument.sections.all():
        data.update(section_data(section))
    return data


def round_form_data(instrument_pk) -> dict:
    today = timezone.localdate()
    return {
        "title": "Spring 2026",
        "instrument": instrument_pk,
        "opens_on": str(today),
        "closes_on": str(today + dt.timedelta(days=21)),
        "reporting_mode": "attributed",
        "min_group_size": 3,
    }


# --- Pages: opening a round ------------------------------------------------------------------
def test_a_round_cannot_be_opened_with_an_unknown_questionnaire(client, cast, rnd):
    client.force_login(cast.alice)
    with nothing_written():
        response = client.post(
            reverse("surveys:round_create", args=[cast.project.pk]), round_form_data(MISSING)
        )
    assert response.status_code == 200
    assert "instrument" in response.context["form"].errors


def test_a_new_round_belongs_to_the_project_of_the_url_whatever_the_body_says(client, cast, rnd):
    client.force_login(cast.alice)
    data = {**round_form_data(rnd.instrument_id), "project": cast.other_project.pk}
    response = client.post(reverse("surveys:round_create", args=[cast.project.pk]), data)
    assert response.status_code == 302
    assert Round.objects.get(title="Spring 2026").project == cast.project
    assert not Round.objects.filter(project=cast.other_project).exists()


# --- Pages: invitations ----------------------------------------------------------------------
@pytest.mark.parametrize("agency", ["other_authority", "not_a_member", "former_member", "missing"])
def test_only_current_member_agencies_can_be_invited(client, cast, rnd, police, agency):
    college = cast.partnership.memberships.get(agency__name="Northshire College")
    college.left_on = timezone.localdate()
    college.save()
    pk = {
        "other_authority": cast.other_agency.pk,
        "not_a_member": police.pk,
        "former_member": college.agency_id,
        "missing": MISSING,
    }[agency]
    client.force_login(cast.alice)
    with nothing_written():
        response = client.post(
            reverse("surveys:invitation_add", args=[rnd.pk]),
            {"agency": pk, "name": "Ria", "email": "ria@example.org"},
        )
    assert response.status_code == 200
    assert "agency" in response.context["form"].errors


@pytest.mark.parametrize("who", ["mo", "priya"])
def test_managers_and_partners_cannot_invite_or_enter_paper_responses(client, cast, rnd, who):
    client.force_login(getattr(cast, who))
    with nothing_written():
        invite = client.post(
            reverse("surveys:invitation_add", args=[rnd.pk]),
            {"agency": cast.agency.pk, "name": "Ria", "email": "ria@example.org"},
        )
        paper = client.post(
            reverse("surveys:paper_response", args=[rnd.pk]), paper_form_data(rnd, cast.agency)
        )
    assert (invite.status_code, paper.status_code) == (403, 403)


# --- Pages: paper entry ----------------------------------------------------------------------
@pytest.mark.parametrize("agency", ["other_authority", "not_a_member", "missing"])
def test_a_paper_questionnaire_cannot_be_entered_for_an_agency_outside_the_partnership(
    client, cast, rnd, police, agency
):
    pk = {"other_authority": cast.other_agency.pk, "not_a_member": police.pk, "missing": MISSING}
    data = {**paper_form_data(rnd, cast.agency), "agency": pk[agency]}
    client.force_login(cast.alice)
    with nothing_written():
        response = client.post(reverse("surveys:paper_response", args=[rnd.pk]), data)
    assert response.status_code == 200
    assert "agency" in response.context["agency_form"].errors


def test_a_paper_choice_answer_must_be_one_of_the_questions_options(client, cast, rnd):
    data = {**paper_form_data(rnd, cast.agency), "position": "astronaut"}
    client.force_login(cast.alice)
    with nothing_written():
        response = client.post(reverse("surveys:paper_response", args=[rnd.pk]), data)
    assert "position" in response.context["form"].errors


def test_a_paper_ranking_of_an_outcome_that_does_not_exist_is_refused(client, cast, rnd):
    data = paper_form_data(rnd, cast.agency)
    # The made-up outcome takes the place of a real one, which is then left without a rank.
    data["outcome_priorities__rank__world_peace"] = data.pop(
        "outcome_priorities__rank__agency_targets"
    )
    client.force_login(cast.alice)
    with nothing_written():
        response = client.post(reverse("surveys:paper_response", args=[rnd.pk]), data)
    assert "outcome_priorities__rank__agency_targets" in response.context["form"].errors


# --- API: rounds -----------------------------------------------------------------------------
def round_body(cast, instrument_pk, **fields) -> dict:
    return {"project": cast.project.pk, **round_form_data(instrument_pk), **fields}


@pytest.mark.parametrize(
    ("field", "value"),
    [("project", "other_project"), ("project", MISSING), ("instrument", MISSING)],
)
def test_the_api_opens_no_round_on_a_foreign_project_or_unknown_questionnaire(
    cast, rnd, field, value
):
    value = cast.other_project.pk if value == "other_project" else value
    with nothing_written():
        response = client_for(cast.alice).post(
            "/api/v1/rounds/", round_body(cast, rnd.instrument_id, **{field: value}), format="json"
        )
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("who", ["mo", "priya"])
def test_managers_and_partners_open_no_round_through_the_api(cast, rnd, who):
    with nothing_written():
        response = client_for(getattr(cast, who)).post(
            "/api/v1/rounds/", round_body(cast, rnd.instrument_id), format="json"
        )
    assert response.status_code == 403


def test_a_round_cannot_be_moved_to_another_project_through_the_api(cast, rnd):
    with nothing_written():
        response = client_for(cast.alice).patch(
            f"/api/v1/rounds/{rnd.pk}/",
            {"project": cast.other_project.pk, "version": rnd.version},
            format="json",
        )
    assert response.status_code == 400  # refused on the field, never silently ignored
    assert list(response.json()) == ["project"]


def test_a_round_is_changed_in_part_never_replaced_through_the_api(cast, rnd):
    with nothing_written():
        response = client_for(cast.alice).put(
            f"/api/v1/rounds/{rnd.pk}/", {"project": cast.other_project.pk}, format="json"
        )
    assert response.status_code == 405


def test_filtering_rounds_by_another_authoritys_project_finds_nothing(cast, rnd):
    factories.survey_round(cast.other_project)
    client = client_for(cast.alice)
    assert client.get(f"/api/v1/rounds/?project={cast.other_project.pk}").json()["count"] == 0


# --- API: invitations ------------------------------------------------------------------------
@pytest.mark.parametrize("agency", ["other_authority", "not_a_member", "missing"])
def test_the_api_invites_only_member_agencies(cast, rnd, police, agency):
    pk = {"other_authority": cast.other_agency.pk, "not_a_member": police.pk, "missing": MISSING}
    with nothing_written():
        response = client_for(cast.alice).post(
            f"/api/v1/rounds/{rnd.pk}/invitations/",
            {"agency": pk[agency], "name": "Ria", "email": "ria@example.org"},
            format="json",
        )
    assert response.status_code == 400
    assert list(response.json()) == ["agency"]


def test_the_api_invites_nobody_to_another_authoritys_round(cast):
    foreign = factories.survey_round(cast.other_project)
    with nothing_written():
        response = client_for(cast.alice).post(
            f"/api/v1/rounds/{foreign.pk}/invitations/",
            {"agency": cast.other_agency.pk, "name": "Ria", "email": "ria@example.org"},
            format="json",
        )
    assert response.status_code == 404


def test_the_api_sends_revokes_and_invites_members_in_no_foreign_round(cast):
    foreign = factories.survey_round(cast.other_project)
    invitation, _token = factories.invitation(foreign, cast.other_agency)
    client = client_for(cast.alice)
    with nothing_written():
        answers = [
            client.post(f"/api/v1/rounds/{foreign.pk}/send/").status_code,
            client.post(f"/api/v1/rounds/{foreign.pk}/invite-members/").status_code,
            client.post(f"/api/v1/invitations/{invitation.pk}/send/").status_code,
            client.post(f"/api/v1/invitations/{invitation.pk}/revoke/").status_code,
        ]
    assert answers == [404, 404, 404, 404]


# --- API: paper entries ----------------------------------------------------------------------
def paper_entry(rnd, agency, **overrides) -> dict:
    likert = rnd.instrument.questions.filter(type="likert").values_list("code", flat=True)
    ranking = rnd.instrument.questions.get(type="ranking").options
    return {
        "agency": agency.pk,
        "answers": {**dict.fromkeys(likert, 4), "position": "frontline"},
        "ranking": [o["code"] for o in ranking],
        "comments": {},
        **overrides,
    }


def post_paper(cast, rnd, body):
    return client_for(cast.alice).post(f"/api/v1/rounds/{rnd.pk}/responses/", body, format="json")


@pytest.mark.parametrize("agency", ["other_authority", "not_a_member", "missing"])
def test_the_api_enters_no_paper_response_for_an_agency_outside_the_partnership(
    cast, rnd, police, agency
):
    entry = paper_entry(rnd, cast.agency)
    entry["agency"] = {
        "other_authority": cast.other_agency.pk,
        "not_a_member": police.pk,
        "missing": MISSING,
    }[agency]
    with nothing_written():
        response = post_paper(cast, rnd, entry)
    assert response.status_code == 400
    assert list(response.json()) == ["agency"]


def test_the_api_refuses_a_question_of_another_questionnaire(cast, rnd, pilot):
    entry = paper_entry(rnd, cast.agency)
    entry["answers"]["pilot_choice"] = "a"
    entry["comments"] = {"pilot_only": "Not in this round's questionnaire."}
    with nothing_written():
        response = post_paper(cast, rnd, entry)
    assert response.status_code == 400
    assert set(response.json()) == {"answers", "comments"}
    assert "pilot_choice" in response.json()["answers"]


def test_the_api_refuses_a_choice_or_an_outcome_that_does_not_exist(cast, rnd):
    entry = paper_entry(rnd, cast.agency)
    entry["answers"]["position"] = "astronaut"
    entry["ranking"] = [*entry["ranking"][:-1], "world_peace"]
    with nothing_written():
        response = post_paper(cast, rnd, entry)
    assert response.status_code == 400
    assert set(response.json()) == {"ranking"}  # shape first: the form never saw the choice
    with nothing_written():
        response = post_paper(
            cast, rnd, {**entry, "ranking": paper_entry(rnd, cast.agency)["ranking"]}
        )
    assert response.status_code == 400
    assert "position" in response.json()["answers"]


def test_listing_responses_by_another_authoritys_agency_finds_nothing(cast, rnd):
    factories.submitted_response(rnd, cast.agency)
    url = f"/api/v1/rounds/{rnd.pk}/responses/?agency={cast.other_agency.pk}"
    assert client_for(cast.alice).get(url).json()["count"] == 0


# --- The respondent's pages ------------------------------------------------------------------
@pytest.fixture
def respondent(client, cast, rnd):
    """A respondent who has followed the link and consented; the client carries the session."""
    _invitation, token = factories.invitation(rnd, cast.agency)
    start(client, token)
    return client


def section_url(number: int) -> str:
    return reverse("surveys:respond_section", args=[number])


def test_a_section_number_beyond_the_rounds_questionnaire_saves_nothing(respondent, rnd, pilot):
    # Section 11 exists in the pilot questionnaire, not in this round's.
    assert pilot.sections.count() == rnd.instrument.sections.count() + 1
    with nothing_written():
        response = respondent.post(section_url(11), {"pilot_only": "Typed in anyway."})
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:respond_check")


def test_section_zero_is_not_found(respondent):
    with nothing_written():
        assert respondent.post(section_url(0), {"position": "frontline"}).status_code == 404


def test_a_section_saves_only_its_own_questions(respondent, cast, rnd, pilot):
    """Codes from another section or another questionnaire ride along and are dropped."""
    about_you = rnd.instrument.sections.get(position=1)
    data = {
        **section_data(about_you),
        "aims_1": "5",  # a question of section 2
        "pilot_only": "Not in this questionnaire.",
        "pilot_choice": "a",
        "outcome_priorities__rank__world_peace": "1",
    }
    response = respondent.post(section_url(1), data)
    assert response.status_code == 302
    saved = Answer.objects.filter(response__round=rnd).values_list("question__code", flat=True)
    assert list(saved) == ["position"]
    assert not Answer.objects.filter(question__instrument=pilot).exists()


def test_a_choice_that_is_not_an_option_is_refused(respondent):
    with nothing_written():
        response = respondent.post(section_url(1), {"position": "astronaut"})
    assert response.status_code == 200
    assert "position" in response.context["form"].errors


def test_a_ranking_with_an_outcome_that_does_not_exist_is_refused(respondent, rnd):
    priorities = rnd.instrument.sections.get(code="priorities")
    data = section_data(priorities)
    data["outcome_priorities__rank__world_peace"] = data.pop(
        "outcome_priorities__rank__agency_targets"
    )
    with nothing_written():
        response = respondent.post(section_url(priorities.position), data)
    assert response.status_code == 200
    assert "outcome_priorities__rank__agency_targets" in response.context["form"].errors


def test_a_forged_resume_value_opens_no_invitation(client, cast, rnd):
    """Without a session the page trusts only a resume value the server signed."""
    invitation, _token = factories.invitation(rnd, cast.agency)
    forged = [
        str(invitation.pk),
        signing.dumps(invitation.pk, salt="another purpose"),
        signing.dumps(invitation.pk, salt="surveys.respond.resume", key="not-the-secret-key"),
    ]
    for resume in forged:
        with nothing_written():
            response = client.post(section_url(1), {"position": "frontline", "resume": resume})
        assert response.status_code == 403
        assert "respondent" not in client.cookies
    # The control: the value the page itself carries does resume the questionnaire.
    genuine = signing.dumps(invitation.pk, salt="surveys.respond.resume")
    response = client.post(section_url(1), {"position": "frontline", "resume": genuine})
    assert response.status_code == 302
    assert Answer.objects.filter(response__invitation=invitation, choice="frontline").exists()
