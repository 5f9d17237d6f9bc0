"""Putting a paper questionnaire right: open it, correct it, withdraw it (with a reason); never an
online response; in an anonymous round only until its results are published (at close)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from core.errors import StaleEditError
from partnerships.models import AuditEvent
from reports.models import Scorecard
from surveys import corrections
from surveys.models import Answer, Response
from tests import factories
from tests.surveys.helpers import section_data
from tests.unchanged import nothing_written


@pytest.fixture
def rnd(cast):
    return factories.survey_round(cast.project)


@pytest.fixture
def college(cast):
    return cast.partnership.memberships.exclude(agency=cast.agency).get().agency


def page_data(rnd, agency, *, likert="3", version=None, **extra):
    data = {"agency": agency.pk}
    for section in rnd.instrument.sections.all():
        data.update(section_data(section, likert=likert))
    data.pop("action", None)
    if version is not None:
        data["version"] = version
    data.update(extra)
    return data


def edit_url(entry):
    return reverse("surveys:paper_entry_edit", args=[entry.round_id, entry.pk])


def withdraw_url(entry):
    return reverse("surveys:paper_entry_withdraw", args=[entry.round_id, entry.pk])


def test_the_paper_questionnaires_page_lists_the_entries_with_a_link_to_correct_each(
    client, cast, rnd
):
    entry = factories.paper_response(rnd, cast.agency, cast.alice)
    factories.submitted_response(rnd, cast.agency)  # online: not listed
    client.force_login(cast.bob)
    page = client.get(reverse("surveys:paper_entry_list", args=[rnd.pk]))
    assert [e.pk for e in page.context["entries"]] == [entry.pk]
    assert edit_url(entry) in page.content.decode()


def test_the_round_page_links_to_the_paper_questionnaires_and_the_comments(client, cast, rnd):
    client.force_login(cast.alice)
    body = client.get(reverse("surveys:round_detail", args=[rnd.pk])).content.decode()
    assert reverse("surveys:paper_entry_list", args=[rnd.pk]) in body
    assert reverse("reports:round_comments", args=[rnd.pk]) in body
    client.force_login(cast.mo)  # a manager reads comments but corrects nothing
    body = client.get(reverse("surveys:round_detail", args=[rnd.pk])).content.decode()
    assert reverse("surveys:paper_entry_list", args=[rnd.pk]) not in body
    assert reverse("reports:round_comments", args=[rnd.pk]) in body


def test_an_officer_opens_an_entry_with_what_was_keyed_in(client, cast, rnd):
    entry = factories.paper_response(rnd, cast.agency, cast.alice, likert=2)
    client.force_login(cast.bob)
    page = client.get(edit_url(entry))
    assert page.status_code == 200
    assert page.context["form"]["aims_1"].value() == "2"
    assert page.context["agency_form"]["agency"].value() == cast.agency.pk
    assert page.context["version_form"]["version"].value() == entry.updated_at.isoformat()


def test_a_correction_replaces_the_answers_and_agency_audits_without_answers_and_rescores(
    client, cast, rnd, college, django_capture_on_commit_callbacks
):
    entry = factories.paper_response(
        rnd, cast.agency, cast.alice, likert=2, comments={"works_well": "Shared room"}
    )
    factories.submitted_response(rnd, college, likert=4)
    client.force_login(cast.bob)
    data = page_data(rnd, college, likert="5", version=entry.updated_at.isoformat())
    data["works_well"] = ""  # cleared: the answer goes
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(entry), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.agency == college and entry.submitted_at is not None
    assert set(entry.answers.filter(question__type="likert").values_list("value", flat=True)) == {5}
    assert not entry.answers.filter(question__code="works_well").exists()
    event = AuditEvent.objects.get(action="response.corrected")
    assert event.actor == cast.bob and event.object_id == str(entry.pk)
    # ids and a count only: 36 Likert answers changed, one comment cleared, and the page's
    # position and two other comments added (section_data fills them in): 40.
    assert event.data == {
        "round": rnd.pk,
        "agency": college.pk,
        "previous_agency": cast.agency.pk,
        "answers_changed": 40,
    }
    assert "Shared room" not in str(event.data)
    # Rescored from the corrected entry: both responses now answer the same agency, so the
    # round has one agency and is "insufficient", where before it had two.
    latest = Scorecard.objects.latest_of_round(rnd)
    assert latest is not None and latest.n_agencies == 1 and latest.status == "insufficient"


def test_an_incomplete_correction_keeps_the_entry_as_it_was(client, cast, rnd):
    entry = factories.paper_response(rnd, cast.agency, cast.alice, likert=2)
    client.force_login(cast.alice)
    data = {
        k: v
        for k, v in page_data(rnd, cast.agency, version=entry.updated_at.isoformat()).items()
        if "__rank__" not in k
    }
    with nothing_written():
        page = client.post(edit_url(entry), data)
    assert page.status_code == 200 and page.context["form"].errors


def test_the_service_refuses_an_incomplete_correction_and_writes_nothing(cast, rnd):
    entry = factories.paper_response(rnd, cast.agency, cast.alice, likert=2)
    with nothing_written(), pytest.raises(ValidationError):
        corrections.paper_response_correct(
            actor=cast.alice,
            response=entry,
            agency=cast.agency,
            values={"aims_1": 5},  # no ranking: the required question
            expected_version=corrections.entry_version(entry),
        )


def test_a_correction_based_on_an_older_version_is_refused_and_says_so(client, cast, rnd):
    entry = factories.paper_response(rnd, cast.agency, cast.alice, likert=2)
    old_version = entry.updated_at.isoformat()
    client.force_login(cast.alice)
    assert (
        client.post(edit_url(entry), page_data(rnd, cast.agency, likert="4", version=old_version))
    ).status_code == 302
    # Bob opened the entry before Alice saved: his change is refused, hers stands.
    client.force_login(cast.bob)
    with nothing_written():
        response = client.post(
            edit_url(entry), page_data(rnd, cast.agency, likert="1", version=old_version)
        )
    assert response.status_code == 302 and response["Location"] == edit_url(entry)
    page = client.get(response["Location"])
    assert "Another officer changed this paper questionnaire" in page.content.decode()
    assert entry.answers.filter(question__code="aims_1").get().value == 4


def test_an_officer_withdraws_an_entry_with_a_reason_and_the_round_is_rescored(
    client, cast, rnd, college, django_capture_on_commit_callbacks
):
    entry = factories.paper_response(rnd, cast.agency, cast.alice)
    factories.submitted_response(rnd, college)
    factories.submitted_response(rnd, cast.agency)
    client.force_login(cast.bob)
    assert client.get(withdraw_url(entry)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            withdraw_url(entry),
            {"reason": "Keyed in twice", "version": entry.updated_at.isoformat()},
        )
    assert response.status_code == 302
    assert not Response.objects.filter(pk=entry.pk).exists()
    assert not Answer.objects.filter(response_id=entry.pk).exists()
    event = AuditEvent.objects.get(action="response.withdrawn")
    assert event.actor == cast.bob
    assert event.data == {"round": rnd.pk, "agency": cast.agency.pk, "reason": "Keyed in twice"}
    latest = Scorecard.objects.latest_of_round(rnd)
    assert latest is not None and latest.submissions_seen == 2


def test_a_withdrawal_needs_a_reason(client, cast, rnd):
    entry = factories.paper_response(rnd, cast.agency, cast.alice)
    client.force_login(cast.alice)
    with nothing_written():
        page = client.post(
            withdraw_url(entry), {"reason": "   ", "version": entry.updated_at.isoformat()}
        )
    assert page.status_code == 200 and "reason" in page.context["form"].errors


def test_the_service_refuses_a_withdrawal_without_a_reason(cast, rnd):
    entry = factories.paper_response(rnd, cast.agency, cast.alice)
    with nothing_written(), pytest.raises(ValidationError) as error:
        corrections.paper_response_withdraw(
            actor=cast.alice,
            response=entry,
            reason="",
            expected_version=corrections.entry_version(entry),
        )
    assert "reason" in error.value.message_dict


def test_an_online_response_is_never_opened_corrected_or_withdrawn_by_staff(client, cast, rnd):
    online = factories.submitted_response(rnd, cast.agency)
    client.force_login(cast.alice)
    version = online.updated_at.isoformat()
    with nothing_written():
        assert client.get(edit_url(online)).status_code == 403
        assert (
            client.post(edit_url(online), page_data(rnd, cast.agency, version=version)).status_code
            == 403
        )
        assert client.get(withdraw_url(online)).status_code == 403
        assert (
            client.post(withdraw_url(online), {"reason": "x", "version": version}).status_code
            == 403
        )
    with nothing_written(), pytest.raises(corrections.NotAPaperEntry):
        corrections.paper_response_withdraw(
            actor=cast.alice, response=online, reason="x", expected_version=version
        )


def test_in_an_anonymous_round_an_entry_is_corrected_while_open_and_fixed_once_closed(client, cast):
    rnd = factories.survey_round(cast.project, reporting_mode="anonymous")
    entry = factories.paper_response(rnd, cast.agency, cast.alice, likert=2)
    client.force_login(cast.alice)
    assert client.get(edit_url(entry)).status_code == 200
    response = client.post(
        edit_url(entry),
        page_data(rnd, cast.agency, likert="4", version=entry.updated_at.isoformat()),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    factories.closed(rnd)
    with nothing_written():
        assert client.get(edit_url(entry)).status_code == 403
        response = client.post(
            edit_url(entry),
            page_data(rnd, cast.agency, likert="1", version=entry.updated_at.isoformat()),
        )
        assert response.status_code == 403
        assert "until then" in response.content.decode()
        assert (
            client.post(
                withdraw_url(entry), {"reason": "x", "version": entry.updated_at.isoformat()}
            ).status_code
            == 403
        )
    # The list shows no entry of a published round, only why.
    page = client.get(reverse("surveys:paper_entry_list", args=[rnd.pk]))
    assert page.context["entries"] == [] and page.context["locked"]


def test_an_anonymous_rounds_online_response_is_not_found_at_all(client, cast):
    # Whether an id is one of the round's online responses would itself say who answered when.
    rnd = factories.survey_round(cast.project, reporting_mode="anonymous")
    online = factories.submitted_response(rnd, cast.agency)
    client.force_login(cast.alice)
    assert client.get(edit_url(online)).status_code == 404


def test_a_round_that_closed_while_the_page_was_open_refuses_the_anonymous_change(cast):
    rnd = factories.survey_round(cast.project, reporting_mode="anonymous")
    entry = factories.paper_response(rnd, cast.agency, cast.alice)
    version = corrections.entry_version(entry)  # the page was loaded...
    factories.closed(rnd)  # ...then the round closed
    with nothing_written(), pytest.raises(corrections.PaperEntryLocked):
        corrections.paper_response_withdraw(
            actor=cast.alice, response=entry, reason="x", expected_version=version
        )


def test_an_attributed_rounds_entry_can_still_be_corrected_after_close(client, cast, rnd):
    entry = factories.paper_response(rnd, cast.agency, cast.alice)
    factories.closed(rnd)
    client.force_login(cast.alice)
    assert client.get(edit_url(entry)).status_code == 200


def test_another_authoritys_officer_finds_no_entry(client, cast, rnd):
    entry = factories.paper_response(rnd, cast.agency, cast.alice)
    client.force_login(cast.oscar)
    with nothing_written():
        assert client.get(edit_url(entry)).status_code == 404
        assert client.post(withdraw_url(entry), {"reason": "x", "version": "v"}).status_code == 404


def test_an_entry_of_another_round_is_not_found_under_this_one(client, cast, rnd):
    other = factories.survey_round(cast.project)
    entry = factories.paper_response(other, cast.agency, cast.alice)
    client.force_login(cast.alice)
    assert (
        client.get(reverse("surveys:paper_entry_edit", args=[rnd.pk, entry.pk])).status_code == 404
    )


def test_a_malformed_version_is_a_stale_edit(cast, rnd):
    entry = factories.paper_response(rnd, cast.agency, cast.alice)
    with nothing_written(), pytest.raises(StaleEditError):
        corrections.paper_response_withdraw(
            actor=cast.alice, response=entry, reason="x", expected_version="yesterday"
        )
    later = (entry.updated_at + dt.timedelta(microseconds=1)).isoformat()
    with nothing_written(), pytest.raises(StaleEditError):
        corrections.paper_response_withdraw(
            actor=cast.alice, response=entry, reason="x", expected_version=later
        )


@pytest.mark.django_db(transaction=True)
def test_two_officers_withdrawing_at_once_withdraw_it_once(cast):
    """Two requests at the same moment on the same version: one withdraws, the other is refused
    as stale (it waited for the first's lock), and one audit row says so."""
    rnd = factories.survey_round(cast.project)
    entry = factories.paper_response(rnd, cast.agency, cast.alice)
    version = corrections.entry_version(entry)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def withdraw(actor):
        barrier.wait()
        try:
            corrections.paper_response_withdraw(
                actor=actor, response=entry, reason="twice", expected_version=version
            )
            outcomes.append("withdrawn")
        except StaleEditError:
            outcomes.append("refused")
        except Exception as exc:  # SQLite: "database is locked" for the loser
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=withdraw, args=(u,)) for u in (cast.alice, cast.bob)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("withdrawn") == 1, outcomes
    assert AuditEvent.objects.filter(action="response.withdrawn").count() == 1
    assert not Response.objects.filter(pk=entry.pk).exists()


