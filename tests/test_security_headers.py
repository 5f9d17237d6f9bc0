from __future__ import annotations

from django.urls import reverse


def test_pages_carry_a_strict_content_security_policy(client, cast):
    client.force_login(cast.alice)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_respondent_pages_send_no_referrer_to_other_sites(client, db):
    response = client.get(reverse("surveys:respond_start"))
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response
