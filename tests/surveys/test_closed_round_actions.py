"""A closed round takes no invitations: inviting, sending and reminding are not offered on its
page, and are refused if posted (a message on the page, a 409 from the API), changing nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from surveys import services
from surveys.tasks import send_due_reminders
from tests import factories
from tests.api import client_for
from tests.unchanged import nothing_written

REFUSAL = "This round has closed: nobody can be invited, sent a link or reminded any more."
TODAY = timezone.localdate()


def closed_early(cast):
    return factories.closed(factories.survey_round(cast.project, title="Closed early"))


def closed_by_date(cast):
    return factories.survey_round(
        cast.project,
        title="Closed by date",
        opens_on=TODAY - dt.timedelta(days=30),
        closes_on=TODAY - dt.timedelta(days=1),
    )


@pytest.fixture(params=[closed_early, closed_by_date], ids=["closed early", "past its date"])
def closed_round(request, cast):
    rnd = request.param(cast)
    invitation, _token = factories.invitation(rnd, cast.agency, name="Ria Respondent")
    rnd.invitation = invitation  # the one invitation, for the per-invitation actions
    return rnd


def page_posts(rnd, cast):
    """Every page action a closed round refuses: (label, url, data)."""
    csv = "name,email,agency\nKim Example,kim@example.org,Northshire Youth Service\n"
    return [
        (
            "add one person",
            reverse("surveys:invitation_add", args=[rnd.pk]),
            {"agency": cast.agency.pk, "name": "Kim", "email": "kim@example.org"},
        ),
        ("invite every member", reverse("surveys:invitations_from_memberships", args=[rnd.pk]), {}),
        ("send unsent", reverse("surveys:invitations_send", args=[rnd.pk]), {}),
        ("remind", reverse("surveys:round_remind", args=[rnd.pk]), {}),
        ("send one", reverse("surveys:invitation_resend", args=[rnd.invitation.pk]), {}),
        (
            "import a file",
            reverse("surveys:invitation_import", args=[rnd.pk]),
            {"file": SimpleUploadedFile("people.csv", csv.encode())},
        ),
        ("confirm an import", reverse("surveys:invitation_import_confirm", args=[rnd.pk]), {}),
        (
            "save the e-mail message",
            reverse("surveys:round_email_preview", args=[rnd.pk]),
            {"invitation_message": "Please answer.", "version": rnd.version},
        ),
    ]


def test_each_page_action_is_refused_with_a_message_and_changes_nothing(
    client, cast, closed_round, django_capture_on_commit_callbacks
):
    client.force_login(cast.alice)
    for label, url, data in page_posts(closed_round, cast):
        with nothing_written(), django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data, follow=True)
        round_page = reverse("surveys:round_detail", args=[closed_round.pk])
        assert response.redirect_chain == [(round_page, 302)], label
        assert [str(m) for m in response.context["messages"]] == [REFUSAL], label
    assert mail.outbox == []


def test_the_confirm_step_refuses_a_file_checked_before_the_round_closed(client, cast):
    rnd = factories.survey_round(cast.project)
    client.force_login(cast.alice)
    csv = b"name,email,agency\nKim Example,kim@example.org,Northshire Youth Service\n"
    client.post(
        reverse("surveys:invitation_import", args=[rnd.pk]),
        {"file": SimpleUploadedFile("people.csv", csv)},
    )
    factories.closed(rnd)
    with nothing_written():
        response = client.post(reverse("surveys:invitation_import_confirm", args=[rnd.pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [REFUSAL]


def test_the_invite_forms_are_not_shown_for_a_closed_round(client, cast, closed_round):
    client.force_login(cast.alice)
    for name in ("invitation_add", "invitation_import"):
        response = client.get(reverse(f"surveys:{name}", args=[closed_round.pk]), follow=True)
        round_page = reverse("surveys:round_detail", args=[closed_round.pk])
        assert response.redirect_chain == [(round_page, 302)], name
        assert [str(m) for m in response.context["messages"]] == [REFUSAL], name


def test_the_closed_rounds_page_offers_no_invite_send_or_remind(client, cast, closed_round):
    client.force_login(cast.alice)
    page = client.get(reverse("surveys:round_detail", args=[closed_round.pk])).content.decode()
    for name in (
        "invitation_add",
        "invitation_import",
        "invitations_from_memberships",
        "invitations_send",
        "round_remind",
        "round_close",
    ):
        assert reverse(f"surveys:{name}", args=[closed_round.pk]) not in page, name
    assert reverse("surveys:invitation_resend", args=[closed_round.invitation.pk]) not in page
    assert "nobody can be invited, sent a link or reminded any more" in page
    # What still makes sense is still there: keying in paper, revoking a link, editing the title.
    assert reverse("surveys:paper_response", args=[closed_round.pk]) in page
    assert reverse("surveys:invitation_revoke", args=[closed_round.invitation.pk]) in page
    assert reverse("surveys:round_edit", args=[closed_round.pk]) in page


def test_an_open_rounds_page_offers_them_all(client, cast):
    rnd = factories.survey_round(cast.project)
    invitation, _token = factories.invitation(rnd, cast.agency)
    client.force_login(cast.alice)
    page = client.get(reverse("surveys:round_detail", args=[rnd.pk])).content.decode()
    for name in (
        "invitation_add",
        "invitation_import",
        "invitations_from_memberships",
        "invitations_send",
        "round_remind",
        "round_close",
        "round_email_preview",
    ):
        assert reverse(f"surveys:{name}", args=[rnd.pk]) in page, name
    assert reverse("surveys:invitation_resend", args=[invitation.pk]) in page


def api_posts(rnd, cast):
    return [
        ("api:round-send", [rnd.pk], None),
        ("api:round-remind", [rnd.pk], None),
        ("api:round-invite-members", [rnd.pk], None),
        ("api:invitation-send", [rnd.invitation.pk], None),
        (
            "api:round-invitations",
            [rnd.pk],
            {"agency": cast.agency.pk, "name": "Kim", "email": "kim@example.org"},
        ),
    ]


def test_each_api_action_answers_409_saying_why_and_changes_nothing(
    cast, closed_round, django_capture_on_commit_callbacks
):
    api = client_for(cast.alice)
    for name, args, body in api_posts(closed_round, cast):
        with nothing_written(), django_capture_on_commit_callbacks(execute=True):
            response = api.post(reverse(name, args=args), body, format="json")
        assert response.status_code == 409, name
        assert response.json() == {"detail": REFUSAL}, name
    assert mail.outbox == []


def test_a_rounds_patch_cannot_reopen_it_through_the_api(cast, closed_round):
    with nothing_written():
        response = client_for(cast.alice).patch(
            f"/api/v1/rounds/{closed_round.pk}/",
            {"version": closed_round.version, "closes_on": str(TODAY + dt.timedelta(days=9))},
            format="json",
        )
    assert response.status_code == 400
    assert "cannot be re-opened" in response.json()["closes_on"][0]


def test_automatic_reminders_skip_a_round_that_closed_meanwhile(cast, closed_round):
    closed_round.invitation.sent_at = timezone.now()
    closed_round.invitation.save()
    with nothing_written():
        assert services.round_send_reminders(actor=None, survey_round=closed_round) == 0
        assert send_due_reminders() == 0
    assert mail.outbox == []


def test_the_rule_is_the_rounds_own(cast):
    rnd = factories.survey_round(cast.project)
    later = factories.survey_round(cast.project, opens_on=TODAY + dt.timedelta(days=3))
    assert rnd.takes_invitations() and later.takes_invitations()  # not yet open: invite ahead
    assert not factories.closed(rnd).takes_invitations()
    assert not closed_by_date(cast).takes_invitations()