def test_a_change_to_an_entry_withdrawn_meanwhile_says_so(client, cast, rnd):
    entry = factories.paper_response(rnd, cast.agency, cast.alice)
    version = entry.updated_at.isoformat()
    client.force_login(cast.alice)
    page = client.get(edit_url(entry))  # Bob withdraws it while Alice has it open
    assert page.status_code == 200
    corrections.paper_response_withdraw(
        actor=cast.bob, response=entry, reason="Duplicate", expected_version=version
    )
    with pytest.raises(StaleEditError):
        corrections.paper_response_correct(
            actor=cast.alice,
            response=entry,
            agency=cast.agency,
            values={},
            expected_version=version,
        )
    response = client.post(withdraw_url(entry), {"reason": "Again", "version": version})
    assert response.status_code == 404  # it is gone: not found, nothing written


def test_a_correction_in_an_open_anonymous_round_publishes_nothing(
    client, cast, django_capture_on_commit_callbacks
):
    # Rescoring is asked for, but an open anonymous round stores no scorecard: nothing of the
    # change can be read until the round closes, when the entry is fixed.
    rnd = factories.survey_round(cast.project, reporting_mode="anonymous")
    entry = factories.paper_response(rnd, cast.agency, cast.alice, likert=2)
    with django_capture_on_commit_callbacks(execute=True):
        corrections.paper_response_correct(
            actor=cast.alice,
            response=entry,
            agency=cast.agency,
            values={
                "outcome_priorities": {
                    "participant_needs": 1,
                    **{
                        o["code"]: i + 2
                        for i, o in enumerate(
                            rnd.instrument.questions.get(code="outcome_priorities").options[1:]
                        )
                    },
                }
            },
            expected_version=corrections.entry_version(entry),
        )
    assert not Scorecard.objects.filter(round=rnd).exists()
