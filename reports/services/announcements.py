"""Telling the partners that a round's results are ready: once per round, by e-mail, to the
partner accounts of the agencies that are members of the partnership today. Their link opens
the results page partners read (reports.partner_results), under its rules."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.languages import language_of
from core.tasks import send_email
from partnerships.audit import audit_record
from partnerships.models import Role, User
from partnerships.services import require_officer_of
from surveys.models import Round

from .publication import published_rounds


def results_recipients(survey_round: Round) -> list[User]:
    """Active partner accounts of the partnership's current member agencies."""
    return list(
        User.objects.filter(
            role=Role.PARTNER,
            is_active=True,
            authority_id=survey_round.project.partnership.authority_id,
            agency__memberships__partnership_id=survey_round.project.partnership_id,
            agency__memberships__left_on__isnull=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def round_results_announce(*, actor: User, survey_round: Round) -> int:
    """E-mail the partners that the round's results are ready; how many were told. Refused
    (ValidationError) before its results are published, and when they were told already."""
    partnership = survey_round.project.partnership
    require_officer_of(actor, partnership.authority_id)
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=survey_round.pk)
        if locked.results_announced_at is not None:
            raise ValidationError(
                _("The partners were told these results are ready on %(date)s.")
                % {"date": date_format(timezone.localtime(locked.results_announced_at), "j F Y")}
            )
        if not published_rounds(locked.project).filter(pk=locked.pk).exists():
            raise ValidationError(
                _("This round's results are not published yet: it must be closed and scored.")
            )
        recipients = results_recipients(locked)
        locked.results_announced_at = timezone.now()
        locked.save(update_fields=["results_announced_at"])
        audit_record(
            actor=actor,
            action="round.results_announced",
            obj=locked,
            authority=partnership.authority,
            data={"recipients": len(recipients)},
        )
        link = settings.SITE_URL + reverse(
            "reports:partner_project_results", args=[locked.project_id]
        )
        for user in recipients:
            with language_of(user.language):
                subject = _("The results of %(title)s are ready") % {"title": locked.title}
                body = render_to_string(
                    "reports/email/results_ready.txt",
                    {"user": user, "round": locked, "partnership": partnership, "link": link},
                )
            transaction.on_commit(
                partial(send_email.delay, subject=subject, body=body, to=[user.email])
            )
    return len(recipients)
