"""The team: inviting, joining with a single-use link, roles and access, deactivation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from partnerships.account_invitations import token_digest
from partnerships.models import AccountInvitation, AuditEvent, Role, User
from tests import factories
from tests.unchanged import nothing_written

NEW_PASSWORD = "a-long-new-passphrase-for-me"
MANAGER_OF_ALL = {"role": "manager", "sees_whole_authority": "on"}


def _found(match: re.Match[str] | None) -> str:
    assert match is not None, "no link in the text"
    return match.group(0)


def _invite(client, cast, **data):
    if "_auth_user_id" not in client.session:
        client.force_login(cast.alice)
    body = {"email": "newcomer@example.org", "role": "officer", **data}
    return client.post(reverse("partnerships:team_invite"), body)


def _link_path(message) -> str:
    link = _found(re.search(r"http://\S+", str(message.body)))
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def _accept(client, path, password=NEW_PASSWORD, **extra):
    body = {
        "first_name": "Nia",
        "last_name": "Evans",
        "password1": password,
        "password2": password,
        **extra,
    }
    return client.post(path, body)


# --- Inviting and joining -------------------------------------------------------------------
def test_the_team_page_lists_everyone_with_their_access(client, cast):
    client.force_login(cast.alice)
    page = client.get(reverse("partnerships:team_list")).content.decode()
    for text in ("alice", "bob", "mo", "priya", "Eastfield New Start", "Northshire Youth Service"):
        assert text in page
    assert "oscar" not in page
    assert "Never" in page  # nobody in the cast has signed in


def test_an_invited_officer_sets_a_password_and_is_signed_in(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, cast)
    assert response.status_code == 302
    invitation = AccountInvitation.objects.get()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newcomer@example.org"]
    path = _link_path(mail.outbox[0])
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == token_digest(token)  # only the hash is stored
    assert token not in str(AccountInvitation.objects.values().get())

    newcomer = Client()
    page = newcomer.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('autocomplete="new-password"') == 2
    assert "onpaste" not in html
    response = _accept(newcomer, path)
    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.org")
    assert (user.role, user.authority, user.first_name) == (Role.OFFICER, cast.authority, "Nia")
    assert newcomer.session[SESSION_KEY] == str(user.pk)
    assert newcomer.get(reverse("partnerships:team_list")).status_code == 200
    invitation.refresh_from_db()
    assert invitation.used_at is not None and invitation.user == user
    joined = AuditEvent.objects.get(action="team.joined")
    assert joined.actor == user and joined.data == {"invitation": invitation.pk, "role": "officer"}

    # Single use: the same link again is a clear 410 page, and changes nothing.
    with nothing_written():
        again = Client().get(path)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    # They sign in with their e-mail address from now on.
    signed_in = Client().post(
        reverse("login"), {"username": "newcomer@example.org", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_a_manager_invitation_carries_their_partnerships(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, cast, role="manager", partnerships=[cast.unassigned_partnership.pk])
    _accept(Client(), _link_path(mail.outbox[0]))
    user = User.objects.get(email="newcomer@example.org")
    assert user.role == Role.MANAGER
    assert list(user.assigned_partnerships.all()) == [cast.unassigned_partnership]
    invited = AuditEvent.objects.get(action="team.invited")
    assert invited.data == {
        "role": "manager",
        "agency": None,
        "whole_authority": False,
        "partnerships": [cast.unassigned_partnership.pk],
    }


def test_a_partner_invitation_carries_their_agency(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, cast, role="partner", agency=cast.agency.pk)
    _accept(Client(), _link_path(mail.outbox[0]))
    user = User.objects.get(email="newcomer@example.org")
    assert (user.role, user.agency) == (Role.PARTNER, cast.agency)


def test_audit_rows_of_the_team_hold_no_address_or_name(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, cast, role="partner", agency=cast.agency.pk)
    invitation = AccountInvitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partnerships:team_invitation_resend", args=[invitation.pk]))
    _accept(Client(), _link_path(mail.outbox[-1]))
    user = User.objects.get(email="newcomer@example.org")
    client.post(
        reverse("partnerships:team_member", args=[user.pk]),
        {"role": "manager", "sees_whole_authority": "on"},
    )
    client.post(reverse("partnerships:team_member_deactivate", args=[user.pk]))
    client.post(reverse("partnerships:team_member_reactivate", args=[user.pk]))
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "team.invited",
        "team.invitation_resent",
        "team.joined",
        "team.role_changed",
        "team.partnerships_changed",
        "team.deactivated",
        "team.reactivated",
    } <= actions
    for event in AuditEvent.objects.filter(action__startswith="team."):
        text = str(event.data)
        assert "newcomer" not in text and "Nia" not in text and "Evans" not in text


# --- Links that no longer work --------------------------------------------------------------
def test_an_expired_link_shows_a_clear_page_and_writes_nothing(client, cast):
    invitation, token = factories.account_invitation(
        cast.authority, expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    path = reverse("partnerships:invitation_accept", args=[token])
    assert client.get(path).status_code == 410
    with nothing_written():
        response = _accept(client, path)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_a_withdrawn_link_shows_a_clear_page(client, cast):
    _invitation, token = factories.account_invitation(cast.authority, withdrawn_at=timezone.now())
    path = reverse("partnerships:invitation_accept", args=[token])
    with nothing_written():
        response = _accept(client, path)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_the_link_expires_after_the_configured_hours(client, cast, settings):
    settings.ACCOUNT_INVITATION_HOURS = 2
    invitation, token = factories.account_invitation(cast.authority)
    assert invitation.expires_at - timezone.now() < dt.timedelta(hours=2, seconds=5)
    assert invitation.expires_at - timezone.now() > dt.timedelta(hours=1, minutes=59)


def test_a_weak_password_is_refused_on_its_field(client, cast):
    invitation, token = factories.account_invitation(cast.authority)
    path = reverse("partnerships:invitation_accept", args=[token])
    with nothing_written():
        response = _accept(client, path, password="short")
        mismatch = _accept(client, path, password2="something-else-entirely")
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert "password2" in mismatch.context["form"].errors
    assert "There is a problem" in response.content.decode()


def test_resending_replaces_the_link(client, cast, django_capture_on_commit_callbacks):
    invitation, old_token = factories.account_invitation(
        cast.authority, expires_at=timezone.now() - dt.timedelta(hours=1)
    )
    client.force_login(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("partnerships:team_invitation_resend", args=[invitation.pk]))
    assert response.status_code == 302
    old = reverse("partnerships:invitation_accept", args=[old_token])
    assert Client().get(old).status_code == 404
    new = _link_path(mail.outbox[0])
    assert Client().get(new).status_code == 200


def test_withdrawing_an_invitation(client, cast):
    invitation, token = factories.account_invitation(cast.authority)
    client.force_login(cast.alice)
    client.post(reverse("partnerships:team_invitation_withdraw", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    assert AuditEvent.objects.filter(action="team.invitation_withdrawn").count() == 1
    # Not listed any more, and neither can it be withdrawn or resent again.
    client.get(reverse("partnerships:team_list"))  # the message about it is shown once
    assert invitation.email not in client.get(reverse("partnerships:team_list")).content.decode()
    with nothing_written():
        client.post(reverse("partnerships:team_invitation_resend", args=[invitation.pk]))
        client.post(reverse("partnerships:team_invitation_withdraw", args=[invitation.pk]))


# --- Bad input: a message on the field, nothing written -------------------------------------
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "bob@example.org"}, "email"),  # an address in use
        ({"email": "BOB@example.org"}, "email"),
        ({"role": "superhero"}, "role"),  # a role that does not exist
        ({"role": "partner"}, "agency"),
        ({"role": "manager"}, "partnerships"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_an_invitation_with_bad_input_says_so_on_the_field(client, cast, data, field):
    client.force_login(cast.alice)
    with nothing_written():
        response = _invite(client, cast, **data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "There is a problem" in response.content.decode()
    assert mail.outbox == []


def test_another_authoritys_partnership_or_agency_is_refused_on_the_field(client, cast):
    client.force_login(cast.alice)
    with nothing_written():
        manager = _invite(client, cast, role="manager", partnerships=[cast.other_partnership.pk])
        partner = _invite(client, cast, role="partner", agency=cast.other_agency.pk)
    assert "not one of your authority" in manager.context["form"].errors["partnerships"][0]
    assert "not one of your authority" in partner.context["form"].errors["agency"][0]


def test_an_address_already_invited_is_refused(client, cast):
    factories.account_invitation(cast.authority, "newcomer@example.org")
    client.force_login(cast.alice)
    with nothing_written():
        response = _invite(client, cast)
    assert "already been invited" in response.context["form"].errors["email"][0]


def test_the_service_refuses_another_authoritys_partnership(cast):
    from django.core.exceptions import ValidationError

    from partnerships import team

    with nothing_written(), pytest.raises(ValidationError) as refused:
        team.invitation_create(
            actor=cast.alice,
            email="x@example.org",
            role="manager",
            partnerships=[cast.other_partnership],
        )
    assert "partnerships" in refused.value.message_dict


# --- Roles and access ------------------------------------------------------------------------
def test_changing_a_managers_partnerships(client, cast):
    client.force_login(cast.alice)
    response = client.post(
        reverse("partnerships:team_member", args=[cast.mo.pk]),
        {
            "role": "manager",
            "partnerships": [cast.partnership.pk, cast.unassigned_partnership.pk],
        },
    )
    assert response.status_code == 302
    assert set(cast.mo.assigned_partnerships.all()) == {
        cast.partnership,
        cast.unassigned_partnership,
    }
    event = AuditEvent.objects.get(action="team.partnerships_changed")
    assert event.object_id == str(cast.mo.pk)
    assert event.data["partnerships"] == [
        [cast.partnership.pk],
        sorted([cast.partnership.pk, cast.unassigned_partnership.pk]),
    ]
    assert not AuditEvent.objects.filter(action="team.role_changed").exists()


def test_promoting_a_partner_to_officer_drops_their_agency(client, cast):
    client.force_login(cast.alice)
    client.post(reverse("partnerships:team_member", args=[cast.priya.pk]), {"role": "officer"})
    cast.priya.refresh_from_db()
    assert (cast.priya.role, cast.priya.agency) == (Role.OFFICER, None)
    event = AuditEvent.objects.get(action="team.role_changed")
    assert event.data == {"role": ["partner", "officer"], "agency": [cast.agency.pk, None]}


def test_the_last_active_officer_cannot_demote_or_deactivate_themselves(client, cast):
    client.force_login(cast.alice)
    client.post(reverse("partnerships:team_member_deactivate", args=[cast.bob.pk]))
    cast.bob.refresh_from_db()
    assert not cast.bob.is_active
    with nothing_written():
        demote = client.post(
            reverse("partnerships:team_member", args=[cast.alice.pk]), MANAGER_OF_ALL
        )
        deactivate = client.post(
            reverse("partnerships:team_member_deactivate", args=[cast.alice.pk]), follow=True
        )
    assert "last active officer" in demote.context["form"].errors["role"][0]
    assert "last active officer" in deactivate.content.decode()


def test_two_officers_demoting_each_other_leave_one_officer(cast):
    """Each acted on a page opened while both were officers: the second change is refused."""
    from django.core.exceptions import ValidationError

    from partnerships import team

    stale_bob = User.objects.get(pk=cast.bob.pk)
    team.member_update(actor=cast.alice, member=cast.bob, role="manager", sees_whole_authority=True)
    with nothing_written(), pytest.raises(ValidationError, match="last active officer"):
        team.member_update(
            actor=stale_bob, member=cast.alice, role="manager", sees_whole_authority=True
        )
    with nothing_written(), pytest.raises(ValidationError, match="last active officer"):
        team.member_set_active(actor=stale_bob, member=cast.alice, active=False)


def test_an_officer_cannot_deactivate_themselves_or_change_their_own_role(client, cast):
    client.force_login(cast.alice)
    with nothing_written():
        client.post(reverse("partnerships:team_member_deactivate", args=[cast.alice.pk]))
        response = client.post(
            reverse("partnerships:team_member", args=[cast.alice.pk]), MANAGER_OF_ALL
        )
    assert "own role" in response.context["form"].errors["role"][0]
    cast.alice.refresh_from_db()
    assert cast.alice.is_active


def test_a_deactivated_users_session_and_token_stop_working_at_once(client, cast):
    mo = Client()
    mo.force_login(cast.mo)
    token = Token.objects.create(user=cast.mo)
    assert mo.get(reverse("partnerships:partnership_list")).status_code == 200
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/partnerships/").status_code == 200

    client.force_login(cast.alice)
    client.post(reverse("partnerships:team_member_deactivate", args=[cast.mo.pk]))

    response = mo.get(reverse("partnerships:partnership_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert api.get("/api/v1/partnerships/").status_code in (401, 403)
    assert not Token.objects.filter(key=token.key).exists()
    # Reactivated, they sign in again (a new token must be asked for).
    client.post(reverse("partnerships:team_member_reactivate", args=[cast.mo.pk]))
    signed_in = Client().post(reverse("login"), {"username": "mo", "password": factories.PASSWORD})
    assert signed_in.status_code == 302


def test_another_authoritys_people_and_invitations_are_not_found(client, cast):
    invitation, _token = factories.account_invitation(cast.other_authority)
    client.force_login(cast.alice)
    with nothing_written():
        for name, pk in [
            ("team_member", cast.oscar.pk),
            ("team_member_deactivate", cast.oscar.pk),
            ("team_member_reactivate", cast.oscar.pk),
            ("team_invitation_resend", invitation.pk),
            ("team_invitation_withdraw", invitation.pk),
        ]:
            assert client.post(reverse(f"partnerships:{name}", args=[pk])).status_code == 404
    page = client.get(reverse("partnerships:team_list")).content.decode()
    assert "oscar" not in page and invitation.email not in page
