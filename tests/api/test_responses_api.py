"""POST and GET /api/v1/rounds/{id}/responses/: paper questionnaires keyed in by officers."""

from __future__ import annotations

import pytest

from reports.models import Scorecard
from surveys.models import Response
from tests import factories
from tests.api import client_for

RANKING = [
    "ete_participation",
    "participant_needs",
    "reduce_offending",
    "reduce_teenage_pregnancy",
    "self_confidence",
    "healthy_lifestyles",
    "stable_housing",
    "agency_targets",
]


@pytest.fixture
def rnd(cast):
    return factories.survey_round(cast.project)


def likert_codes(rnd) -> list[str]:
    return list(rnd.instrument.questions.filter(type="likert").values_list("code", flat=True))


def entry(rnd, agency, **overrides):
    body = {
        "agency": agency.pk,
        "answers": {**dict.fromkeys(likert_codes(rnd), 4), "position": "frontline"},
        "ranking": RANKING,
        "comments": {"works_well": "Regular joint meetings."},
    }
    body.update(overrides)
    return body


def post(user, rnd, body):
    return client_for(user).post(f"/api/v1/rounds/{rnd.pk}/responses/", body, format="json")


def test_a_complete_entry_is_stored_as_entered_by_the_officer(cast, rnd):
    response = post(cast.alice, rnd, entry(rnd, cast.agency))

    assert response.status_code == 201, response.json()
    stored = Response.objects.get(pk=response.json()["id"])
    assert stored.entered_by == cast.alice and stored.invitation is None
    assert stored.submitted_at is not None and stored.agency == cast.agency
    body = response.json()
    assert body["entered_by_officer"] is True
    assert body["answers"]["aims_1"] == 4 and body["answers"]["position"] == "frontline"
    assert body["ranking"] == RANKING  # read back in the order it was sent
    assert body["comments"] == {"works_well": "Regular joint meetings."}


def test_an_entry_triggers_scoring(cast, rnd, django_capture_on_commit_callbacks):
    # Scoring is queued on commit and runs eagerly, as in the default setup without a broker.
    with django_capture_on_commit_callbacks(execute=True):
        post(cast.alice, rnd, entry(rnd, cast.agency))
    assert Scorecard.objects.filter(round=rnd).exists()
    scorecard = client_for(cast.alice).get(f"/api/v1/rounds/{rnd.pk}/scorecard/")
    assert scorecard.status_code == 200 and scorecard.json()["n_respondents"] == 1


def test_dont_know_is_accepted(cast, rnd):
    response = post(cast.alice, rnd, entry(rnd, cast.agency, answers={"aims_1": "dk"}))
    assert response.status_code == 201, response.json()
    assert response.json()["answers"] == {"aims_1": "dk"}


@pytest.mark.parametrize("value", [0, 6, "7", "high", 4.5, True])
def test_an_out_of_range_likert_answer_is_a_400_on_that_question(cast, rnd, value):
    response = post(cast.alice, rnd, entry(rnd, cast.agency, answers={"aims_1": value}))
    assert response.status_code == 400
    assert "aims_1" in response.json()["answers"]
    assert not Response.objects.exists()


def test_an_unknown_question_code_is_a_400(cast, rnd):
    response = post(cast.alice, rnd, entry(rnd, cast.agency, answers={"aims_99": 3}))
    assert response.status_code == 400
    assert "aims_99" in response.json()["answers"]


def test_a_text_answer_outside_comments_is_a_400(cast, rnd):
    response = post(cast.alice, rnd, entry(rnd, cast.agency, answers={"works_well": "Yes"}))
    assert response.status_code == 400 and "works_well" in response.json()["answers"]
    response = post(cast.alice, rnd, entry(rnd, cast.agency, comments={"aims_1": "4"}))
    assert response.status_code == 400 and "aims_1" in response.json()["comments"]


def test_a_too_long_comment_is_a_400_on_that_question(cast, rnd):
    response = post(cast.alice, rnd, entry(rnd, cast.agency, comments={"works_well": "x" * 2001}))
    assert response.status_code == 400 and "works_well" in response.json()["comments"]


