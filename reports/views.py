"""Dashboards and exports for officers and managers. Pages read stored scorecards only."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.pages import apply_service_errors, form_page
from partnerships.permissions import SignedInRequest, officer_required, reader_required
from surveys.selectors import instrument_with_questions, round_for_user

from . import dashboards, exports, pdf, presenters, selectors
from .forms import ActionForm, ActionStatusForm
from .models import ActionStatus, Export, ExportStatus
from .selectors import scorecard_for_display
from .services import actions as action_services
from .services.announcements import round_results_announce


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        exports.csv_lines(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@reader_required
@require_GET
def instrument_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """A questionnaire version, its index weights and, once measured, its reliability."""
    instrument, sections = instrument_with_questions(pk)
    return render(
        request,
        "reports/instrument_detail.html",
        {
            "instrument": instrument,
            "sections": sections,
            "reliability": selectors.instrument_reliability(instrument.pk),
        },
    )


@reader_required
@require_GET
def project_dashboard(request: SignedInRequest, pk: int) -> HttpResponse:
    round_pk = request.GET.get("round")
    context = presenters.dashboard_page_context(
        request.user,
        pk,
        int(round_pk) if round_pk and round_pk.isdigit() else None,
        csrf_token=get_token(request),
    )
    return render(request, "reports/project_dashboard.html", context)


@reader_required
@require_GET
def authority_overview(request: SignedInRequest) -> HttpResponse:
    context = presenters.overview_page_context(
        request.user, request.GET, request.path, csrf_token=get_token(request)
    )
    return render(request, "reports/authority_overview.html", context)


@reader_required
@require_GET
def project_scores_csv(request: SignedInRequest, pk: int) -> StreamingHttpResponse:
    dashboard = dashboards.project_dashboard(request.user, pk)
    points = [
        (p.round, scorecard_for_display(dashboard.scorecards[p.round.pk], p.round))
        for p in dashboard.trend
    ]
    actions = selectors.actions_of_project(dashboard.project)
    name = slugify(dashboard.project.name) or "project"
    return _csv_response(exports.project_scores_rows(points, actions), f"{name}-scores.csv")


@reader_required
@require_GET
def round_responses_csv(request: SignedInRequest, pk: int) -> StreamingHttpResponse:
    survey_round = round_for_user(request.user, pk)
    if not exports.raw_answers_readable(request.user, survey_round):
        raise PermissionDenied(
            _("An anonymous round's raw answers are for officers, once the round has closed.")
        )
    name = slugify(survey_round.title) or "round"
    return _csv_response(exports.round_responses_rows(survey_round), f"{name}-responses.csv")


@reader_required
@require_GET
def project_scorecard_pdf(request: SignedInRequest, pk: int) -> HttpResponse:
    round_pk = request.GET.get("round")
    context = presenters.dashboard_context(
        request.user, pk, int(round_pk) if round_pk and round_pk.isdigit() else None
    )
    content = pdf.render_pdf(pdf.project_scorecard_html(context))
    response = HttpResponse(content, content_type="application/pdf")
    name = slugify(context["d"].project.name) or "project"
    response["Content-Disposition"] = f'attachment; filename="{name}-scorecard.pdf"'
    return response


@reader_required
@require_POST
def authority_pack_request(request: SignedInRequest) -> HttpResponse:
    export = exports.export_request(actor=request.user, kind=exports.EXPORT_AUTHORITY_PACK)
    return redirect("reports:export_detail", pk=export.pk)


def _export_expired(request: HttpRequest, export: Export) -> HttpResponse:
    return render(
        request,
        "reports/export_expired.html",
        {"export": export, "days": settings.EXPORT_RETENTION_DAYS},
        status=410,
    )


@reader_required
@require_GET
def export_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    export = selectors.export_for_user(request.user, pk)
    if export.is_expired:
        return _export_expired(request, export)
    return render(request, "reports/export_detail.html", {"export": export})


@reader_required
@require_GET
def export_status(request: SignedInRequest, pk: int) -> JsonResponse:
    export = selectors.export_for_user(request.user, pk)
    if export.is_expired:
        return JsonResponse(
            {
                "status": "expired",
                "status_label": _("Expired"),
                "progress": export.progress,
                "total": export.total,
                "download_url": None,
            },
            status=410,
        )
    return JsonResponse(
        {
            "status": export.status,
            "status_label": export.get_status_display(),
            "progress": export.progress,
            "total": export.total,
            "download_url": reverse("reports:export_download", args=[export.pk])
            if export.status == ExportStatus.DONE
            else None,
        }
    )


@reader_required
@require_GET
def export_download(request: SignedInRequest, pk: int) -> HttpResponse:
    export = selectors.export_for_user(request.user, pk)
    if export.is_expired:
        return _export_expired(request, export)
    if export.status != ExportStatus.DONE:
        raise Http404
    content = Export.objects.values_list("content", flat=True).get(pk=export.pk)
    if content is None:  # a finished export always has its file: nothing to send without one
        raise Http404
    response = HttpResponse(bytes(content), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


# --- Action plans (issue 15) ------------------------------------------------------------------
@reader_required
@require_http_methods(["GET", "POST"])
def action_create(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record an action from a round's dashboard (officers and managers who read the round)."""
    survey_round = selectors.round_for_user(request.user, pk)
    form = ActionForm(
        request.POST or None,
        components=action_services.action_components(survey_round),
        agencies=action_services.member_agencies(survey_round),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = action_services.action_create(
                actor=request.user,
                survey_round=survey_round,
                component=data["component"],
                description=data["description"],
                lead_agency_id=data["lead_agency"],
                due_on=data["due_on"],
                note=data["note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Action recorded."))
            return redirect("reports:action_detail", pk=action.pk)
    dashboard = reverse("reports:project_dashboard", args=[survey_round.project_id])
    return form_page(
        request,
        form,
        title=_("Record an action after %(title)s") % {"title": survey_round.title},
        back_url=f"{dashboard}?round={survey_round.pk}",
    )


@reader_required
@require_http_methods(["GET", "POST"])
def action_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """An action, its dated history, and the form to change its status."""
    action = selectors.action_for_user(request.user, pk)
    choices = [(value, label) for value, label in ActionStatus.choices if value != action.status]
    form = ActionStatusForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            action_services.action_status_change(
                actor=request.user,
                action=action,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Status changed."))
            return redirect("reports:action_detail", pk=action.pk)
    labels = action.round.instrument.components or {}
    return render(
        request,
        "reports/action_detail.html",
        {
            "action": action,
            "component_label": labels.get(action.component, action.component),
            "form": form,
            "dashboard_url": reverse("reports:project_dashboard", args=[action.round.project_id])
            + f"?round={action.round_id}",
        },
    )


@reader_required
@require_POST
def workshop_pack_request(request: SignedInRequest, pk: int) -> HttpResponse:
    """Build a round's workshop pack (a task with progress); only a scored round has one."""
    survey_round = selectors.round_for_user(request.user, pk)
    if selectors.latest_scorecard(survey_round) is None:
        messages.error(request, _("This round has no results yet, so it has no workshop pack."))
        dashboard = reverse("reports:project_dashboard", args=[survey_round.project_id])
        return redirect(f"{dashboard}?round={survey_round.pk}")
    export = exports.export_request(
        actor=request.user, kind=exports.EXPORT_WORKSHOP_PACK, survey_round=survey_round
    )
    return redirect("reports:export_detail", pk=export.pk)


@officer_required
@require_POST
def results_announce(request: SignedInRequest, pk: int) -> HttpResponse:
    """Tell the partners that the round's results are ready (once)."""
    survey_round = round_for_user(request.user, pk)
    try:
        told = round_results_announce(actor=request.user, survey_round=survey_round)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s partner was told the results are ready.",
                "%(n)s partners were told the results are ready.",
                told,
            )
            % {"n": told},
        )
    return redirect("surveys:round_detail", pk=pk)
