"""The registry's Celery task: e-mails are sent through the worker."""

from __future__ import annotations

from django.core import mail

from core.tasks import send_email


def test_send_email_sends_one_message_with_its_html_part():
    assert (
        send_email.apply(
            kwargs={
                "subject": "Hi",
                "body": "Text",
                "to": ["a@example.org"],
                "html_body": "<p>Hi</p>",
            }
        ).get()
        == 1
    )
    (message,) = mail.outbox
    assert isinstance(message, mail.EmailMultiAlternatives)
    assert message.to == ["a@example.org"]
    assert message.alternatives[0][0] == "<p>Hi</p>"


def test_queueing_an_email_never_waits_on_the_result_store():
    # A stored result means subscribing to it on Redis before publishing; with Redis down that
    # held an officer's "send invitations" for ~20 s. Nothing reads the result.
    assert send_email.ignore_result is True
