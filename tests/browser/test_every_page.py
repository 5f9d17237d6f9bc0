"""Every page of the permission table that each role may see passes axe-core, in every language
the product offers; every form passes it again with its error summary showing.

The pages come from the permission table itself (tests/test_permissions.py), so a page another
feature adds is checked here as soon as it has its row. The error pages (403, 404, 500, 503,
the expired form) are checked too. On each page the WCAG 2.2 additions that axe does not test
are measured: interactive targets of at least 24 by 24 CSS pixels (2.5.8) and help in the same
place on every page (3.2.6), and that every page says it is written in the language it is.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone, translation

from reports.services import round_score
from surveys.models import Round
from tests import factories
from tests.browser.conftest import SERIOUS
from tests.test_permissions import ROLES, TABLE, USER_FOR_ROLE, Row

pytestmark = pytest.mark.browser


def offered_languages() -> list[str]:
    offered = getattr(settings, "LANGUAGES_OFFERED", None)
    if not offered:
        return [settings.LANGUAGE_CODE]
    if isinstance(offered, str):
        offered = offered.split(",")
    return [code if isinstance(code, str) else code[0] for code in offered]


# Interactive elements smaller than 24 by 24 CSS pixels, less the exceptions of WCAG 2.5.8: a
# link inside a sentence (its size is set by the line of text), and a target whose 24 px circle
# around its centre overlaps no other target (spacing). Hidden elements are not targets.
SMALL_TARGETS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button], [tabindex]:not([tabindex="-1"])';
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
  };
  const targets = [...document.querySelectorAll(selector)].filter(visible);
  const inSentence = (el) => {
    if (el.tagName !== 'A') return false;
    const block = el.closest('p, li, td, th, dd, dt, caption, figcaption, label, legend');
    if (!block) return false;
    const text = block.textContent.replace(/\\s+/g, ' ').trim();
    return text.length > el.textContent.replace(/\\s+/g, ' ').trim().length;
  };
  const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const distance = (a, r) => {
    const dx = Math.max(r.left - a[0], 0, a[0] - r.right);
    const dy = Math.max(r.top - a[1], 0, a[1] - r.bottom);
    return Math.hypot(dx, dy);
  };
  const small = [];
  for (const el of targets) {
    const r = el.getBoundingClientRect();
    if (r.width >= 24 && r.height >= 24) continue;
    if (inSentence(el)) continue;
    // The spacing exception: a 24 px diameter circle on the centre intersects no other target,
    // nor the circle of another undersized target.
    const c = centre(r);
    const crowded = targets.some((other) => {
      if (other === el || other.contains(el) || el.contains(other)) return false;
      const o = other.getBoundingClientRect();
      if (o.width < 24 || o.height < 24) {
        const oc = centre(o);
        if (Math.hypot(c[0] - oc[0], c[1] - oc[1]) < 24) return true;
      }
      return distance(c, o) < 12;
    });
    if (!crowded) continue;
    small.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim()}" `
      + `${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return small;
}"""

# The footer's links (the accessibility statement, contact and other help live there), in their
# order: WCAG 3.2.6 asks that help be in the same relative order on every page that offers it.
FOOTER_LINKS = """() => {
  const footer = document.querySelector('body > footer');
  if (!footer) return null;
  return [...footer.querySelectorAll('a[href]')].map(
    (a) => `${a.getAttribute('href')} ${a.textContent.trim()}`);
}"""


AXE_RUN = "axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations)"


