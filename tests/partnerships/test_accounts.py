from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


def test_a_user_signs_in_and_reaches_their_home_page(client, cast):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.templates[0].name == "partnerships/home_officer.html"


def test_each_role_has_its_own_home_page(client, cast):
    for user, template in [
        (cast.mo, "home_manager"),
        (cast.priya, "home_partner"),
        (cast.sam, "home_other"),
    ]:
        client.force_login(user)
        assert client.get(reverse("home")).templates[0].name == f"partnerships/{template}.html"


def test_a_wrong_password_shows_an_error_summary(client, cast):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_signing_out_needs_a_post(client, cast):
    client.force_login(cast.alice)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_sends_a_working_link_by_email(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    match = re.search(r"http://\S+", str(mail.outbox[0].body))
    assert match is not None
    link = match.group(0)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    new = "a-new-long-passphrase-42"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    client.logout()
    signed_in = client.post(reverse("login"), {"username": "alice", "password": new})
    assert signed_in.status_code == 302


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, cast):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_repeated_failures_lock_the_sign_in_even_for_the_right_password(client, cast):
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert client.get(reverse("home")).status_code == 302  # still signed out


def test_another_users_failures_do_not_lock_alice(client, cast):
    for _ in range(5):
        client.post(reverse("login"), {"username": "bob", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
