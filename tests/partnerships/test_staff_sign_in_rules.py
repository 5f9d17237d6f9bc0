"""The account rule of staff sign-in (partnerships.staff_sign_in), called directly: the cases
the end-to-end tests (test_staff_sign_in.py) leave to it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from partnerships.models import AccountInvitation, AuditEvent, Role, User
from partnerships.oidc import email_is_verified
from partnerships.staff_sign_in import SignInRefused, staff_sign_in
from partnerships.team import invitation_create

pytestmark = pytest.mark.django_db


def test_the_address_is_matched_ignoring_case_and_spaces(cast):
    assert staff_sign_in(email="  ALICE@example.ORG ", email_verified=True) == cast.alice


def test_an_expired_invitation_is_not_honoured(cast):
    invitation = invitation_create(actor=cast.alice, email="new@example.org", role=Role.OFFICER)
    AccountInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(SignInRefused) as refused:
        staff_sign_in(email="new@example.org", email_verified=True)
    assert refused.value.reason == "unknown"
    assert not User.objects.filter(email="new@example.org").exists()


def test_an_unverified_address_is_refused_before_any_account_is_looked_at(cast):
    with pytest.raises(SignInRefused) as refused:
        staff_sign_in(email="alice@example.org", email_verified=False)
    assert refused.value.reason == "unverified"
    # Nothing is recorded against Alice: the provider did not say the address is hers.
    assert not AuditEvent.objects.filter(action__startswith="auth.").exists()


def test_an_officer_of_another_authority_signs_in_to_her_own(cast):
    user = staff_sign_in(email="oscar@example.org", email_verified=True)
    assert user == cast.oscar
    event = AuditEvent.objects.get(action="auth.signed_in")
    assert event.authority == cast.other_authority


@pytest.mark.parametrize(
    ("claims", "verified"),
    [
        ({"email_verified": True}, True),
        ({"email_verified": "true"}, True),
        ({"xms_edov": True}, True),
        ({"xms_edov": "True"}, True),
        ({"email_verified": False, "xms_edov": True}, True),
        ({"email_verified": False}, False),
        ({"email_verified": "false"}, False),
        ({"email_verified": 1}, False),
        ({"xms_edov": False}, False),
        ({}, False),
    ],
)
def test_which_claims_prove_a_verified_address(claims, verified):
    assert email_is_verified(claims) is verified


def test_the_claims_that_prove_it_are_a_setting(settings):
    settings.OIDC_EMAIL_VERIFIED_CLAIMS = ["xms_edov"]
    assert email_is_verified({"email_verified": True}) is False
    assert email_is_verified({"xms_edov": True}) is True
