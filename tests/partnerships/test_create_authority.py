"""`manage.py create_authority`: a new authority whose first officer joins with no admin."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from partnerships.models import AccountInvitation, AuditEvent, LocalAuthority, Role, User
from tests.unchanged import nothing_written


def _found(match: re.Match[str] | None) -> str:
    assert match is not None, "no link in the text"
    return match.group(0)


def _run(*args) -> str:
    out = io.StringIO()
    call_command("create_authority", *args, stdout=out)
    return out.getvalue()


def test_a_new_authority_and_its_first_officer(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = _run("Westshire Council", "--officer", "Chief@Westshire.gov.uk")
    authority = LocalAuthority.objects.get()
    assert (authority.name, authority.slug) == ("Westshire Council", "westshire-council")
    printed = _found(re.search(r"http://\S+", output))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["chief@westshire.gov.uk"]
    assert printed in mail.outbox[0].body
    invitation = AccountInvitation.objects.get()
    assert invitation.role == Role.OFFICER and invitation.authority == authority
    assert not User.objects.exists()  # no account, and so no password, until they set one

    path = printed.split("://", 1)[1].split("/", 1)[1].join(["/", ""])
    newcomer = Client()
    response = newcomer.post(
        path,
        {
            "first_name": "Wyn",
            "last_name": "Jones",
            "password1": "westshire-first-officer-42",
            "password2": "westshire-first-officer-42",
        },
    )
    assert response.status_code == 302
    officer = User.objects.get()
    assert officer.is_officer and officer.authority == authority
    assert newcomer.get("/team/").status_code == 200
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "authority.created",
        "team.invited",
        "team.joined",
    ]


@pytest.mark.parametrize("name", ["Northshire", "northshire", "Westshire!"])
def test_a_duplicate_authority_is_refused_clearly(cast, name):
    LocalAuthority.objects.create(name="Westshire", slug="westshire")
    with nothing_written(), pytest.raises(CommandError, match="already exists"):
        _run(name, "--officer", "someone@example.org")


def test_an_address_in_use_is_refused_and_nothing_is_created(cast):
    with nothing_written(), pytest.raises(CommandError, match="already has an account"):
        _run("Westshire", "--officer", "alice@example.org")


def test_an_invalid_address_is_refused(db):
    with pytest.raises(CommandError):
        _run("Westshire", "--officer", "not-an-address")
    assert not LocalAuthority.objects.exists()
