"""GET /api/v1/rounds/{id}/scorecard/: the latest scorecard, as each kind of person sees it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from reports.api import SCORECARD_FIELDS
from reports.services import round_score
from tests import factories
from tests.reports.test_round_score import agencies


@pytest.fixture
def rnd(cast):
    rnd = factories.survey_round(cast.project)
    youth, college = agencies(cast, ["Youth", "College"])
    factories.submitted_response(rnd, youth, likert=5)
    factories.submitted_response(rnd, youth, likert=5)
    factories.submitted_response(rnd, college, likert=2)
    round_score(round_id=rnd.pk)
    return rnd


def url(rnd) -> str:
    return reverse("reports_api:round_scorecard", args=[rnd.pk])


def test_the_url_is_under_api_v1(rnd):
    assert url(rnd) == f"/api/v1/rounds/{rnd.pk}/scorecard/"


def test_an_officer_reads_the_latest_scorecard(client, cast, rnd):
    client.force_login(cast.alice)
    response = client.get(url(rnd))

    assert response.status_code == 200
    body = response.json()
    assert tuple(body) == SCORECARD_FIELDS  # exactly the fields issue 4 names, in its order
    assert body["status"] == "ok" and body["n_agencies"] == 2 and body["n_respondents"] == 3
    assert 0 <= body["index"] <= 100 and len(body["interval"]) == 2
    assert set(body["dimensions"]) == set(body["rwg"]) and "structure" in body["dimensions"]
    assert body["instrument_version"] == "partnership-lens v1"
    assert {a["agency"] for a in body["agencies"]} == {"Youth", "College"}
    assert body["computed_at"].startswith(str(rnd.scorecards.get().computed_at.date()))


def test_it_returns_the_latest_of_several(client, cast, rnd):
    factories.submitted_response(rnd, agencies(cast, ["Health"])[0], likert=1)
    round_score(round_id=rnd.pk)
    client.force_login(cast.alice)
    assert client.get(url(rnd)).json()["n_agencies"] == 3


def test_a_round_not_scored_yet_answers_404_with_a_message(client, cast):
    client.force_login(cast.alice)
    unscored = factories.survey_round(cast.project)
    response = client.get(url(unscored))
    assert response.status_code == 404
    assert response.json() == {"detail": "No scorecard yet"}


def test_it_only_allows_get(client, cast, rnd):
    client.force_login(cast.alice)
    assert client.post(url(rnd)).status_code == 405


def test_a_token_works_too(client, cast, rnd):
    token = Token.objects.create(user=cast.mo)
    response = client.get(url(rnd), headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        # DRF answers 403, not 401, to an anonymous request: the first authentication class
        # (session) sends no WWW-Authenticate challenge.
        ("anonymous", 403),
        ("priya", 403),  # partners read no scorecards, whatever the round
        ("sam", 403),  # a superuser has no authority: the admin, not the API
        ("mo", 200),  # manager assigned to the partnership
        ("alice", 200),
        ("bob", 200),
        ("oscar", 404),  # another authority: nothing tells it the round exists
    ],
)
def test_who_may_read_it(client, cast, rnd, who, status):
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    assert client.get(url(rnd)).status_code == status


def test_a_manager_not_assigned_to_the_partnership_gets_404(client, cast):
    other = factories.project(cast.unassigned_partnership)
    rnd = factories.survey_round(other)
    round_score(round_id=rnd.pk)
    client.force_login(cast.mo)
    assert client.get(url(rnd)).status_code == 404
    client.force_login(cast.alice)
    assert client.get(url(rnd)).status_code == 200


def test_an_unknown_round_is_404(client, cast):
    client.force_login(cast.alice)
    response = client.get(reverse("reports_api:round_scorecard", args=[987_654]))
    assert response.status_code == 404


# --------------------------------------------------------------------------------------------
# The small-number rule


@pytest.fixture
def uneven_round(cast):
    """Youth: 3 respondents, College: 1, Health: 2."""
    rnd = factories.survey_round(cast.project, reporting_mode="anonymous", min_group_size=3)
    youth, college, health = agencies(cast, ["Youth", "College", "Health"])
    for agency, n, likert in [(youth, 3, 5), (college, 1, 1), (health, 2, 3)]:
        for _ in range(n):
            factories.submitted_response(rnd, agency, likert=likert)
    return rnd


def test_an_anonymous_round_pools_agencies_below_k_as_other_agencies(client, cast, uneven_round):
    # k = 3: Youth (3) counts on its own; College (1) and Health (2) are small groups, pooled
    # into one group of 3, which reaches k and so counts as one agency.
    round_score(round_id=factories.closed(uneven_round).pk)
    client.force_login(cast.alice)
    body = client.get(url(uneven_round)).json()

    youth_id = str(cast.authority.agencies.get(name="Youth").pk)
    assert sorted((a["agency"], a["n_respondents"]) for a in body["agencies"]) == [
        ("Other agencies", 3),
        ("Youth", 3),
    ]
    assert body["divergent_items"]
    for item in body["divergent_items"]:
        assert set(item["agency_means"]) == {youth_id, "other"}
    assert body["status"] == "ok" and body["index"] is not None
    assert body["n_agencies"] == 2 and body["n_respondents"] == 6


def test_an_attributed_round_shows_every_agency(client, cast, uneven_round):
    uneven_round.reporting_mode = "attributed"
    uneven_round.save()
    round_score(round_id=uneven_round.pk)
    client.force_login(cast.alice)
    body = client.get(url(uneven_round)).json()

    assert sorted(a["agency"] for a in body["agencies"]) == ["College", "Health", "Youth"]
    assert all(len(item["agency_means"]) == 3 for item in body["divergent_items"])
