"""Officer pages for surveys: questionnaire versions, rounds, invitations, paper entries."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.notify import notify_enabled
from core.pages import apply_service_errors, form_page
from partnerships import selectors as registry
from partnerships.permissions import SignedInRequest, officer_required, reader_required

from . import selectors, services
from .forms import InvitationForm, PaperResponseAgencyForm, QuestionnaireForm, RoundForm
from .models import DEFAULT_MIN_GROUP_SIZE


@reader_required
@require_GET
def instrument_list(request: SignedInRequest) -> HttpResponse:
    return render(
        request, "surveys/instrument_list.html", {"instruments": selectors.instruments_all()}
    )


@reader_required
@require_GET
def project_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """A project and its survey rounds (drawn here, where rounds live)."""
    project = registry.project_for_user(request.user, pk)
    return render(
        request,
        "surveys/project_detail.html",
        {"project": project, "rounds": selectors.rounds_for_project(project)},
    )


@officer_required
@require_http_methods(["GET", "POST"])
def round_create(request: SignedInRequest, project_pk: int) -> HttpResponse:
    project = registry.project_for_user(request.user, project_pk)
    form = RoundForm(request.POST or None, initial={"min_group_size": DEFAULT_MIN_GROUP_SIZE})
    if request.method == "POST" and form.is_valid():
        try:
            survey_round = services.round_open(
                actor=request.user, project=project, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Survey round opened. Now add the people to invite."))
            return redirect("surveys:round_detail", pk=survey_round.pk)
    return form_page(
        request,
        form,
        title=_("Open a survey round for %(name)s") % {"name": project.name},
        back_url=reverse("surveys:project_detail", args=[project.pk]),
    )


@reader_required
@require_GET
def round_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_for_user(request.user, pk)
    status = selectors.round_status(survey_round)
    return render(
        request,
        "surveys/round_detail.html",
        {
            "round": survey_round,
            "status": status,
            "status_labels": selectors.INVITATION_STATUS_LABELS,
            "delivery_column": notify_enabled()
            or any(invitation.delivery_status for invitation, _state in status.invitations),
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def invitation_add(request: SignedInRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_for_user(request.user, pk)
    form = InvitationForm(request.POST or None, survey_round=survey_round)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_add(
                actor=request.user, survey_round=survey_round, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Invitee added. Send the invitations when you are ready."))
            return redirect("surveys:round_detail", pk=pk)
    return form_page(
        request,
        form,
        title=_("Invite someone to %(title)s") % {"title": survey_round.title},
        back_url=reverse("surveys:round_detail", args=[pk]),
    )


@officer_required
@require_POST
def invitations_from_memberships(request: SignedInRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_for_user(request.user, pk)
    created, skipped = services.invitations_add_from_memberships(
        actor=request.user, survey_round=survey_round
    )
    messages.success(
        request,
        ngettext("%(n)s agency contact invited.", "%(n)s agency contacts invited.", len(created))
        % {"n": len(created)},
    )
    if skipped:
        messages.error(
            request,
            _("These agencies have no contact e-mail, so nobody was invited: %(names)s")
            % {"names": ", ".join(a.name for a in skipped)},
        )
    return redirect("surveys:round_detail", pk=pk)


@officer_required
@require_POST
def invitations_send(request: SignedInRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_for_user(request.user, pk)
    count = services.round_send_unsent(actor=request.user, survey_round=survey_round)
    messages.success(
        request,
        ngettext("%(n)s invitation sent.", "%(n)s invitations sent.", count) % {"n": count},
    )
    return redirect("surveys:round_detail", pk=pk)


@officer_required
@require_POST
def round_close(request: SignedInRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_for_user(request.user, pk)
    try:
        services.round_close(actor=request.user, survey_round=survey_round)
    except services.RoundAlreadyClosed:
        messages.error(request, _("This round has closed already."))
    else:
        messages.success(request, _("The round is closed: nobody can answer any more."))
    return redirect("surveys:round_detail", pk=pk)


@officer_required
@require_POST
def round_remind(request: SignedInRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_for_user(request.user, pk)
    count = services.round_send_reminders(actor=request.user, survey_round=survey_round)
    messages.success(
        request,
        ngettext("%(n)s reminder sent.", "%(n)s reminders sent.", count) % {"n": count},
    )
    return redirect("surveys:round_detail", pk=pk)


@officer_required
@require_POST
def invitation_resend(request: SignedInRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_for_user(request.user, pk)
    count = services.invitations_send(
        actor=request.user, survey_round=invitation.round, invitations=[invitation]
    )
    if count:
        messages.success(
            request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
        )
    else:
        messages.error(request, _("A revoked invitation cannot be sent."))
    return redirect("surveys:round_detail", pk=invitation.round_id)


@officer_required
@require_POST
def invitation_revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_for_user(request.user, pk)
    services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, _("Invitation revoked: its link no longer works."))
    return redirect("surveys:round_detail", pk=invitation.round_id)


@officer_required
@require_http_methods(["GET", "POST"])
def paper_response(request: SignedInRequest, pk: int) -> HttpResponse:
    """Key in a paper questionnaire: every question on one page, for one agency."""
    survey_round = selectors.round_for_user(request.user, pk)
    questions = list(survey_round.instrument.questions.select_related("section"))
    data = request.POST or None
    agency_form = PaperResponseAgencyForm(data, survey_round=survey_round)
    form = QuestionnaireForm(data, questions=questions, enforce_required=True)
    if request.method == "POST" and agency_form.is_valid() and form.is_valid():
        try:
            services.response_enter_on_paper(
                actor=request.user,
                survey_round=survey_round,
                agency=agency_form.cleaned_data["agency"],
                values=form.answer_values(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Paper questionnaire saved and submitted."))
            return redirect("surveys:round_detail", pk=pk)
    return render(
        request,
        "surveys/paper_response.html",
        {"round": survey_round, "agency_form": agency_form, "form": form, "questions": questions},
    )


@officer_required
@require_http_methods(["GET", "POST"])
def round_responses_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    """Delete a closed round's responses and invitations, after offering the export first."""
    survey_round = selectors.round_for_user(request.user, pk)
    if request.method == "POST":
        try:
            counts = services.round_responses_delete(actor=request.user, survey_round=survey_round)
        except services.RoundStillOpen:
            messages.error(request, _("Responses can only be deleted once the round has closed."))
        else:
            messages.success(
                request,
                _("%(n)s responses and %(i)s invitations deleted. The scorecards are kept.")
                % {"n": counts["responses"], "i": counts["invitations"]},
            )
        return redirect("surveys:round_detail", pk=pk)
    return render(request, "surveys/round_responses_delete.html", {"round": survey_round})
