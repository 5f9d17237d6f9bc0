"""The language switch, `<html lang>` and the reader's choice of language.

Every page says in `<html lang>` the language it is written in: a browser asking for a language
the product does not offer gets English, announced as English (WCAG 3.1.1).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "no <html lang>"
    return match.group(1)


def language_nav(response) -> str:
    match = re.search(
        r'<nav class="language-switch" aria-label="([^"]+)">(.*?)</nav>',
        response.content.decode(),
        re.S,
    )
    assert match, "no language switch"
    return match.group(0)


def _first_link(html: str) -> str:
    match = re.search(r"<a [^>]*>.*?</a>", html, re.S)
    assert match, "no link"
    return match.group(0)


def test_a_browser_asking_for_welsh_gets_a_page_written_in_welsh(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="cy")
    assert html_lang(page) == "cy"
    assert page["Content-Language"] == "cy"
    body = page.content.decode()
    assert "Mewngofnodi" in body  # "Sign in"
    assert "Neidio i'r prif gynnwys" in body  # the skip link


def test_a_language_the_product_does_not_offer_is_never_announced(client, db):
    for header in ("fr", "de-DE,de;q=0.9", "cy-GB-x-unknown;q=0.1,fr", ""):
        page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=header)
        lang = html_lang(page)
        assert lang in ("en-gb", "cy")
        if not header.startswith("cy"):
            assert lang == "en-gb", header
            assert "Sign in" in page.content.decode()


def test_the_switch_follows_the_gov_uk_language_navigation_pattern(client, db):
    page = client.get(reverse("login"))
    nav = language_nav(page)
    assert 'aria-label="Language"' in nav
    # The current language is marked, not linked.
    assert re.search(r'<li[^>]*aria-current="true"[^>]*>.*?English</li>', nav, re.S)
    # The other one is a link in its own language, saying where it leads in that language.
    link = _first_link(nav)
    assert 'lang="cy"' in link and 'hreflang="cy"' in link
    assert "Cymraeg" in link and "Newid yr iaith i&#x27;r Gymraeg" in link
    welsh = language_nav(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="cy"))
    assert 'aria-label="Iaith"' in welsh
    link = _first_link(welsh)
    assert 'lang="en-gb"' in link and 'hreflang="en-gb"' in link and "English" in link


def test_the_frame_kept_for_one_language_and_page_is_never_shown_for_another(client, db):
    # The footer and the switch are rendered once per process (core.templatetags.chrome):
    # each page still gets them in its own language, and a switch returning to itself.
    english = client.get(reverse("login")).content.decode()
    welsh = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    privacy = client.get(reverse("privacy")).content.decode()
    assert "measures how connected inter-agency partnerships are" in english
    assert "Mae Partnership Lens yn mesur" in welsh and "measures how connected" not in welsh
    assert "Mae Partnership Lens yn mesur" not in english
    login_next = "next=" + reverse("login").replace("/", "%2F")
    assert login_next in english and login_next in welsh
    assert login_next not in privacy and "next=" + reverse("privacy").replace("/", "%2F") in privacy


def test_the_switch_is_on_signed_in_pages_too(client, cast):
    client.force_login(cast.alice)
    nav = language_nav(client.get(reverse("home")))
    assert 'hreflang="cy"' in nav


def test_an_anonymous_choice_is_kept_in_a_cookie(client, db):
    login = reverse("login")
    response = client.get(reverse("language", args=["cy"]), {"next": login})
    assert response.status_code == 302
    assert response["Location"] == login
    cookie = response.cookies["language"]
    assert cookie.value == "cy" and cookie["httponly"] and cookie["samesite"] == "Lax"
    # No Accept-Language: the cookie alone decides.
    assert html_lang(client.get(login)) == "cy"
    client.get(reverse("language", args=["en-gb"]), {"next": login})
    assert html_lang(client.get(login, HTTP_ACCEPT_LANGUAGE="cy")) == "en-gb"


def test_a_signed_in_choice_is_stored_and_follows_the_person(client, cast):
    client.force_login(cast.alice)
    client.get(reverse("language", args=["cy"]), {"next": "/"})
    cast.alice.refresh_from_db()
    assert cast.alice.language == "cy"
    # Another browser, which asks for English and has no cookie: the preference wins.
    other = type(client)()
    other.force_login(cast.alice)
    assert html_lang(other.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-GB")) == "cy"


def test_the_switch_refuses_other_sites_and_unknown_languages(client, db):
    away = client.get(reverse("language", args=["cy"]), {"next": "https://evil.example/"})
    assert away["Location"] == "/"
    scheme_relative = client.get(reverse("language", args=["cy"]), {"next": "//evil.example/"})
    assert scheme_relative["Location"] == "/"
    assert client.get(reverse("language", args=["fr"])).status_code == 404
    assert client.post(reverse("language", args=["cy"])).status_code == 405


def test_an_english_only_deployment_shows_no_switch_and_never_welsh(client, db, settings):
    settings.LANGUAGES = [("en-gb", "English")]
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="cy")
    assert html_lang(page) == "en-gb"
    assert 'class="language-switch"' not in page.content.decode()
    assert client.get(reverse("language", args=["cy"])).status_code == 404
    client.cookies["language"] = "cy"
    assert html_lang(client.get(reverse("login"))) == "en-gb"


SETTINGS_RUNNER = """
import importlib, json, os, sys
os.environ.update(json.loads(sys.argv[1]))
try:
    settings = importlib.import_module("config.settings")
