"""Text must be seen, not only pass axe: axe could not work out the background of the round
page's status badges (white on white). Here every status badge and button label is measured
from the rendered page against the colour actually behind it (WCAG 2.2 AA: 4.5:1)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from surveys.models import DeliveryStatus
from tests import factories

pytestmark = pytest.mark.browser

# The colour of an element's text and of the first opaque background behind it, walking up the
# ancestors (a translucent layer is composited over what is below it), and their contrast ratio.
MEASURE = """
(elements) => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [255, 255, 255, 1];
    const p = m[1].split(',').map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map(
    (i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const backgroundOf = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v = v / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  return elements.map((el) => {
    const bg = backgroundOf(el);
    const fg = over(parse(getComputedStyle(el).color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    return {text: el.innerText.trim(), ratio: (hi + 0.05) / (lo + 0.05)};
  });
}
"""


def _signed_in_page(new_page, live_server, user):
    client = Client()
    client.force_login(user)
    page = new_page()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_every_status_badge_and_button_label_can_be_read(
    live_server, new_page, axe, transactional_db, cast
):
    rnd = factories.survey_round(cast.project)
    now = timezone.now()
    states = {
        "not sent": {},
        "sent": {"sent_at": now},
        "opened": {"sent_at": now, "opened_at": now},
        "revoked": {"sent_at": now, "revoked_at": now},
    }
    for name, fields in states.items():
        invitation, _token = factories.invitation(rnd, cast.agency, name=name)
        for field, value in fields.items():
            setattr(invitation, field, value)
        invitation.save()
    # The e-mail delivery badges (GOV.UK Notify), one invitation in each state.
    for status in DeliveryStatus:
        invitation, _token = factories.invitation(rnd, cast.agency, name=f"delivery {status}")
        invitation.sent_at, invitation.delivery_status = now, status
        invitation.save()
    factories.submitted_response(rnd, cast.agency)
    page = _signed_in_page(new_page, live_server, cast.alice)
    page.goto(f"{live_server.url}/rounds/{rnd.pk}/")

    badges = page.eval_on_selector_all("main .badge", MEASURE)
    buttons = page.eval_on_selector_all("main button, main .btn", MEASURE)
    seen = {badge["text"] for badge in badges}
    assert {"Submitted", "Sent", "Opened", "Revoked", "Not sent"} <= seen
    assert {str(status.label) for status in DeliveryStatus} <= seen
    assert buttons
    faint = [m for m in badges + buttons if m["text"] and m["ratio"] < 4.5]
    assert faint == [], faint
    axe.check(page)  # the page with its e-mail delivery column
    assert axe.problems == []
