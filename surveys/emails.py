"""The invitation and reminder e-mails: one function builds them, for the sender and for the
officer's preview alike, so what the officer sees is what the partner gets."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.languages import BILINGUAL_DIVIDER, languages_for, welsh_offered

from .models import Round

# What the preview shows where each person's own link goes: a real link would let whoever
# reads the preview answer as that person.
PREVIEW_TOKEN = "your-personal-link"  # noqa: S105  # nosec B105  # a placeholder, no secret


@dataclass(frozen=True)
class InvitationEmail:
    subject: str
    body: str  # text/plain
    html_body: str  # text/html, a whole document


def invitation_email(
    survey_round: Round, *, name: str, link: str, reminder: bool
) -> InvitationEmail:
    partnership = survey_round.project.partnership
    subject = (
        _("Reminder: %(title)s closes on %(date)s") if reminder else _("Your views on %(title)s")
    ) % {"title": survey_round.title, "date": date_format(survey_round.closes_on, "j F Y")}
    context = {
        "name": name,
        "round": survey_round,
        "partnership": partnership,
        "authority": partnership.authority,
        "message": survey_round.invitation_message.strip(),
        "link": link,
        "reminder": reminder,
        "subject": subject,
        # A version 1 questionnaire is in English only, and the e-mail says so.
        "english_only": welsh_offered() and not survey_round.instrument.is_bilingual,
        "either_language": welsh_offered() and survey_round.instrument.is_bilingual,
    }
    return InvitationEmail(
        subject=subject,
        # The plain text is rendered with autoescape off, so it is not safe HTML: it must not
        # keep render_to_string's "safe" mark, or a page showing it would not escape it.
        body=str.__str__(render_to_string("surveys/email/invitation.txt", context)),
        html_body=render_to_string("surveys/email/invitation.html", context),
    )


def invitation_email_in(
    language: str | None, survey_round: Round, *, name: str, link: str, reminder: bool
) -> InvitationEmail:
    """The e-mail in the invitee's recorded language; not known: one e-mail with every offered
    language, Welsh first (the subjects joined, the bodies one after the other, each part of
    the HTML marked with its own `lang` so a screen reader speaks it right)."""
    parts = []
    for code in languages_for(language):
        with translation.override(code):
            email = invitation_email(survey_round, name=name, link=link, reminder=reminder)
        parts.append((code, email))
    if len(parts) == 1:
        return parts[0][1]
    subject = " / ".join(email.subject for _code, email in parts)
    html_body = render_to_string(
        "surveys/email/invitation_bilingual.html",
        {
            "lang": parts[0][0],
            "subject": subject,
            "parts": [(code, html_body_content(email.html_body)) for code, email in parts],
        },
    )
    return InvitationEmail(
        subject=subject,
        body=BILINGUAL_DIVIDER.join(email.body.strip() for _code, email in parts) + "\n",
        html_body=html_body,
    )


def preview_link() -> str:
    site_url: str = settings.SITE_URL
    return site_url + reverse("surveys:respond_link", args=[PREVIEW_TOKEN])


def html_body_content(html_body: str) -> SafeString:
    """The inside of the HTML e-mail's <body>, to show on the preview page as it is sent. The
    e-mail's template escaped every value in it, so it is safe to show unescaped."""
    inside = html_body.split("<body>", 1)[1].rsplit("</body>", 1)[0]
    # Rendered by our own autoescaping template: every value in it is escaped already.
    return mark_safe(inside)  # noqa: S308  # nosec B308 B703