def test_a_partial_ranking_is_a_400_naming_the_missing_outcomes(cast, rnd):
    response = post(cast.alice, rnd, entry(rnd, cast.agency, ranking=RANKING[:6]))
    assert response.status_code == 400
    errors = response.json()["ranking"]
    assert len(errors) == 2
    assert errors[0].startswith("stable_housing:") and errors[1].startswith("agency_targets:")


def test_a_duplicated_ranking_is_a_400(cast, rnd):
    ranking = [*RANKING[:7], RANKING[0]]
    response = post(cast.alice, rnd, entry(rnd, cast.agency, ranking=ranking))
    assert response.status_code == 400
    assert response.json()["ranking"] == ["ete_participation is listed more than once."]


def test_an_unknown_ranking_option_is_a_400(cast, rnd):
    response = post(cast.alice, rnd, entry(rnd, cast.agency, ranking=[*RANKING[:7], "cake"]))
    assert response.status_code == 400
    assert "cake is not one of the outcomes to rank." in response.json()["ranking"]


def test_the_required_ranking_cannot_be_left_out(cast, rnd):
    response = post(cast.alice, rnd, entry(rnd, cast.agency, ranking=[]))
    assert response.status_code == 400 and response.json()["ranking"]


def test_an_unknown_agency_is_a_400(cast, rnd):
    response = post(cast.alice, rnd, {**entry(rnd, cast.agency), "agency": 999_999})
    assert response.status_code == 400 and "agency" in response.json()


def test_another_authoritys_agency_is_a_400(cast, rnd):
    response = post(cast.alice, rnd, entry(rnd, cast.other_agency))
    assert response.status_code == 400 and "agency" in response.json()
    assert not Response.objects.exists()


def test_a_malformed_body_is_a_400(cast, rnd):
    response = post(cast.alice, rnd, {"agency": "x", "answers": [], "ranking": "abc"})
    assert response.status_code == 400
    assert set(response.json()) >= {"agency", "answers"}


def test_managers_and_partners_cannot_enter_responses(cast, rnd):
    assert post(cast.mo, rnd, entry(rnd, cast.agency)).status_code == 403
    assert post(cast.priya, rnd, entry(rnd, cast.agency)).status_code == 403


def test_another_authoritys_round_is_404(cast, rnd):
    assert post(cast.oscar, rnd, entry(rnd, cast.agency)).status_code == 404


def test_an_officer_lists_the_submitted_responses(cast, rnd):
    factories.submitted_response(rnd, cast.agency, likert=5)
    post(cast.alice, rnd, entry(rnd, cast.agency))
    body = client_for(cast.alice).get(f"/api/v1/rounds/{rnd.pk}/responses/").json()
    assert body["count"] == 2
    first, second = body["results"]
    assert first["entered_by_officer"] is False and second["entered_by_officer"] is True
    assert first["answers"]["aims_1"] == 5 and first["agency"] == cast.agency.pk
    assert len(first["ranking"]) == 8


def test_an_anonymous_round_pools_small_groups_and_names_no_agency_for_them(cast):
    rnd = factories.survey_round(cast.project, reporting_mode="anonymous", min_group_size=3)
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    factories.submitted_response(rnd, cast.agency)
    factories.submitted_response(rnd, college)
    factories.submitted_response(rnd, college)  # two small groups: a pool of 3 = k
    factories.closed(rnd)
    body = client_for(cast.alice).get(f"/api/v1/rounds/{rnd.pk}/responses/").json()
    assert body["count"] == 3
    for row in body["results"]:
        assert row["agency"] is row["id"] is row["submitted_at"] is None
        assert row["submitted_on"]


def test_listing_responses_is_for_officers_of_the_authority(cast, rnd):
    url = f"/api/v1/rounds/{rnd.pk}/responses/"
    assert client_for(cast.mo).get(url).status_code == 403
    assert client_for(cast.oscar).get(url).status_code == 404
