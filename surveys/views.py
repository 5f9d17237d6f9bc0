"""Officer pages for surveys: questionnaire versions, rounds, invitations, paper entries."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import StaleEditError
from core.notify import notify_enabled
from core.pages import apply_service_errors, form_page
from partnerships import selectors as registry
from partnerships.permissions import SignedInRequest, officer_required, reader_required

from . import selectors, services
from .emails import html_body_content, invitation_email, preview_link
from .forms import (
    InvitationForm,
    InvitationImportForm,
    InvitationMessageForm,
    PaperResponseAgencyForm,
    QuestionnaireForm,
    RoundEditForm,
    RoundForm,
)
from .invitation_import import invitation_csv_parse, invitation_csv_template
from .models import DEFAULT_MIN_GROUP_SIZE, Round
from .round_edit import round_locked_fields, round_update


def _refused_closed(request: SignedInRequest, survey_round: Round) -> HttpResponse:
    """An action a closed round does not take: say so on the round's page, change nothing."""
    messages.error(request, str(services.CLOSED_ROUND_REFUSAL))
    return redirect("surveys:round_detail", pk=survey_round.pk)


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
    if not survey_round.takes_invitations():
        return _refused_closed(request, survey_round)
    form = InvitationForm(request.POST or None, survey_round=survey_round)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_add(
                actor=request.user, survey_round=survey_round, **form.cleaned_data
            )
        except services.RoundAlreadyClosed:
            return _refused_closed(request, survey_round)
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
    try:
        created, skipped = services.invitations_add_from_memberships(
            actor=request.user, survey_round=survey_round
        )
    except services.RoundAlreadyClosed:
        return _refused_closed(request, survey_round)
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
    try:
        count = services.round_send_unsent(actor=request.user, survey_round=survey_round)
    except services.RoundAlreadyClosed:
        return _refused_closed(request, survey_round)
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
    try:
        count = services.round_send_reminders(actor=request.user, survey_round=survey_round)
    except services.RoundAlreadyClosed:
        return _refused_closed(request, survey_round)
    messages.success(
        request,
        ngettext("%(n)s reminder sent.", "%(n)s reminders sent.", count) % {"n": count},
    )
    return redirect("surveys:round_detail", pk=pk)


