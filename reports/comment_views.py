"""The Comments page of a round: what partners wrote (reports.comments holds the rules)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partnerships.permissions import SignedInRequest, reader_required
from surveys.selectors import round_for_user

from . import comments


@reader_required
@require_GET
def round_comments(request: SignedInRequest, pk: int) -> HttpResponse:
    survey_round = round_for_user(request.user, pk)
    return render(
        request,
        "reports/round_comments.html",
        {
            "c": comments.round_comments(survey_round),
            "round": survey_round,
            "NOT_PUBLISHED": comments.NOT_PUBLISHED,
            "DELETED": comments.DELETED,
        },
    )
