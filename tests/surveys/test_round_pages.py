"""Officers open rounds, invite people, send links and follow the response rate."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from surveys.models import Invitation, Response, Round
from surveys.tasks import send_due_reminders
from surveys.tokens import token_digest
from tests import factories
from tests.surveys.helpers import section_data


def test_an_officer_opens_a_round_with_the_default_introduction(client, cast):
    instrument = factories.default_instrument()
    client.force_login(cast.alice)
    response = client.post(
        reverse("surveys:round_create", args=[cast.project.pk]),
        {
            "title": "Autumn 2026",
            "instrument": instrument.pk,
            "opens_on": "2026-10-01",
            "closes_on": "2026-10-31",
            "reporting_mode": "anonymous",
            "min_group_size": "4",
            "introduction": "",
        },
    )
    survey_round = Round.objects.get(title="Autumn 2026")
    assert response["Location"] == reverse("surveys:round_detail", args=[survey_round.pk])
    assert survey_round.is_anonymous and survey_round.min_group_size == 4
    # The anonymous default text names the group size that applies.
    assert "at least 4 people" in survey_round.introduction


def test_a_round_that_closes_before_it_opens_is_refused(client, cast):
    client.force_login(cast.alice)
    response = client.post(
        reverse("surveys:round_create", args=[cast.project.pk]),
        {
            "title": "Backwards",
            "instrument": factories.default_instrument().pk,
            "opens_on": "2026-10-31",
            "closes_on": "2026-10-01",
            "reporting_mode": "attributed",
            "min_group_size": "3",
        },
    )
    assert "closes_on" in response.context["form"].errors
    assert not Round.objects.exists()


def test_a_group_size_below_two_is_refused(client, cast):
    client.force_login(cast.alice)
    response = client.post(
        reverse("surveys:round_create", args=[cast.project.pk]),
        {
            "title": "Too small",
            "instrument": factories.default_instrument().pk,
            "opens_on": "2026-10-01",
            "closes_on": "2026-10-31",
            "reporting_mode": "anonymous",
            "min_group_size": "1",
        },
    )
    assert "min_group_size" in response.context["form"].errors


def test_inviting_one_person_then_sending_emails_a_working_link(
    client, cast, survey, django_capture_on_commit_callbacks
):
    client.force_login(cast.alice)
    client.post(
        reverse("surveys:invitation_add", args=[survey.round.pk]),
        {"agency": cast.agency.pk, "name": "Kim Worker", "email": "Kim@Example.org"},
    )
    invitation = Invitation.objects.get(email="kim@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:invitations_send", args=[survey.round.pk]))
    # Both unsent invitations (the fixture's and Kim's) went out.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [survey.invitation.email, "kim@example.org"]
    )
    message = next(m for m in mail.outbox if m.to == ["kim@example.org"])
    link = re.search(r"https?://\S+/r/(\S+)/", str(message.body))
    assert link is not None
    token = link.group(1)
    # The token is in the e-mail, never in the database.
    assert invitation.token_hash == token_digest(token)
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert client.get(f"/r/{token}/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.sent_at is not None and invitation.send_count == 1


def test_an_email_the_broker_refuses_is_not_recorded_as_sent(
    client, cast, survey, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(**_message):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("surveys.services.send_email.delay", broker_down)
    client.force_login(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:invitations_send", args=[survey.round.pk]))
    survey.invitation.refresh_from_db()
    assert (survey.invitation.sent_at, survey.invitation.send_count) == (None, 0)
    page = client.get(reverse("surveys:round_detail", args=[survey.round.pk])).content.decode()
    assert "Not sent" in page
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:invitations_send", args=[survey.round.pk]))
    survey.invitation.refresh_from_db()
    assert survey.invitation.sent_at is not None and survey.invitation.send_count == 1
    assert [m.to for m in mail.outbox] == [[survey.invitation.email]]


def test_the_same_person_cannot_be_invited_twice(client, cast, survey):
    client.force_login(cast.alice)
    response = client.post(
        reverse("surveys:invitation_add", args=[survey.round.pk]),
        {"agency": cast.agency.pk, "name": "Again", "email": survey.invitation.email.upper()},
    )
    assert "email" in response.context["form"].errors


def test_only_member_agencies_can_be_invited(client, cast, survey):
    outsider = factories.agency(cast.authority, "Not A Member")
    client.force_login(cast.alice)
    response = client.post(
        reverse("surveys:invitation_add", args=[survey.round.pk]),
        {"agency": outsider.pk, "name": "X", "email": "x@example.org"},
    )
    assert "agency" in response.context["form"].errors


def test_inviting_from_memberships_uses_each_agencys_contact(client, cast, survey):
    cast.agency.email = "youth@example.org"
    cast.agency.contact_name = "Yasmin"
    cast.agency.save()
    client.force_login(cast.alice)
    response = client.post(
        reverse("surveys:invitations_from_memberships", args=[survey.round.pk]), follow=True
    )
    assert Invitation.objects.filter(email="youth@example.org", name="Yasmin").exists()
    # The college has no e-mail: the officer is told, nobody is invented.
    assert "Northshire College" in response.content.decode()


def test_resend_keeps_the_same_link_and_revoke_kills_it(
    client, cast, survey, django_capture_on_commit_callbacks
):
    client.force_login(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:invitation_resend", args=[survey.invitation.pk]))
    assert f"/r/{survey.token}/" in mail.outbox[0].body
    client.post(reverse("surveys:invitation_revoke", args=[survey.invitation.pk]))
    assert client.get(f"/r/{survey.token}/").status_code == 410
    mail.outbox.clear()
    client.post(reverse("surveys:invitation_resend", args=[survey.invitation.pk]))
    assert mail.outbox == []


def test_reminders_go_only_to_people_who_have_not_submitted(
    client, cast, survey, django_capture_on_commit_callbacks
):
    survey.invitation.sent_at = timezone.now()
    survey.invitation.save()
    done = factories.submitted_response(survey.round, cast.agency).invitation
    done.sent_at = timezone.now()
    done.save()
    client.force_login(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:round_remind", args=[survey.round.pk]))
    assert [m.to for m in mail.outbox] == [[survey.invitation.email]]
    assert "Reminder" in mail.outbox[0].subject


def test_automatic_reminders_go_out_once_a_few_days_before_closing(
    cast, survey, django_capture_on_commit_callbacks
):
    survey.invitation.sent_at = timezone.now()
    survey.invitation.save()
    later = factories.survey_round(
        cast.project, closes_on=timezone.localdate() + dt.timedelta(days=20)
    )
    factories.invitation(later, cast.agency)
    survey.round.closes_on = timezone.localdate() + dt.timedelta(days=2)
    survey.round.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 0
    assert len(mail.outbox) == 1


def test_the_round_page_shows_each_status_and_the_response_rates(client, cast, survey):
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    factories.submitted_response(survey.round, cast.agency)
    opened, _ = factories.invitation(survey.round, college)
    opened.sent_at = opened.opened_at = timezone.now()
    opened.save()
    revoked, _ = factories.invitation(survey.round, college)
    revoked.revoked_at = timezone.now()
    revoked.save()
    client.force_login(cast.mo)
    response = client.get(reverse("surveys:round_detail", args=[survey.round.pk]))
    status = response.context["status"]
    states = sorted(state for _inv, state in status.invitations)
    assert states == ["not_sent", "opened", "revoked", "submitted"]
    rates = {r.agency: (r.invited, r.submitted, r.rate) for r in status.agencies}
    assert rates == {"Northshire Youth Service": (2, 1, 50), "Northshire College": (1, 0, 0)}
    assert status.rate == 33
    assert "33% overall" in response.content.decode()


def test_an_officer_keys_in_a_paper_questionnaire(client, cast, survey):
    client.force_login(cast.alice)
    data = {"agency": cast.agency.pk}
    for section in survey.round.instrument.sections.all():
        data.update(section_data(section, likert="3"))
    response = client.post(reverse("surveys:paper_response", args=[survey.round.pk]), data)
    assert response.status_code == 302
    paper = Response.objects.get(invitation__isnull=True)
    assert paper.entered_by == cast.alice and paper.submitted_at is not None
    assert paper.answers.filter(value=3).count() == 36


def test_a_paper_questionnaire_without_the_ranking_is_refused(client, cast, survey):
    client.force_login(cast.alice)
    data = {"agency": cast.agency.pk}
    for section in survey.round.instrument.sections.exclude(code="priorities"):
        data.update(section_data(section))
    response = client.post(reverse("surveys:paper_response", args=[survey.round.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Response.objects.exists()


def test_the_questionnaire_pages_show_every_version_and_question(client, cast):
    instrument = factories.default_instrument()
    client.force_login(cast.mo)
    assert instrument in client.get(reverse("surveys:instrument_list")).context["instruments"]
    body = client.get(reverse("reports:instrument_detail", args=[instrument.pk])).content.decode()
    assert "aims_1" in body and "participant_needs" in body


def test_the_questionnaire_page_shows_reliability_once_ten_have_submitted(client, cast):
    from reports.services import instrument_reliability_refresh, round_score

    survey_round = factories.survey_round(cast.project)
    for n in range(10):
        factories.submitted_response(
            survey_round, cast.agency, likert={f"aims_{i}": 1 + (n + i) % 5 for i in range(1, 7)}
        )
    client.force_login(cast.alice)
    url = reverse("reports:instrument_detail", args=[survey_round.instrument_id])
    round_score(round_id=survey_round.pk)
    instrument_reliability_refresh(instrument_id=survey_round.instrument_id)
    body = client.get(url).content.decode()
    assert "Cronbach" in body
    assert "Over 10 submitted respondents" in body


def test_a_round_says_its_state_in_words(client, cast):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    future = factories.survey_round(
        cast.project, opens_on=today + dt.timedelta(days=3), closes_on=today + dt.timedelta(days=9)
    )
    current = factories.survey_round(cast.project)
    past = factories.survey_round(
        cast.project, opens_on=dt.date(2026, 10, 1), closes_on=dt.date(2026, 10, 20)
    )
    early = factories.closed(factories.survey_round(cast.project))
    client.force_login(cast.mo)
    states = {
        rnd: client.get(reverse("surveys:round_detail", args=[rnd.pk])).content.decode()
        for rnd in (future, current, past, early)
    }
    assert "Not yet open" in states[future]
    assert '<dd class="col-sm-9">Open</dd>' in states[current]
    assert "Closed (on 20 October 2026)" in states[past]
    assert f"Closed (on {today.day} {today:%B %Y})" in states[early]
    project_page = client.get(reverse("surveys:project_detail", args=[cast.project.pk]))
    assert "Closed (on 20 October 2026)" in project_page.content.decode()