class Visitor:
    """One browser context per role (signed in once), reused for all of that role's pages."""

    def __init__(self, new_page, live_server, axe, language: str):
        self.new_page = new_page
        self.base = live_server.url
        self.axe = axe
        self.language = language
        self.small_targets: list[str] = []
        self.footers: dict[str, list[str] | None] = {}
        self.lang_mismatches: list[str] = []

    def page_for(self, user):
        page = self.new_page()
        page.context.add_init_script(script=self.axe.axe.axe_script)
        page.context.set_extra_http_headers({"Accept-Language": self.language})
        cookies = [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": self.language, "url": self.base}
        ]
        if user is not None:
            client = Client()
            client.force_login(user)
            cookies.append(
                {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": self.base}
            )
        page.context.add_cookies(cookies)
        return page

    def check(self, page) -> None:
        # axe-core is loaded into every page of the context once (an init script), not sent
        # again for each page; the results are kept as the shared checker keeps them.
        results = page.evaluate(AXE_RUN)
        self.axe.pages_checked += 1
        for violation in results:
            if violation["impact"] in SERIOUS:
                targets = [n["target"] for n in violation["nodes"]][:3]
                self.axe.problems.append(f"{page.url}: {violation['id']} {targets}")
        self.small_targets += [f"{page.url}: {t}" for t in page.evaluate(SMALL_TARGETS)]
        if "/admin/" not in page.url:  # Django's admin has its own frame
            self.footers[page.url] = page.evaluate(FOOTER_LINKS)
        lang = page.evaluate("document.documentElement.lang")
        if lang != self.language:
            self.lang_mismatches.append(f"{page.url}: <html lang={lang}>")


def _is_html(page, url: str) -> bool:
    """Downloads (CSV, PDF) and JSON are not pages: ask for the headers before navigating."""
    response = page.request.get(url, max_redirects=0)
    return response.headers.get("content-type", "").startswith("text/html")


def _pages_by_role(cast) -> dict[str, list[tuple[Row, str, int]]]:
    """(row, URL, expected status) of each GET the table allows a role, and one of each error
    status it answers that role (the error pages are the same template whatever the URL)."""
    urls: dict[int, str] = {}
    pages: dict[str, list[tuple[Row, str, int]]] = {role: [] for role in ROLES}
    errors_seen: set[tuple[str, int]] = set()
    for row in TABLE:
        # The API answers JSON, never a page.
        if row.method != "get" or row.url_name.split(":")[0] in ("api", "reports_api"):
            continue
        for role, expected in zip(ROLES, row.expected, strict=True):
            # Another authority's officer sees the officer's pages with other data: the same
            # templates, already checked; only the pages it is refused are its own.
            if role == "other_officer" and expected == 200:
                continue
            if expected == 200 or (expected in (403, 404) and (role, expected) not in errors_seen):
                if id(row) not in urls:
                    urls[id(row)] = row.url(cast)
                pages[role].append((row, urls[id(row)], expected))
                errors_seen.add((role, expected))
    return pages


# Submitting a form emptied of what the person types: every required field is then missing, so
# the page comes back with its error summary (the forms that change nothing when submitted
# empty, or that are only a button, are not picked).
EMPTY_THE_FORM = """() => {
  const forms = [...document.querySelectorAll('main form[method=post]')].filter((form) =>
    form.querySelector('input[type=text], input[type=email], input[type=number], '
      + 'input[type=date], input[type=password], input[type=url], input[type=tel], '
      + 'input[type=file], textarea'));
  if (!forms.length) return false;
  const form = forms[0];
  for (const field of form.querySelectorAll('input, textarea')) {
    if (['text', 'email', 'number', 'date', 'password', 'url', 'tel', 'textarea']
        .includes(field.type)) field.value = '';
  }
  form.setAttribute('data-emptied', '');
  return true;
}"""


def _check_forms_with_errors(visitor, page, urls: list[str]) -> list[str]:
    shown = []
    for url in urls:
        page.goto(url)
        if not page.evaluate(EMPTY_THE_FORM):
            continue
        with page.expect_navigation():
            page.locator(
                "form[data-emptied] button[type=submit], form[data-emptied] input[type=submit]"
            ).first.click()
        if page.locator("[data-error-summary]").count():
            # The summary has focus, so a keyboard or screen-reader user meets it first.
            assert page.evaluate("document.activeElement.dataset.errorSummary") is not None
            visitor.check(page)
            shown.append(url)
    return shown


def _serve(body: str):
    return lambda route: route.fulfill(body=body, content_type="text/html")


def _error_templates(visitor, page, language: str) -> None:
    """The pages shown when the database is down (503), on a server error (500) and for an
    expired form (403 CSRF), served at an address of the app so their stylesheets load."""
    with translation.override(language):
        bodies = {
            "500": render_to_string("500.html"),
            "503": render_to_string("503.html"),
            "403_csrf": render_to_string("403_csrf.html", {"reason": ""}),
        }
    for name, body in bodies.items():
        url = f"{visitor.base}/__error_{name}__/"
        page.route(url, _serve(body))
        page.goto(url)
        visitor.check(page)


@pytest.mark.parametrize("language", offered_languages())
def test_every_page_of_the_permission_table_passes_axe_for_each_role(
    live_server, new_page, axe, transactional_db, cast, language
):
    # Scored rounds, so the dashboards and the overview draw their charts and tables.
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    for title in ("Spring", "Autumn"):
        rnd = factories.survey_round(cast.project, title=title)
        factories.submitted_response(rnd, cast.agency, likert=4)
        factories.submitted_response(rnd, college, likert=2)
        round_score(round_id=rnd.pk)
    pages_by_role = _pages_by_role(cast)
    # Every round has invitees (one sent, one not), so each round page shows its invitations
    # table with its buttons.
    for survey_round in Round.objects.all():
        factories.invitation(survey_round, cast.agency, name="Jo Bloggs")
        sent, _token = factories.invitation(survey_round, cast.agency, name="Sam Jones")
        sent.sent_at = timezone.now()
        sent.save()

    visitor = Visitor(new_page, live_server, axe, language)
    checked: dict[str, int] = {}
    form_pages: dict[str, list[str]] = {}
    for role, pages in pages_by_role.items():
        user = getattr(cast, USER_FOR_ROLE[role]) if role != "anonymous" else None
        page = visitor.page_for(user)
        for row, path, expected in pages:
            url = visitor.base + path
            if not _is_html(page, url):
                continue
            response = page.goto(url)
            assert response is not None and response.status == expected, (row.id, role)
            visitor.check(page)
            checked[role] = checked.get(role, 0) + 1
            if expected == 200 and page.locator("main form[method=post]").count():
                form_pages.setdefault(role, []).append(url)
        if role in ("anonymous", "officer"):
            # Emptied forms are submitted last: they may change what the other pages show.
            form_pages[role] = _check_forms_with_errors(visitor, page, form_pages.get(role, []))
        if role == "anonymous":
            _error_templates(visitor, page, language)

    assert axe.problems == [], "\n".join(axe.problems)
    assert visitor.lang_mismatches == []
    assert visitor.small_targets == [], "\n".join(visitor.small_targets)
    # Help is in the same place on every page: every page has the site's footer, with the same
    # links in the same order (the links themselves are the same whoever reads the page), the
    # 500 page too (its footer is the same include, with no database or session behind it).
    assert [url for url, links in visitor.footers.items() if links is None] == []
    assert len({tuple(links or ()) for links in visitor.footers.values()}) == 1, visitor.footers

    # The table reaches every kind of page: the numbers are the table's own pages that answer
    # HTML (a new row raises them; a page that stopped answering HTML lowers them).
    assert checked["anonymous"] >= 4 and checked["partner"] >= 5 and checked["superuser"] >= 6
    assert checked["manager"] >= 13 and checked["officer"] >= 34 and checked["other_officer"] == 2
    assert "/login/" in " ".join(form_pages["anonymous"])
    assert len(form_pages["anonymous"]) == 2  # sign-in and password reset
    assert len(form_pages["officer"]) >= 14, form_pages["officer"]
