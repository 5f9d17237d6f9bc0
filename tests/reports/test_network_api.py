"""The network stored with a round's scorecard, and GET /api/v1/rounds/{id}/network/.

Three member agencies: the youth service (two respondents), the college (two) and the school
(one). Expected figures are worked by hand in each test.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from partnerships.models import Role
from reports.models import Scorecard
from reports.services import round_score
from tests import factories


@pytest.fixture
def members(cast):
    school = factories.agency(cast.authority, "Riverside Academy", agency_type="school")
    factories.membership(cast.partnership, school)
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    return cast.agency, college, school


def answered_round(cast, members, **fields):
    youth, college, school = members
    rnd = factories.survey_round(cast.project, instrument=factories.instrument_version(2), **fields)
    # Youth rates the college 4 and 4, the school 1 and don't know; the college rates the youth
    # service 1 and 1 (a mismatch: 4 vs 1) and the school 0; the school rates the youth 2.
    factories.submitted_response(rnd, youth, relationships={college: 4, school: 1})
    factories.submitted_response(rnd, youth, relationships={college: 4, school: None})
    factories.submitted_response(rnd, college, relationships={youth: 1, school: 0})
    factories.submitted_response(rnd, college, relationships={youth: 1, school: 0})
    factories.submitted_response(rnd, school, relationships={youth: 2})
    return rnd


def url(rnd) -> str:
    return reverse("reports_api:round_network", args=[rnd.pk])


def test_the_url_is_under_api_v1(cast, members):
    rnd = answered_round(cast, members)
    assert url(rnd) == f"/api/v1/rounds/{rnd.pk}/network/"


def test_an_officer_reads_the_network_of_an_attributed_round(client, cast, members):
    youth, college, school = members
    rnd = answered_round(cast, members)
    round_score(round_id=rnd.pk)
    client.force_login(cast.alice)
    body = client.get(url(rnd)).json()
    assert body["status"] == "ok" and (body["n_nodes"], body["n_raters"]) == (3, 3)
    pairs = {(p["a"], p["b"]): p for p in body["pairs"]}
    ids = sorted([youth.pk, college.pk, school.pk])
    assert list(pairs) == [(ids[0], ids[1]), (ids[0], ids[2]), (ids[1], ids[2])]

    def pair(x, y):
        return pairs.get((x.pk, y.pk)) or pairs[(y.pk, x.pk)]

    youth_college = pair(youth, college)
    assert youth_college["level"] == 2.5 and youth_college["mismatch"]  # (4 + 1) / 2, gap 3
    assert pair(youth, school)["level"] == 1.5  # (1 + 2) / 2
    assert pair(college, school)["level"] == 0.0
    assert body["density"] == pytest.approx(1 / 3, abs=1e-4)
    assert body["mean_level"] == pytest.approx(4 / 3, abs=1e-4)
    nodes = {n["name"]: n for n in body["nodes"]}
    assert nodes["Northshire Youth Service"]["degree"] == 1
    assert nodes["Northshire College"]["normalised_degree"] == 0.5
    assert nodes["Riverside Academy"]["isolated"] is True  # rated, no tie at 2 or more
    assert nodes["Riverside Academy"]["agency_id"] == school.pk
    # Degrees 1, 1, 0: (0 + 0 + 1) / ((2)(1)).
    assert body["centralization"] == 0.5
    assert set(body) == {
        "status",
        "nodes",
        "pairs",
        "density",
        "mean_level",
        "centralization",
        "n_nodes",
        "n_raters",
        "computed_at",
    }
    assert set(body["pairs"][0]) == {"a", "b", "r_ab", "r_ba", "level", "mismatch"}


def test_an_anonymous_round_is_read_only_once_closed_and_small_groups_do_not_rate(
    client, cast, members
):
    rnd = answered_round(cast, members, reporting_mode="anonymous", min_group_size=2)
    client.force_login(cast.alice)
    assert round_score(round_id=rnd.pk) is None  # open: nothing published
    response = client.get(url(rnd))
    assert response.status_code == 404
    assert "published when it closes" in response.json()["detail"]
    factories.closed(rnd)
    round_score(round_id=rnd.pk)
    body = client.get(url(rnd)).json()
    # The school has one respondent (< k = 2): it is rated, but its rating of 2 is not read.
    youth, _college, school = members
    youth_school = next(p for p in body["pairs"] if {p["a"], p["b"]} == {youth.pk, school.pk})
    assert youth_school["level"] == 1.0 and body["n_raters"] == 2


def test_a_version_one_round_has_no_network(client, cast, members):
    rnd = factories.survey_round(cast.project)
    factories.submitted_response(rnd, cast.agency)
    round_score(round_id=rnd.pk)
    assert Scorecard.objects.get(round=rnd).network is None
    client.force_login(cast.alice)
    response = client.get(url(rnd))
    assert response.status_code == 404
    assert "does not ask about working relationships" in response.json()["detail"]


def test_a_round_not_scored_yet_is_404(client, cast, members):
    client.force_login(cast.alice)
    rnd = answered_round(cast, members)
    assert client.get(url(rnd)).status_code == 404


def test_too_few_raters_is_insufficient(client, cast, members):
    youth, college, _school = members
    rnd = factories.survey_round(cast.project, instrument=factories.instrument_version(2))
    factories.submitted_response(rnd, youth, relationships={college: 3})
    round_score(round_id=rnd.pk)
    client.force_login(cast.alice)
    body = client.get(url(rnd)).json()
    assert body["status"] == "insufficient" and body["nodes"] == [] and body["density"] is None


def test_a_manager_reads_only_assigned_partnerships_and_partners_not_at_all(client, cast, members):
    rnd = answered_round(cast, members)
    round_score(round_id=rnd.pk)
    client.force_login(cast.mo)
    assert client.get(url(rnd)).status_code == 200
    unassigned = factories.user("una", auth=cast.authority, role=Role.MANAGER)
    client.force_login(unassigned)
    assert client.get(url(rnd)).status_code == 404
    client.force_login(cast.priya)
    assert client.get(url(rnd)).status_code == 403
    client.force_login(cast.oscar)
    assert client.get(url(rnd)).status_code == 404


def test_rescore_recomputes_the_network(cast, members):
    rnd = answered_round(cast, members)
    round_score(round_id=rnd.pk)
    Scorecard.objects.filter(round=rnd).update(network=None)
    call_command("rescore", "--round", str(rnd.pk), stdout=StringIO())
    latest = Scorecard.objects.latest_of_round(rnd)
    assert latest is not None and latest.network is not None
    assert latest.network["status"] == "ok" and latest.network["n_raters"] == 3
