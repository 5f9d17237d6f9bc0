"""Password reset that sends its e-mail through Celery, after the request's transaction, in the
person's chosen language (else the language of the page they asked from)."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.template import loader
from django.urls import reverse

from core.languages import current, language_of
from core.tasks import send_email


class QueuedPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        with language_of(getattr(context.get("user"), "language", "") or current()):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        link = f"{context['protocol']}://{context['domain']}{path}"
        transaction.on_commit(
            lambda: send_email.delay(
                subject=subject,
                body=body,
                to=[to_email],
                notify_kind="password_reset",
                personalisation={"link": link},
                reference="password-reset",
            )
        )
