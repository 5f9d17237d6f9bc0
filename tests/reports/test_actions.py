"""Action plans: recorded from a round's dashboard, tracked to the next round's measured change."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import AuditEvent
from reports.models import Action, ActionStatus
from reports.services import round_score
from reports.services.actions import action_create, action_status_change
from tests import factories
from tests.reports.test_dashboard_pages import CONNECTED, DISCONNECTED, _college, _likert
from tests.unchanged import nothing_written

TODAY = timezone.localdate()


def _round(cast, pole, *, days_ago):
    rnd = factories.survey_round(
        cast.project,
        opens_on=TODAY - dt.timedelta(days=days_ago),
        closes_on=TODAY - dt.timedelta(days=days_ago - 14),
    )
    for agency in (cast.agency, _college(cast)):
        factories.submitted_response(rnd, agency, likert=_likert(pole, rnd.instrument))
    round_score(round_id=rnd.pk)
    return rnd


def _form(cast, rnd, **fields):
    return {
        "component": "client_focus",
        "description": "Start a young people's forum that meets before each partnership meeting.",
        "lead_agency": str(cast.agency.pk),
        "due_on": (rnd.opens_on + dt.timedelta(days=60)).isoformat(),
        "note": "",
        **fields,
    }


def _record(cast, rnd, *, component="client_focus", due_in=60, actor=None):
    return action_create(
        actor=actor or cast.alice,
        survey_round=rnd,
        component=component,
        description="Start a young people's forum.",
        lead_agency_id=cast.agency.pk,
        due_on=rnd.opens_on + dt.timedelta(days=due_in),
    )


@pytest.mark.parametrize("who", ["alice", "mo"])
def test_officers_and_managers_record_an_action_from_the_dashboard(client, cast, who):
    rnd = _round(cast, DISCONNECTED, days_ago=30)
    client.force_login(getattr(cast, who))
    dashboard = client.get(reverse("reports:project_dashboard", args=[cast.project.pk]))
    create_url = reverse("reports:action_create", args=[rnd.pk])
    assert create_url in dashboard.content.decode()
    response = client.post(create_url, _form(cast, rnd))
    action = Action.objects.get()
    assert response["Location"] == reverse("reports:action_detail", args=[action.pk])
    assert (action.component, action.lead_agency, action.status) == (
        "client_focus",
        cast.agency,
        ActionStatus.PLANNED,
    )
    assert [(u.status, u.noted_on) for u in action.updates.all()] == [("planned", TODAY)]
    event = AuditEvent.objects.get(action="action.created")
    assert event.actor == getattr(cast, who)
    assert event.data["component"] == "client_focus"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"component": "charisma"}, "component", "a component this round's questionnaire"),
        ({"lead_agency": "other"}, "lead_agency", "Choose the lead from the agencies"),
        ({"due_on": "before"}, "due_on", "on or after the day the round opened"),
        ({"description": "   "}, "description", "This field is required"),
    ],
)
def test_bad_input_says_why_and_saves_nothing(client, cast, fields, field, message):
    rnd = _round(cast, DISCONNECTED, days_ago=30)
    outsider = factories.agency(cast.authority, "Not a member")
    values = {
        "other": str(outsider.pk),
        "before": (rnd.opens_on - dt.timedelta(days=1)).isoformat(),
    }
    given = {k: values.get(v, v) for k, v in fields.items()}
    client.force_login(cast.alice)
    with nothing_written():
        response = client.post(
            reverse("reports:action_create", args=[rnd.pk]), _form(cast, rnd, **given)
        )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])


def test_the_same_action_sent_twice_is_recorded_once(client, cast):
    rnd = _round(cast, DISCONNECTED, days_ago=30)
    client.force_login(cast.alice)
    url = reverse("reports:action_create", args=[rnd.pk])
    assert client.post(url, _form(cast, rnd)).status_code == 302
    with nothing_written():
        again = client.post(url, _form(cast, rnd))
    assert again.status_code == 200
    assert "already recorded" in " ".join(again.context["form"].non_field_errors())
    assert Action.objects.count() == 1


def test_the_service_refuses_a_component_the_questionnaire_does_not_have(cast):
    rnd = _round(cast, DISCONNECTED, days_ago=30)
    from django.core.exceptions import ValidationError

    with nothing_written(), pytest.raises(ValidationError) as refused:
        _record(cast, rnd, component="charisma")
    assert "component" in refused.value.message_dict


def test_a_status_change_keeps_a_dated_note_and_is_audited(client, cast):
    rnd = _round(cast, DISCONNECTED, days_ago=30)
    action = _record(cast, rnd)
    client.force_login(cast.mo)
    url = reverse("reports:action_detail", args=[action.pk])
    response = client.post(url, {"status": "under_way", "note": "First forum held in March."})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "First forum held in March." in page and "Under way" in page
    action.refresh_from_db()
    assert action.status == "under_way"
    assert [u.status for u in action.updates.all()] == ["planned", "under_way"]
    event = AuditEvent.objects.get(action="action.status_changed")
    assert (event.actor, event.data) == (cast.mo, {"from": "planned", "to": "under_way"})


def test_a_status_change_without_a_note_or_to_the_same_status_is_refused(client, cast):
    rnd = _round(cast, DISCONNECTED, days_ago=30)
    action = _record(cast, rnd)
    client.force_login(cast.alice)
    url = reverse("reports:action_detail", args=[action.pk])
    with nothing_written():
        response = client.post(url, {"status": "done", "note": ""})
        assert "note" in response.context["form"].errors
        response = client.post(url, {"status": "planned", "note": "Again"})
        assert "status" in response.context["form"].errors  # not offered: already planned


def test_the_next_rounds_dashboard_shows_last_rounds_actions_with_their_change(client, cast):
    first = _round(cast, DISCONNECTED, days_ago=200)
    _record(cast, first, component="client_focus")
    _record(cast, first, component="structure")
    _round(cast, CONNECTED, days_ago=20)
    client.force_login(cast.mo)
    response = client.get(reverse("reports:project_dashboard", args=[cast.project.pk]))
    block = response.context["actions"]
    assert block.previous == first
    changes = {row.action.component: row.change for row in block.previous_actions}
    # Both agencies moved from the disconnected to the connected pole: a clear improvement.
    assert changes["client_focus"].previous == 0.0 and changes["client_focus"].new == 1.0
    assert changes["client_focus"].verdict == "improved"
    assert changes["structure"].verdict == "improved"
    body = response.content.decode()
    assert f"Actions after {first.title}, and what changed" in body
    assert body.count("<strong>Improved</strong>") == 2


def test_no_change_between_two_alike_rounds_is_said_in_words(client, cast):
    first = _round(cast, CONNECTED, days_ago=200)
    _record(cast, first, component="aims")
    _round(cast, CONNECTED, days_ago=20)
    client.force_login(cast.alice)
    response = client.get(reverse("reports:project_dashboard", args=[cast.project.pk]))
    (row,) = response.context["actions"].previous_actions
    assert (row.change.verdict, row.change.difference) == ("no_clear_change", 0.0)
    assert "<strong>No clear change</strong>" in response.content.decode()


def test_the_overview_lists_overdue_actions_that_are_not_done(client, cast):
    rnd = _round(cast, DISCONNECTED, days_ago=200)
    overdue = _record(cast, rnd, due_in=10)
    done = _record(cast, rnd, due_in=11)
    action_status_change(actor=cast.alice, action=done, status="done", note="Done.")
    dropped = _record(cast, rnd, due_in=12)
    action_status_change(actor=cast.alice, action=dropped, status="dropped", note="No funding.")
    _record(cast, rnd, due_in=400)  # not due yet
    client.force_login(cast.alice)
    response = client.get(reverse("reports:authority_overview"))
    assert [a.pk for a in response.context["overdue_actions"]] == [overdue.pk]
    # Oscar's authority sees none of it.
    client.force_login(cast.oscar)
    assert client.get(reverse("reports:authority_overview")).context["overdue_actions"] == []


def test_the_scores_csv_lists_the_actions(client, cast):
    rnd = _round(cast, DISCONNECTED, days_ago=30)
    action = _record(cast, rnd)
    client.force_login(cast.alice)
    response = client.get(reverse("reports:project_scores_csv", args=[cast.project.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header = rows.index(
        ["action_round", "action", "component", "description", "lead_agency", "due_on",
         "status", "status_noted_on", "status_note"]
    )  # fmt: skip
    assert rows[header - 1] == []
    assert rows[header + 1][:3] == [rnd.title, str(action.pk), "client_focus"]
    assert rows[header + 1][4:7] == [
        "Northshire Youth Service",
        action.due_on.isoformat(),
        "planned",
    ]


def test_the_api_lists_creates_and_updates_actions(client, cast):
    rnd = _round(cast, DISCONNECTED, days_ago=30)
    client.force_login(cast.mo)
    url = reverse("reports_api:round_actions", args=[rnd.pk])
    created = client.post(
        url,
        {
            "component": "information",
            "description": "Agree a sharing protocol.",
            "lead_agency": cast.agency.pk,
            "due_on": (rnd.opens_on + dt.timedelta(days=30)).isoformat(),
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["component"], body["status"], body["lead_agency_name"]) == (
        "information",
        "planned",
        "Northshire Youth Service",
    )
    status_url = reverse("reports_api:action_status", args=[body["id"]])
    changed = client.post(
        status_url, {"status": "done", "note": "Signed."}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert [u["status"] for u in changed.json()["updates"]] == ["planned", "done"]
    listed = client.get(url).json()
    assert [(a["id"], a["status"]) for a in listed] == [(body["id"], "done")]


def test_the_api_says_why_it_refuses_and_saves_nothing(client, cast):
    rnd = _round(cast, DISCONNECTED, days_ago=30)
    outsider = factories.agency(cast.authority, "Not a member")
    client.force_login(cast.alice)
    url = reverse("reports_api:round_actions", args=[rnd.pk])
    body = {
        "component": "information",
        "description": "Something.",
        "lead_agency": outsider.pk,
        "due_on": (rnd.opens_on - dt.timedelta(days=1)).isoformat(),
    }
    with nothing_written():
        refused = client.post(url, body, content_type="application/json")
        unknown = client.post(
            url, {**body, "component": "charisma"}, content_type="application/json"
        )
    assert refused.status_code == 400
    errors = refused.json()
    assert set(errors) == {"lead_agency", "due_on"}
    assert "members of this partnership" in errors["lead_agency"][0]
    assert "on or after the day the round opened" in errors["due_on"][0]
    assert unknown.status_code == 400
    assert "is not a valid choice" in unknown.json()["component"][0]


def test_the_actions_block_reads_in_a_constant_number_of_queries(django_assert_num_queries, cast):
    from reports import action_plans, dashboards

    first = _round(cast, DISCONNECTED, days_ago=200)
    for component in ("aims", "outcomes", "structure"):
        _record(cast, first, component=component)
    second = _round(cast, CONNECTED, days_ago=20)
    _record(cast, second, component="aims")
    frame = dashboards.project_dashboard_frame(cast.alice, cast.project.pk)
    # The shown round's questionnaire (for its labels), both rounds' actions in one query, their
    # updates, both scorecards and the ranking's options: five, whatever the number of actions.
    with django_assert_num_queries(5):
        block = action_plans.actions_block(frame)
    assert len(block.previous_actions) == 3 and len(block.actions) == 1


# --- Issue 18: the action plans come from the cache until an action changes ------------------
def test_a_cached_dashboard_shows_a_new_action_and_a_status_change_at_once(client, cast):
    rnd = _round(cast, DISCONNECTED, days_ago=30)
    client.force_login(cast.mo)
    url = reverse("reports:project_dashboard", args=[cast.project.pk])
    assert "No actions recorded after this round yet." in client.get(url).content.decode()
    assert "No actions recorded after this round yet." in client.get(url).content.decode()
    action = _record(cast, rnd)
    body = client.get(url).content.decode()
    assert "Start a young people&#x27;s forum." in body and "Planned" in body
    action_status_change(actor=cast.alice, action=action, status="under_way", note="Begun.")
    body = client.get(url).content.decode()
    assert "Under way" in body and "Planned" not in body.partition('id="h-actions"')[2]


def test_an_action_falls_overdue_on_a_cached_dashboard_the_next_day(client, cast, monkeypatch):
    rnd = _round(cast, DISCONNECTED, days_ago=30)
    _record(cast, rnd, due_in=31)  # due tomorrow
    client.force_login(cast.mo)
    url = reverse("reports:project_dashboard", args=[cast.project.pk])
    assert "(overdue)" not in client.get(url).content.decode()
    tomorrow = TODAY + dt.timedelta(days=2)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: tomorrow)
    assert "(overdue)" in client.get(url).content.decode()
