"""An officer's main journey with the keyboard alone: sign in (pasting the password, as a
password manager does), register a partnership, add its members and a project, open a round,
invite and send.

At every key press the focused element must show a visible focus indicator (WCAG 2.4.7) and must
not be hidden behind anything else on the page, a sticky header or a banner (WCAG 2.2, 2.4.11).
The forms never ask again for what the journey already knows, and a refused form keeps what
was typed (3.3.7); sign-in accepts pasting and names its fields for password managers (3.3.8).
"""

from __future__ import annotations

import pytest
from django.core import mail

from partnerships.models import Partnership
from surveys.models import Invitation, Round
from tests import factories

pytestmark = pytest.mark.browser

MAX_TABS = 60

# What a keyboard user sees of the focused element: a focus indicator (an outline or a box
# shadow that differs from the unfocused element), and whether another element covers it, probed
# at its centre and near its corners after the browser scrolled it into view.
FOCUS_STATE = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {element: 'body'};
  const style = getComputedStyle(el);
  // An outline at least 2 px wide, or an opaque box shadow spread at least 2 px (a translucent
  // glow, as Bootstrap's own, is not enough to be seen).
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const spread = style.boxShadow.match(/^rgb\([^)]*\) -?[\d.]+px -?[\d.]+px -?[\d.]+px ([\d.]+)px/);
  const shadow = spread !== null && parseFloat(spread[1]) >= 2;
  const r = el.getBoundingClientRect();
  const inset = Math.min(3, r.width / 4, r.height / 4);
  const points = [
    [r.left + r.width / 2, r.top + r.height / 2],
    [r.left + inset, r.top + inset], [r.right - inset, r.top + inset],
    [r.left + inset, r.bottom - inset], [r.right - inset, r.bottom - inset],
  ];
  // A tall field may reach past the bottom of the window (the browser scrolls its caret into
  // view): only the probes inside the window are looked at, and at least one must be.
  const onScreen = points.filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight);
  const covered = onScreen.filter(([x, y]) => {
    const top = document.elementFromPoint(x, y);
    // The element itself (or what it contains, or its label) is the element seen.
    return !(top && (top === el || el.contains(top) || (el.labels && [...el.labels].some(
      (label) => label.contains(top)))));
  });
  return {
    element: `${el.tagName.toLowerCase()}#${el.id} "${(el.textContent || '').trim().slice(0, 30)}"`,
    visible: outline || shadow,
    obscured: onScreen.length === 0 || covered.length > 0,
    detail: JSON.stringify({
      rect: [r.left, r.top, r.right, r.bottom].map(Math.round), windowHeight: innerHeight,
      seen: onScreen.map(([x, y]) => (document.elementFromPoint(x, y) || {}).tagName),
      outline: `${style.outlineStyle} ${style.outlineWidth}`, shadow: style.boxShadow}),
  };
}"""

FOCUSED_MATCHES = """([selector, text]) => {
    const el = document.activeElement;
    const label = el.tagName === 'INPUT' ? el.value : el.textContent;
    return el.matches(selector) && (text === null || label.trim() === text);
}"""


class Keyboard:
    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        self.presses = 0

    def _check_focus(self) -> None:
        state = self.page.evaluate(FOCUS_STATE)
        if state["element"] == "body":
            return
        if not state["visible"]:
            self.problems.append(
                f"{self.page.url}: no visible focus on {state['element']} {state['detail']}"
            )
        if state["obscured"]:
            self.problems.append(
                f"{self.page.url}: {state['element']} hidden behind another {state['detail']}"
            )

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.presses += 1
        self._check_focus()

    def tab_to(self, selector: str, text: str | None = None) -> None:
        """Press Tab until the focused element matches, as a keyboard user would."""
        for _ in range(MAX_TABS):
            self.press("Tab")
            if self.page.evaluate(FOCUSED_MATCHES, [selector, text]):
                return
        raise AssertionError(f"could not reach {selector} {text or ''} with the Tab key")

    def type_into(self, selector: str, text: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.type(text)

    def choose(self, selector: str, downs: int) -> None:
        """A select or a radio group: reached by Tab, changed by the arrow keys."""
        self.tab_to(selector)
        for _ in range(downs):
            self.press("ArrowDown")

    def follow(self, selector: str, text: str) -> None:
        self.tab_to(selector, text)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def submit(self, text: str) -> None:
        self.follow("button, input[type=submit]", text)


def _field_names(page) -> set[str]:
    return set(
        page.eval_on_selector_all(
            "main form[method=post] [name]:not([type=hidden])", "els => els.map(e => e.name)"
        )
    )


def _refused_keeps_what_was_typed(page, keys: Keyboard, kept: dict[str, str]) -> None:
    """After a refusal: the error summary has focus and the fields keep their values."""
    assert "There is a problem" in page.inner_text("main")
    assert page.evaluate("document.activeElement.dataset.errorSummary") is not None
    for selector, value in kept.items():
        assert page.input_value(selector) == value, selector
    keys._check_focus()  # the summary shows its focus too


def test_the_officers_main_journey_with_the_keyboard_alone(
    live_server, new_page, transactional_db, cast
):
    factories.default_instrument()
    for name, contact in (("Westbrook School", "Ann Ray"), ("Westbrook Police", "Dev Shah")):
        email = f"{contact.split()[0].lower()}@example.org"
        factories.agency(cast.authority, name, contact_name=contact, email=email)
    page = new_page()
    # Bootstrap animates scrolling and the focus ring unless motion is reduced: measured with
    # motion reduced, the focus is where it ends up at once, not half-way through an animation.
    page.emulate_media(reduced_motion="reduce")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    keys = Keyboard(page)

    # Sign in: the fields tell a password manager what they are, and a pasted password is taken.
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_attribute("#id_username", "autocomplete") == "username"
    assert page.get_attribute("#id_password", "autocomplete") == "current-password"
    keys.type_into("#id_username", "alice")
    page.evaluate("(text) => navigator.clipboard.writeText(text)", factories.PASSWORD)
    keys.tab_to("#id_password")
    page.keyboard.press("Control+V")
    assert page.input_value("#id_password") == factories.PASSWORD
    keys.submit("Sign in")
    assert "/accounts/login/" not in page.url

    # Register a partnership. A first try without its level is refused and keeps the rest.
    keys.follow("a", "Register a partnership")
    keys.type_into("#id_name", "Westbrook Together")
    keys.type_into("#id_programme", "New Start")
    keys.type_into("#id_description", "Schools and police keeping young people in learning.")
    keys.submit("Save partnership")
    _refused_keeps_what_was_typed(
        page, keys, {"#id_name": "Westbrook Together", "#id_programme": "New Start"}
    )
    keys.choose("#id_level", downs=1)
    keys.submit("Save partnership")
    partnership = Partnership.objects.get(name="Westbrook Together")
    assert partnership.level != ""
    assert "Partnership registered" in page.inner_text("main")

    # Its members: the partnership is known, so the form asks only for the agency and its role.
    for agency in ("Westbrook School", "Westbrook Police"):
        keys.follow("a", "Add an agency")
        assert "partnership" not in _field_names(page)
        keys.type_into("#id_agency", agency)  # a focused list picks the option typed
        keys.submit("Add agency to partnership")
        assert "Agency added to the partnership" in page.inner_text("main")
    assert partnership.memberships.count() == 2

    # A project of this partnership: its form does not ask which partnership.
    keys.follow("a", "Add a project")
    assert "partnership" not in _field_names(page)
    keys.type_into("#id_name", "Stay in School")
    keys.type_into("#id_target_group", "Year 10 and 11 pupils at risk of exclusion")
    keys.submit("Save project")
    assert "Project added" in page.inner_text("main")

    # Open a round of this project (which the form does not ask for again).
    keys.follow("a", "Open a survey round")
    assert "project" not in _field_names(page)
    keys.type_into("#id_title", "Autumn 2027")
    # A date field is typed as its segments (the browser's locale orders day and month: these
    # dates read the same either way).
    keys.type_into("#id_opens_on", "09092027")
    keys.type_into("#id_closes_on", "10102027")
    keys.choose("input[name=reporting_mode]", downs=0)
    page.keyboard.press("Space")
    keys.submit("Open the round")
    assert "There is a problem" not in page.inner_text("main")
    survey_round = Round.objects.get(title="Autumn 2027")
    assert (str(survey_round.opens_on), str(survey_round.closes_on)) == ("2027-09-09", "2027-10-10")

    # Invite the member agencies' contacts (their names and addresses are already known), and
    # one more person by hand.
    keys.submit("Invite every member agency's contact")
    assert set(Invitation.objects.filter(round=survey_round).values_list("name", flat=True)) == {
        "Ann Ray",
        "Dev Shah",
    }
    keys.follow("a", "Add one person")
    keys.type_into("#id_agency", "Westbrook School")
    keys.type_into("#id_name", "Kim Lee")
    keys.type_into("#id_email", "kim@example.org")
    keys.submit("Add invitee")
    assert Invitation.objects.filter(round=survey_round).count() == 3

    # Send.
    mail.outbox.clear()
    keys.submit("Send invitations not yet sent")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ann@example.org",
        "dev@example.org",
        "kim@example.org",
    ]
    assert Invitation.objects.filter(round=survey_round, sent_at__isnull=True).count() == 0

    assert keys.presses > 40
    assert keys.problems == [], "\n".join(keys.problems)