except Exception as error:
    print(json.dumps({"error": str(error)}))
else:
    print(json.dumps({"languages": [code for code, _name in settings.LANGUAGES]}))
"""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, {"languages": ["en-gb", "cy"]}),
        ("en-gb", {"languages": ["en-gb"]}),
        ("en-gb,cy", {"languages": ["en-gb", "cy"]}),
        ("cy", "error"),
        ("en-gb,fr", "error"),
    ],
)
def test_languages_offered_names_the_deployments_languages(tmp_path, value, expected):
    variables = {"DJANGO_VAR_DIR": str(tmp_path)}
    if value is not None:
        variables["LANGUAGES_OFFERED"] = value
    out = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", SETTINGS_RUNNER, json.dumps(variables)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if expected == "error":
        assert "LANGUAGES_OFFERED" in result["error"]
    else:
        assert result == expected


def test_dates_and_numbers_are_formatted_for_the_language(db):
    import datetime as dt

    from django.template import Context, Template
    from django.utils import translation

    template = Template('{{ day|date:"j F Y" }} {{ n|floatformat:2 }}')
    context = Context({"day": dt.date(2026, 3, 5), "n": 0.5})
    with translation.override("cy"):
        assert template.render(context) == "5 Mawrth 2026 0.50"
    with translation.override("en-gb"):
        assert template.render(context) == "5 March 2026 0.50"


def signed_in_navigation(response) -> str:
    page = response.content.decode()
    return page[page.index('<ul class="navbar-nav me-auto">') : page.index("</header>")]


def test_the_kept_navigation_is_each_readers_own_with_its_own_working_sign_out(cast):
    # The signed-in navigation is rendered once per language and what it shows of the reader
    # (core.templatetags.chrome): each reader still gets their role's links, their name, their
    # language and a sign-out form with the token of their own session.
    from django.test import Client

    officer, manager = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    officer.force_login(cast.alice)
    manager.force_login(cast.mo)
    alice_nav = signed_in_navigation(officer.get(reverse("home")))
    mo_nav = signed_in_navigation(manager.get(reverse("home")))
    assert reverse("partnerships:team_list") in alice_nav and "Signed in as alice" in alice_nav
    assert reverse("partnerships:team_list") not in mo_nav and "Signed in as mo" in mo_nav
    assert reverse("reports:authority_overview") in mo_nav
    welsh = signed_in_navigation(officer.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="cy"))
    assert "Signed in as" not in welsh and "alice" in welsh

    cast.alice.first_name, cast.alice.last_name = "Alice", "Jones"
    cast.alice.save()
    renamed = officer.get(reverse("home"))
    assert "Signed in as Alice Jones" in signed_in_navigation(renamed)

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', signed_in_navigation(renamed))
    assert token and token.group(1) != "csrf-token-of-the-request"
    signed_out = officer.post(reverse("logout"), {"csrfmiddlewaretoken": token.group(1)})
    assert signed_out.status_code == 302
    assert "Signed in as" not in officer.get(reverse("home")).content.decode()
    # The other reader's token is not the first's, and the first's does not sign them out.
    refused = manager.post(reverse("logout"), {"csrfmiddlewaretoken": token.group(1)})
    assert refused.status_code == 403
