"""The invitation e-mail: previewed by the officer as it is sent, plain text and HTML together,
with the officer's own message in both, escaped in the HTML."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from partnerships.models import AuditEvent
from tests import factories
from tests.unchanged import nothing_written

HOSTILE = 'Thanks! <script>alert("x")</script> <img src=x onerror=alert(1)> & "quotes"'


@pytest.fixture
def rnd(cast):
    rnd = factories.survey_round(cast.project, title="Spring 2026 survey")
    invitation, _token = factories.invitation(
        rnd, cast.agency, name="Ria Respondent", email="ria@example.org"
    )
    # Ria told us she reads English (test_welsh_emails has the other languages).
    invitation.language = "en-gb"
    invitation.save(update_fields=["language"])
    return rnd


def send(client, rnd, capture) -> EmailMultiAlternatives:
    with capture(execute=True):
        client.post(reverse("surveys:invitations_send", args=[rnd.pk]))
    [message] = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    return message


def html_part(message: EmailMultiAlternatives) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(content)


def save_message(client, rnd, text):
    rnd.refresh_from_db()
    return client.post(
        reverse("surveys:round_email_preview", args=[rnd.pk]),
        {"invitation_message": text, "version": rnd.version},
    )


def test_the_invitation_is_sent_as_plain_text_and_html(
    client, cast, rnd, django_capture_on_commit_callbacks
):
    client.force_login(cast.alice)
    message = send(client, rnd, django_capture_on_commit_callbacks)
    assert message.subject == "Your views on Spring 2026 survey"
    assert message.to == ["ria@example.org"]
    assert "Dear Ria Respondent," in str(message.body)
    html = html_part(message)
    assert '<html lang="en-gb">' in html
    assert "<title>Your views on Spring 2026 survey</title>" in html
    # Readable with images off and by a screen reader: no images, and the link says where it
    # goes (the same personal link as the plain text's).
    assert "<img" not in html
    found = re.search(r"https?://\S+/r/[^/\s]+/", str(message.body))
    assert found is not None
    link = found.group(0)
    assert f'<a href="{link}">Answer the questionnaire about Eastfield New Start</a>' in html


def test_the_officers_message_is_in_both_parts_and_escaped_in_the_html(
    client, cast, rnd, django_capture_on_commit_callbacks
):
    client.force_login(cast.alice)
    assert save_message(client, rnd, HOSTILE + "\nSee you soon.").status_code == 302
    message = send(client, rnd, django_capture_on_commit_callbacks)
    assert "A message from Northshire:\n" + HOSTILE + "\nSee you soon." in str(message.body)
    html = html_part(message)
    assert "<script>" not in html and "<img" not in html
    assert (
        "<blockquote><p>Thanks! &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; "
        "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;<br>See you soon.</p>"
        "</blockquote>"
    ) in html


def test_reminders_carry_the_message_in_both_parts_too(
    client, cast, rnd, django_capture_on_commit_callbacks
):
    client.force_login(cast.alice)
    save_message(client, rnd, "Only five minutes left to help us.")
    send(client, rnd, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:round_remind", args=[rnd.pk]))
    [reminder] = mail.outbox
    assert isinstance(reminder, EmailMultiAlternatives)
    assert reminder.subject.startswith("Reminder: Spring 2026 survey closes on ")
    assert "Only five minutes left to help us." in str(reminder.body)
    assert "Only five minutes left to help us." in html_part(reminder)


def test_the_preview_shows_the_subject_and_both_bodies_with_a_placeholder_link(client, cast, rnd):
    client.force_login(cast.alice)
    save_message(client, rnd, HOSTILE)
    response = client.get(reverse("surveys:round_email_preview", args=[rnd.pk]))
    page = response.content.decode()
    assert "Your views on Spring 2026 survey" in page
    # The first invitee's name, and nobody's real link: a placeholder in both parts.
    assert page.count("Dear Ria Respondent,") == 2
    assert page.count("/r/your-personal-link/") == 3  # the HTML's link and address, the text's
    assert "Answer the questionnaire about Eastfield New Start</a>" in page
    # The hostile message is shown, escaped, in both parts and in the form to change it (never
    # run on the officer's page).
    assert "<script>alert" not in page and "<img src=x" not in page
    assert page.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 3


def test_the_preview_of_a_round_with_nobody_invited_uses_an_example_name(client, cast):
    rnd = factories.survey_round(cast.project)
    client.force_login(cast.alice)
    page = client.get(reverse("surveys:round_email_preview", args=[rnd.pk])).content.decode()
    assert "Dear Sam Example," in page
    assert "an example name is shown" in page


def test_the_preview_shows_the_reminder_on_request(client, cast, rnd):
    client.force_login(cast.alice)
    url = reverse("surveys:round_email_preview", args=[rnd.pk])
    page = client.get(url, {"kind": "reminder"}).content.decode()
    assert "Reminder: Spring 2026 survey closes on" in page
    assert "This is a reminder that" in page


def test_saving_the_message_is_audited_without_its_words(client, cast, rnd):
    client.force_login(cast.alice)
    response = save_message(client, rnd, "Ring Sam on 01234 567890 with questions.")
    assert response["Location"] == reverse("surveys:round_email_preview", args=[rnd.pk])
    rnd.refresh_from_db()
    assert rnd.invitation_message == "Ring Sam on 01234 567890 with questions."
    event = AuditEvent.objects.get(action="round.updated")
    assert event.data == {"invitation_message": {"changed": "yes"}}


def test_a_message_over_the_limit_is_refused_on_the_field(client, cast, rnd):
    client.force_login(cast.alice)
    with nothing_written():
        response = save_message(client, rnd, "x" * 1001)
    assert response.status_code == 200
    assert response.context["form"].errors["invitation_message"] == [
        "Ensure this value has at most 1000 characters (it has 1001)."
    ]


def test_a_stale_message_form_is_refused(client, cast, rnd):
    client.force_login(cast.alice)
    url = reverse("surveys:round_email_preview", args=[rnd.pk])
    save_message(client, rnd, "First.")
    with nothing_written():
        response = client.post(url, {"invitation_message": "Second.", "version": 1})
    assert "Someone else changed this round" in response.content.decode()


def test_only_officers_of_the_authority_see_the_preview(client, cast, rnd):
    url = reverse("surveys:round_email_preview", args=[rnd.pk])
    client.force_login(cast.mo)
    assert client.get(url).status_code == 403
    client.force_login(cast.oscar)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("invitees", [1, 5])
def test_sending_takes_the_same_queries_however_many_are_invited(
    cast, invitees, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from surveys.selectors import round_for_user
    from surveys.services import round_send_unsent

    rnd = factories.survey_round(cast.project)
    for _ in range(invitees):
        factories.invitation(rnd, cast.agency)
    survey_round = round_for_user(cast.alice, rnd.pk)
    # The service's savepoint and its release; the round locked, the unsent listed, the
    # authority's name read once for every e-mail, the questionnaire once (whether the e-mail
    # says it can be answered in Welsh), sent_at and send_count set, the audit row.
    with django_assert_num_queries(9), django_capture_on_commit_callbacks(execute=False):
        assert round_send_unsent(actor=cast.alice, survey_round=survey_round) == invitees


def test_an_invitee_whose_language_is_not_known_gets_both_languages_in_both_parts(
    client, cast, django_capture_on_commit_callbacks
):
    rnd = factories.survey_round(cast.project, title="Spring 2026 survey")
    factories.invitation(rnd, cast.agency, name="Ria Respondent", email="ria@example.org")
    client.force_login(cast.alice)
    message = send(client, rnd, django_capture_on_commit_callbacks)
    assert message.subject == "Eich barn am Spring 2026 survey / Your views on Spring 2026 survey"
    body = str(message.body)
    assert body.index("Annwyl Ria Respondent,") < body.index("Dear Ria Respondent,")
    html = html_part(message)
    # One document, each language's part marked with its own lang for a screen reader.
    assert html.count("<html") == 1 and html.count("<body>") == 1
    welsh, english = html.index('<div lang="cy">'), html.index('<div lang="en-gb">')
    assert welsh < html.index("Annwyl Ria Respondent,") < english < html.index("Dear Ria")
