"""Officers edit a round after opening it: what may change, what may not, and why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.errors import StaleEditError
from partnerships.models import AuditEvent
from surveys.models import Round
from surveys.round_edit import round_update
from tests import factories
from tests.api import client_for
from tests.unchanged import nothing_written

TODAY = timezone.localdate()


def days(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


def form_data(rnd: Round, **changes) -> dict:
    data = {
        "title": rnd.title,
        "opens_on": rnd.opens_on.isoformat(),
        "closes_on": rnd.closes_on.isoformat(),
        "reporting_mode": rnd.reporting_mode,
        "min_group_size": str(rnd.min_group_size),
        "introduction": rnd.introduction,
        "version": str(rnd.version),
    }
    return {**data, **changes}


@pytest.fixture
def rnd(cast):
    # Opened a week ago, closes in a fortnight (the factory's dates).
    return factories.survey_round(cast.project, title="Spring 2026 survey")


def edit(client, rnd, **changes):
    return client.post(reverse("surveys:round_edit", args=[rnd.pk]), form_data(rnd, **changes))


def test_an_officer_changes_the_title_introduction_and_closing_date(client, cast, rnd):
    client.force_login(cast.alice)
    response = edit(
        client,
        rnd,
        title="Spring 2026 partnership survey",
        introduction="New words.",
        closes_on=days(30),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:round_detail", args=[rnd.pk])
    rnd.refresh_from_db()
    assert rnd.title == "Spring 2026 partnership survey"
    assert rnd.introduction == "New words."
    assert rnd.closes_on == TODAY + dt.timedelta(days=30)
    assert rnd.version == 2
    event = AuditEvent.objects.get(action="round.updated")
    assert event.actor == cast.alice and event.object_id == str(rnd.pk)
    assert event.data == {
        "title": {"from": "Spring 2026 survey", "to": "Spring 2026 partnership survey"},
        "closes_on": {"from": days(14), "to": days(30)},
        # Free text is recorded as changed, never with its words.
        "introduction": {"changed": "yes"},
    }


def test_the_edit_page_shows_the_round_and_offers_no_questionnaire(client, cast, rnd):
    client.force_login(cast.alice)
    response = client.get(reverse("surveys:round_edit", args=[rnd.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert "instrument" not in form.fields
    assert form["title"].value() == "Spring 2026 survey"
    # No response yet: the reporting mode and k may still change; dates too.
    assert not any(form.fields[name].disabled for name in form.fields)


def test_a_closing_date_before_the_opening_date_is_refused_on_the_field(client, cast, rnd):
    client.force_login(cast.alice)
    with nothing_written():
        response = edit(client, rnd, opens_on=days(10), closes_on=days(5))
    assert response.status_code == 200
    assert response.context["form"].errors["closes_on"] == [
        "The closing date must be on or after the opening date."
    ]


def test_a_closing_date_in_the_past_is_refused_and_points_to_the_close_button(client, cast, rnd):
    client.force_login(cast.alice)
    with nothing_written():
        response = edit(client, rnd, closes_on=days(-1))
    errors = response.context["form"].errors["closes_on"]
    assert errors == [
        "The closing date must be today or later. To close the round now, use its Close button."
    ]


def test_an_open_rounds_closing_date_can_be_brought_forward_to_today(client, cast, rnd):
    client.force_login(cast.alice)
    edit(client, rnd, closes_on=days(0))
    rnd.refresh_from_db()
    assert rnd.closes_on == TODAY and rnd.is_open()


def test_an_open_rounds_opening_date_cannot_move_after_today(client, cast, rnd):
    client.force_login(cast.alice)
    with nothing_written():
        response = edit(client, rnd, opens_on=days(1))
    assert "opens_on" in response.context["form"].errors
    # Corrected within the past, it stays open.
    edit(client, rnd, opens_on=days(-3))
    rnd.refresh_from_db()
    assert rnd.opens_on == TODAY - dt.timedelta(days=3) and rnd.is_open()


def test_a_round_not_yet_open_can_be_moved_later(client, cast):
    rnd = factories.survey_round(cast.project, opens_on=TODAY + dt.timedelta(days=5))
    client.force_login(cast.alice)
    edit(client, rnd, opens_on=days(9), closes_on=days(40))
    rnd.refresh_from_db()
    assert (rnd.opens_on, rnd.closes_on) == (
        TODAY + dt.timedelta(days=9),
        TODAY + dt.timedelta(days=40),
    )


def test_the_reporting_mode_and_k_change_until_the_first_response(client, cast, rnd):
    client.force_login(cast.alice)
    edit(client, rnd, reporting_mode="anonymous", min_group_size="5")
    rnd.refresh_from_db()
    assert rnd.is_anonymous and rnd.min_group_size == 5


def test_the_reporting_mode_and_k_are_fixed_once_the_round_has_a_response(client, cast, rnd):
    factories.submitted_response(rnd, cast.agency)
    client.force_login(cast.alice)
    page = client.get(reverse("surveys:round_edit", args=[rnd.pk]))
    form = page.context["form"]
    assert form.fields["reporting_mode"].disabled and form.fields["min_group_size"].disabled
    assert "people answered under this promise" in page.content.decode()
    # A posted value for a disabled field is ignored by the form; the rest is saved.
    edit(client, rnd, reporting_mode="anonymous", min_group_size="9", title="Renamed")
    rnd.refresh_from_db()
    assert (rnd.title, rnd.reporting_mode, rnd.min_group_size) == ("Renamed", "attributed", 3)


def test_the_service_refuses_a_locked_field_with_the_reason(cast, rnd):
    factories.submitted_response(rnd, cast.agency)
    with nothing_written(), pytest.raises(ValidationError) as refused:
        round_update(
            actor=cast.alice, survey_round=rnd, expected_version=1, reporting_mode="anonymous"
        )
    assert list(refused.value.message_dict) == ["reporting_mode"]
    # The same value sent back (a form posts every field) is no change, and accepted.
    round_update(actor=cast.alice, survey_round=rnd, expected_version=1, min_group_size=3)


def test_a_closed_round_is_never_reopened_only_renamed(client, cast, rnd):
    factories.closed(rnd)
    client.force_login(cast.alice)
    page = client.get(reverse("surveys:round_edit", args=[rnd.pk]))
    form = page.context["form"]
    assert [name for name in form.fields if not form.fields[name].disabled] == ["title", "version"]
    with nothing_written(), pytest.raises(ValidationError) as refused:
        round_update(
            actor=cast.alice,
            survey_round=rnd,
            expected_version=rnd.version,
            closes_on=TODAY + dt.timedelta(days=60),
        )
    assert "cannot be re-opened" in refused.value.message_dict["closes_on"][0]
    edit(client, rnd, title="Spring 2026 (closed)", closes_on=days(60))
    rnd.refresh_from_db()
    assert rnd.title == "Spring 2026 (closed)" and rnd.closes_on == TODAY + dt.timedelta(days=14)


def test_a_round_past_its_closing_date_is_not_reopened_by_extending(cast):
    rnd = factories.survey_round(
        cast.project,
        opens_on=TODAY - dt.timedelta(days=30),
        closes_on=TODAY - dt.timedelta(days=2),
    )
    with nothing_written(), pytest.raises(ValidationError):
        round_update(
            actor=cast.alice,
            survey_round=rnd,
            expected_version=1,
            closes_on=TODAY + dt.timedelta(days=7),
        )


def test_an_edit_based_on_an_older_version_is_refused(client, cast, rnd):
    client.force_login(cast.alice)
    stale = form_data(rnd, title="Alice's title")
    client.force_login(cast.bob)
    edit(client, rnd, title="Bob's title")  # Bob saves first
    client.force_login(cast.alice)
    with nothing_written():
        response = client.post(reverse("surveys:round_edit", args=[rnd.pk]), stale)
    assert response.status_code == 200
    assert "Someone else changed this round" in response.content.decode()
    rnd.refresh_from_db()
    assert rnd.title == "Bob's title"


def test_closing_a_round_makes_an_edit_opened_before_it_stale(cast, rnd):
    from surveys.services import round_close

    round_close(actor=cast.alice, survey_round=rnd)
    with pytest.raises(StaleEditError):
        round_update(actor=cast.alice, survey_round=rnd, expected_version=1, title="Late")


def test_managers_cannot_edit_and_other_authorities_get_404(client, cast, rnd):
    client.force_login(cast.mo)
    with nothing_written():
        assert edit(client, rnd, title="Mo's").status_code == 403
    client.force_login(cast.oscar)
    with nothing_written():
        assert edit(client, rnd, title="Oscar's").status_code == 404


# --- The API ------------------------------------------------------------------------------------
def test_patch_changes_the_round_and_answers_the_new_version(cast, rnd):
    response = client_for(cast.alice).patch(
        f"/api/v1/rounds/{rnd.pk}/",
        {"version": 1, "closes_on": days(21), "invitation_message": "Thank you."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["closes_on"], body["version"], body["invitation_message"]) == (
        days(21),
        2,
        "Thank you.",
    )
    assert AuditEvent.objects.get(action="round.updated").data == {
        "closes_on": {"from": days(14), "to": days(21)},
        "invitation_message": {"changed": "yes"},
    }


def test_patch_without_a_version_is_refused(cast, rnd):
    with nothing_written():
        response = client_for(cast.alice).patch(
            f"/api/v1/rounds/{rnd.pk}/", {"title": "No version"}, format="json"
        )
    assert response.status_code == 400 and list(response.json()) == ["version"]


def test_patch_based_on_an_older_version_is_409(cast, rnd):
    api = client_for(cast.alice)
    api.patch(f"/api/v1/rounds/{rnd.pk}/", {"version": 1, "title": "First"}, format="json")
    with nothing_written():
        response = api.patch(
            f"/api/v1/rounds/{rnd.pk}/", {"version": 1, "title": "Second"}, format="json"
        )
    assert response.status_code == 409


def test_patch_says_which_field_is_wrong(cast, rnd):
    factories.submitted_response(rnd, cast.agency)
    api = client_for(cast.alice)
    with nothing_written():
        backwards = api.patch(
            f"/api/v1/rounds/{rnd.pk}/",
            {"version": 1, "closes_on": days(-20)},
            format="json",
        )
        locked = api.patch(
            f"/api/v1/rounds/{rnd.pk}/", {"version": 1, "min_group_size": 7}, format="json"
        )
        questionnaire = api.patch(
            f"/api/v1/rounds/{rnd.pk}/",
            {"version": 1, "instrument": rnd.instrument_id},
            format="json",
        )
    assert backwards.status_code == 400
    assert backwards.json() == {
        "closes_on": ["The closing date must be on or after the opening date."]
    }
    assert locked.status_code == 400 and list(locked.json()) == ["min_group_size"]
    assert questionnaire.status_code == 400
    assert questionnaire.json() == {"instrument": ["This cannot be changed on a round."]}


def test_patch_by_a_manager_is_403_and_by_another_authority_404(cast, rnd):
    with nothing_written():
        by_mo = client_for(cast.mo).patch(
            f"/api/v1/rounds/{rnd.pk}/", {"version": 1, "title": "x"}, format="json"
        )
        by_oscar = client_for(cast.oscar).patch(
            f"/api/v1/rounds/{rnd.pk}/", {"version": 1, "title": "x"}, format="json"
        )
    assert (by_mo.status_code, by_oscar.status_code) == (403, 404)


def test_the_edit_page_fills_the_date_inputs_as_browsers_read_them(client, cast, rnd):
    client.force_login(cast.alice)
    page = client.get(reverse("surveys:round_edit", args=[rnd.pk])).content.decode()
    assert f'type="date" name="closes_on" value="{days(14)}"' in page


def test_the_service_refuses_a_message_over_the_limit_whoever_calls_it(cast, rnd):
    with nothing_written(), pytest.raises(ValidationError) as refused:
        round_update(
            actor=cast.alice, survey_round=rnd, expected_version=1, invitation_message="x" * 1001
        )
    assert list(refused.value.message_dict) == ["invitation_message"]