@officer_required
@require_POST
def invitation_resend(request: SignedInRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_for_user(request.user, pk)
    try:
        count = services.invitations_send(
            actor=request.user, survey_round=invitation.round, invitations=[invitation]
        )
    except services.RoundAlreadyClosed:
        return _refused_closed(request, invitation.round)
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
    # The agencies to rate are the round's others: all of them until the agency is chosen (a
    # rating left on the agency's own row is not a question it was asked, so it is not read).
    own = agency_form.cleaned_data["agency"].pk if agency_form.is_valid() else None
    form = QuestionnaireForm(
        data,
        questions=questions,
        enforce_required=True,
        relationship_agencies=selectors.section_relationship_agencies(
            survey_round, questions, excluding=own
        ),
    )
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


# --- Editing a round, its e-mail, inviting from a file ---------------------------------------
STALE_ROUND_MESSAGE = _lazy(
    "Someone else changed this round while you were editing it. Your changes have not been "
    "saved: open the round again to see the latest version."
)


@officer_required
@require_http_methods(["GET", "POST"])
def round_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_for_user(request.user, pk)
    title = _("Edit %(title)s") % {"title": survey_round.title}  # before the form changes it
    locked = round_locked_fields(survey_round)
    form = RoundEditForm(request.POST or None, instance=survey_round, locked=locked)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            round_update(
                actor=request.user,
                survey_round=survey_round,
                expected_version=form.cleaned_data["version"],
                **data,
            )
        except StaleEditError:
            form.add_error(None, str(STALE_ROUND_MESSAGE))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Round updated."))
            return redirect("surveys:round_detail", pk=pk)
    return form_page(
        request,
        form,
        title=title,
        back_url=reverse("surveys:round_detail", args=[pk]),
    )


@officer_required
@require_http_methods(["GET", "POST"])
def round_email_preview(request: SignedInRequest, pk: int) -> HttpResponse:
    """The invitation (or reminder) e-mail as a partner gets it, and the officer's message."""
    survey_round = selectors.round_for_user(request.user, pk)
    form = InvitationMessageForm(request.POST or None, survey_round=survey_round)
    if request.method == "POST":
        if not survey_round.takes_invitations():
            return _refused_closed(request, survey_round)
        if form.is_valid():
            try:
                round_update(
                    actor=request.user,
                    survey_round=survey_round,
                    expected_version=form.cleaned_data["version"],
                    invitation_message=form.cleaned_data["invitation_message"],
                )
            except StaleEditError:
                form.add_error(None, str(STALE_ROUND_MESSAGE))
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Your message is saved. This is the e-mail now."))
                return redirect("surveys:round_email_preview", pk=pk)
    reminder = request.GET.get("kind") == "reminder"
    first = survey_round.invitations.filter(revoked_at__isnull=True).order_by("id").first()
    name = first.name if first else _("Sam Example")
    email = invitation_email(survey_round, name=name, link=preview_link(), reminder=reminder)
    return render(
        request,
        "surveys/round_email_preview.html",
        {
            "round": survey_round,
            "form": form,
            "email": email,
            "html_content": html_body_content(email.html_body),
            "reminder": reminder,
            "example_name": first is None,
        },
    )


def _import_session_key(survey_round: Round) -> str:
    return f"invitation_import_csv:{survey_round.pk}"


@officer_required
@require_http_methods(["GET", "POST"])
def invitation_import(request: SignedInRequest, pk: int) -> HttpResponse:
    """Upload, then preview with row-level errors; a valid preview is confirmed separately."""
    survey_round = selectors.round_for_user(request.user, pk)
    if not survey_round.takes_invitations():
        return _refused_closed(request, survey_round)
    form = InvitationImportForm(request.POST or None, request.FILES or None)
    preview = None
    key = _import_session_key(survey_round)
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        preview = invitation_csv_parse(content=content, survey_round=survey_round)
        if preview.is_valid:
            request.session[key] = content.decode("utf-8-sig")
        else:
            request.session.pop(key, None)
    return render(
        request,
        "surveys/invitation_import.html",
        {"round": survey_round, "form": form, "preview": preview},
    )


@officer_required
@require_POST
def invitation_import_confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_for_user(request.user, pk)
    content = request.session.pop(_import_session_key(survey_round), None)
    if not survey_round.takes_invitations():
        return _refused_closed(request, survey_round)
    if content is None:
        messages.error(request, _("There is no checked file to import. Upload it again."))
        return redirect("surveys:invitation_import", pk=pk)
    # Checked again: another officer may have invited someone in the file since.
    preview = invitation_csv_parse(content=content.encode("utf-8"), survey_round=survey_round)
    if not preview.is_valid:
        messages.error(request, _("The file no longer passes the checks. Upload it again."))
        return redirect("surveys:invitation_import", pk=pk)
    try:
        created = services.invitations_import(
            actor=request.user, survey_round=survey_round, rows=preview.invitation_fields()
        )
    except services.RoundAlreadyClosed:
        return _refused_closed(request, survey_round)
    except ValidationError:
        messages.error(request, _("Nobody was invited: the file no longer passes the checks."))
        return redirect("surveys:invitation_import", pk=pk)
    messages.success(
        request,
        ngettext(
            "%(n)s person invited. Send the invitations when you are ready.",
            "%(n)s people invited. Send the invitations when you are ready.",
            len(created),
        )
        % {"n": len(created)},
    )
    return redirect("surveys:round_detail", pk=pk)


@officer_required
@require_GET
def invitation_import_template(request: SignedInRequest, pk: int) -> HttpResponse:
    selectors.round_for_user(request.user, pk)  # 404 for another authority's round
    response = HttpResponse(invitation_csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invitations-template.csv"'
    return response
