"""Partners' pages: the published results of their agency's partnerships
(reports.partner_results holds the rules)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partnerships.permissions import SignedInRequest, partner_required

from . import partner_results


@partner_required
@require_GET
def partner_partnership(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership, projects = partner_results.partnership_results(request.user, pk)
    return render(
        request,
        "reports/partner_partnership.html",
        {"partnership": partnership, "projects": projects},
    )


@partner_required
@require_GET
def partner_project_results(request: SignedInRequest, pk: int) -> HttpResponse:
    round_pk = request.GET.get("round")
    context = partner_results.partner_results_context(
        request.user, pk, int(round_pk) if round_pk and round_pk.isdigit() else None
    )
    return render(request, "reports/partner_results.html", context)
