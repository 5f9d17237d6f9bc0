"""GET, PUT and DELETE /api/v1/rounds/{id}/responses/{response_id}/ and the paper entries list:
correcting paper questionnaires through the API with the same services as the pages."""

from __future__ import annotations

import pytest

from partnerships.models import AuditEvent
from reports.models import Scorecard
from surveys.models import Response
from tests import factories
from tests.api import client_for
from tests.api.test_responses_api import RANKING, entry
from tests.unchanged import nothing_written


@pytest.fixture
def rnd(cast):
    return factories.survey_round(cast.project)


def url(response):
    return f"/api/v1/rounds/{response.round_id}/responses/{response.pk}/"


def test_an_officer_reads_a_paper_entry_with_its_version(cast, rnd):
    paper = factories.paper_response(rnd, cast.agency, cast.alice, likert=2)
    body = client_for(cast.bob).get(url(paper)).json()
    assert body["id"] == paper.pk and body["agency"] == cast.agency.pk
    assert body["answers"]["aims_1"] == 2 and body["entered_by_officer"] is True
    assert body["version"] == paper.updated_at.isoformat()


def test_the_paper_entries_list_gives_each_id_and_version(cast, rnd):
    paper = factories.paper_response(rnd, cast.agency, cast.alice)
    factories.submitted_response(rnd, cast.agency)  # online: not listed
    body = client_for(cast.alice).get(f"/api/v1/rounds/{rnd.pk}/paper-entries/").json()
    assert [(r["id"], r["version"]) for r in body] == [(paper.pk, paper.updated_at.isoformat())]


def test_put_corrects_the_entry_and_rescores(cast, rnd, django_capture_on_commit_callbacks):
    paper = factories.paper_response(rnd, cast.agency, cast.alice, likert=2)
    body = entry(rnd, cast.agency, version=paper.updated_at.isoformat())
    body["ranking"] = list(reversed(RANKING))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.bob).put(url(paper), body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["answers"]["aims_1"] == 4
    assert response.json()["ranking"] == list(reversed(RANKING))
    assert response.json()["version"] != body["version"]
    assert AuditEvent.objects.filter(action="response.corrected", actor=cast.bob).count() == 1
    assert Scorecard.objects.filter(round=rnd).exists()


def test_put_with_an_old_version_is_a_409_and_writes_nothing(cast, rnd):
    paper = factories.paper_response(rnd, cast.agency, cast.alice)
    old = paper.updated_at.isoformat()
    assert (
        client_for(cast.alice)
        .put(url(paper), entry(rnd, cast.agency, version=old), format="json")
        .status_code
        == 200
    )
    with nothing_written():
        response = client_for(cast.bob).put(
            url(paper), entry(rnd, cast.agency, version=old), format="json"
        )
    assert response.status_code == 409
    assert "Someone else changed this record" in response.json()["detail"]


def test_put_with_bad_answers_is_a_400_on_the_question_and_writes_nothing(cast, rnd):
    paper = factories.paper_response(rnd, cast.agency, cast.alice)
    body = entry(rnd, cast.agency, version=paper.updated_at.isoformat())
    body["answers"]["aims_1"] = 9
    body["ranking"] = RANKING[:3]
    with nothing_written():
        response = client_for(cast.alice).put(url(paper), body, format="json")
    assert response.status_code == 400
    assert "aims_1" in response.json()["answers"] and "ranking" in response.json()


def test_put_without_a_version_is_a_400(cast, rnd):
    paper = factories.paper_response(rnd, cast.agency, cast.alice)
    with nothing_written():
        response = client_for(cast.alice).put(url(paper), entry(rnd, cast.agency), format="json")
    assert response.status_code == 400 and "version" in response.json()


def test_delete_withdraws_with_a_reason(cast, rnd):
    paper = factories.paper_response(rnd, cast.agency, cast.alice)
    response = client_for(cast.alice).delete(
        url(paper), {"reason": "Duplicate", "version": paper.updated_at.isoformat()}, format="json"
    )
    assert response.status_code == 204
    assert not Response.objects.filter(pk=paper.pk).exists()
    assert AuditEvent.objects.get(action="response.withdrawn").data["reason"] == "Duplicate"


def test_delete_without_a_reason_is_a_400(cast, rnd):
    paper = factories.paper_response(rnd, cast.agency, cast.alice)
    with nothing_written():
        response = client_for(cast.alice).delete(
            url(paper), {"version": paper.updated_at.isoformat()}, format="json"
        )
    assert response.status_code == 400 and "reason" in response.json()


def test_an_online_response_is_refused_with_a_reason(cast, rnd):
    online = factories.submitted_response(rnd, cast.agency)
    version = online.updated_at.isoformat()
    client = client_for(cast.alice)
    with nothing_written():
        assert client.get(url(online)).status_code == 403
        response = client.put(url(online), entry(rnd, cast.agency, version=version), format="json")
        assert response.status_code == 403
        assert "submitted online" in response.json()["detail"]
        assert (
            client.delete(url(online), {"reason": "x", "version": version}, format="json")
        ).status_code == 403


def test_an_anonymous_rounds_entry_is_fixed_once_the_round_has_closed(cast):
    rnd = factories.survey_round(cast.project, reporting_mode="anonymous")
    paper = factories.paper_response(rnd, cast.agency, cast.alice)
    online = factories.submitted_response(rnd, cast.agency)
    client = client_for(cast.alice)
    assert client.get(url(paper)).status_code == 200
    assert client.get(url(online)).status_code == 404  # not even found: see the selector
    factories.closed(rnd)
    version = paper.updated_at.isoformat()
    with nothing_written():
        assert client.get(url(paper)).status_code == 409
        response = client.put(url(paper), entry(rnd, cast.agency, version=version), format="json")
        assert response.status_code == 409 and "published" in response.json()["detail"]
        assert (
            client.delete(url(paper), {"reason": "x", "version": version}, format="json")
        ).status_code == 409
        assert client.get(f"/api/v1/rounds/{rnd.pk}/paper-entries/").status_code == 409


def test_managers_partners_and_other_authorities_cannot_touch_an_entry(cast, rnd):
    paper = factories.paper_response(rnd, cast.agency, cast.alice)
    version = paper.updated_at.isoformat()
    with nothing_written():
        for user, status in ((cast.mo, 403), (cast.priya, 403), (cast.oscar, 404)):
            client = client_for(user)
            assert client.get(url(paper)).status_code == status
            put = client.put(url(paper), entry(rnd, cast.agency, version=version), format="json")
            assert put.status_code == status
            delete = client.delete(url(paper), {"reason": "x", "version": version}, format="json")
            assert delete.status_code == status
