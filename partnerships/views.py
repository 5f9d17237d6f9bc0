"""Registry pages. Thin: a selector or a form, one service call, a redirect or a render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import StaleEditError
from core.pages import apply_service_errors, form_page, page_of

from . import selectors, services
from .agency_import import agency_csv_parse, agency_csv_template
from .forms import (
    AgencyFilterForm,
    AgencyForm,
    AgencyImportForm,
    AuthorityContactForm,
    MembershipAddForm,
    MembershipEditForm,
    PartnershipFilterForm,
    PartnershipForm,
    ProjectForm,
)
from .models import LocalAuthority, Role
from .permissions import SignedInRequest, authority_id_of, officer_required, reader_required

IMPORT_SESSION_KEY = "agency_import_csv"


# --- Home ----------------------------------------------------------------------------------
@login_required
@require_GET
def home(request: SignedInRequest) -> HttpResponse:
    user = request.user
    partnerships = selectors.partnerships_visible_to(user).filter(active=True).order_by("name")
    context: dict[str, Any] = {"partnerships": partnerships[:50]}
    if user.role == Role.PARTNER:
        template = "partnerships/home_partner.html"
    elif user.role == Role.MANAGER:
        template = "partnerships/home_manager.html"
    elif user.role == Role.OFFICER:
        template = "partnerships/home_officer.html"
        context["agency_count"] = selectors.agencies_of_authority(user).filter(active=True).count()
    else:
        template = "partnerships/home_other.html"
    return render(request, template, context)


# --- Partnerships --------------------------------------------------------------------------
@reader_required
@require_GET
def partnership_list(request: SignedInRequest) -> HttpResponse:
    form = PartnershipFilterForm(
        request.GET or None, programmes=selectors.programmes_in_authority(request.user)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.partnership_list(
        request.user,
        search=filters.get("q", ""),
        programme=filters.get("programme", ""),
        level=filters.get("level", ""),
        status=filters.get("status") or "active",
    )
    return render(
        request,
        "partnerships/partnership_list.html",
        {"filter_form": form, "page": page_of(request, queryset)},
    )


@officer_required
@require_http_methods(["GET", "POST"])
def partnership_create(request: SignedInRequest) -> HttpResponse:
    form = PartnershipForm(request.POST or None, authority_id=request.user.authority_id)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            partnership = services.partnership_register(actor=request.user, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Partnership registered."))
            return redirect("partnerships:partnership_detail", pk=partnership.pk)
    return form_page(
        request,
        form,
        title=_("Register a partnership"),
        back_url=reverse("partnerships:partnership_list"),
    )


@reader_required
@require_GET
def partnership_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership, memberships, projects = selectors.partnership_detail(request.user, pk)
    return render(
        request,
        "partnerships/partnership_detail.html",
        {"partnership": partnership, "memberships": memberships, "projects": projects},
    )


@officer_required
@require_http_methods(["GET", "POST"])
def partnership_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = selectors.partnership_for_user(request.user, pk)
    form = PartnershipForm(
        request.POST or None, instance=partnership, authority_id=request.user.authority_id
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        expected = form.cleaned_data.get("version") or 0
        try:
            services.partnership_update(
                actor=request.user,
                partnership=selectors.partnership_for_user(request.user, pk),
                expected_version=expected,
                **data,
            )
        except StaleEditError:
            form.add_error(
                None,
                _(
                    "Someone else changed this partnership while you were editing it. "
                    "Your changes have not been saved: open the partnership again to see "
                    "the latest version."
                ),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Partnership updated."))
            return redirect("partnerships:partnership_detail", pk=pk)
    return form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": partnership.name},
        back_url=reverse("partnerships:partnership_detail", args=[pk]),
    )


@officer_required
@require_POST
def partnership_archive(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = selectors.partnership_for_user(request.user, pk)
    active = request.POST.get("restore") == "1"
    services.partnership_set_active(actor=request.user, partnership=partnership, active=active)
    messages.success(request, _("Partnership restored.") if active else _("Partnership archived."))
    return redirect("partnerships:partnership_detail", pk=pk)


# --- Memberships ---------------------------------------------------------------------------
@officer_required
@require_http_methods(["GET", "POST"])
def membership_add(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = selectors.partnership_for_user(request.user, pk)
    form = MembershipAddForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(
                actor=request.user, partnership=partnership, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Agency added to the partnership."))
            return redirect("partnerships:partnership_detail", pk=pk)
    return form_page(
        request,
        form,
        title=_("Add an agency to %(name)s") % {"name": partnership.name},
        back_url=reverse("partnerships:partnership_detail", args=[pk]),
    )


@officer_required
@require_http_methods(["GET", "POST"])
def membership_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_for_user(request.user, pk)
    form = MembershipEditForm(request.POST or None, instance=membership)
    back_url = reverse("partnerships:partnership_detail", args=[membership.partnership_id])
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                actor=request.user,
                membership=selectors.membership_for_user(request.user, pk),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Membership updated."))
            return redirect(back_url)
    return form_page(
        request,
        form,
        title=_("%(agency)s in %(partnership)s")
        % {"agency": membership.agency.name, "partnership": membership.partnership.name},
        back_url=back_url,
    )


# --- Projects ------------------------------------------------------------------------------
@officer_required
@require_http_methods(["GET", "POST"])
def project_create(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = selectors.partnership_for_user(request.user, pk)
    form = ProjectForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                actor=request.user, partnership=partnership, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Project added."))
            return redirect("surveys:project_detail", pk=project.pk)
    return form_page(
        request,
        form,
        title=_("Add a project to %(name)s") % {"name": partnership.name},
        back_url=reverse("partnerships:partnership_detail", args=[pk]),
    )


@officer_required
@require_http_methods(["GET", "POST"])
def project_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    project = selectors.project_for_user(request.user, pk)
    form = ProjectForm(request.POST or None, instance=project, partnership=project.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            # The stored project, not `project`: validating the form wrote the new values into it.
            services.project_update(
                actor=request.user,
                project=selectors.project_for_user(request.user, pk),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Project updated."))
            return redirect("surveys:project_detail", pk=pk)
    return form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": project.name},
        back_url=reverse("surveys:project_detail", args=[pk]),
    )


@officer_required
@require_POST
def project_archive(request: SignedInRequest, pk: int) -> HttpResponse:
    project = selectors.project_for_user(request.user, pk)
    active = request.POST.get("restore") == "1"
    services.project_set_active(actor=request.user, project=project, active=active)
    messages.success(request, _("Project restored.") if active else _("Project archived."))
    return redirect("surveys:project_detail", pk=pk)


# --- Agencies ------------------------------------------------------------------------------
@officer_required
@require_GET
def agency_list(request: SignedInRequest) -> HttpResponse:
    form = AgencyFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.agency_list(
        request.user,
        search=filters.get("q", ""),
        agency_type=filters.get("agency_type", ""),
        status=filters.get("status") or "active",
    )
    return render(
        request,
        "partnerships/agency_list.html",
        {"filter_form": form, "page": page_of(request, queryset)},
    )


@officer_required
@require_http_methods(["GET", "POST"])
def agency_create(request: SignedInRequest) -> HttpResponse:
    form = AgencyForm(request.POST or None, authority_id=request.user.authority_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Agency added."))
            return redirect("partnerships:agency_list")
    return form_page(
        request, form, title=_("Add an agency"), back_url=reverse("partnerships:agency_list")
    )


@officer_required
@require_http_methods(["GET", "POST"])
def agency_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    agency = selectors.agency_for_user(request.user, pk)
    form = AgencyForm(request.POST or None, instance=agency, authority_id=request.user.authority_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(
                actor=request.user,
                agency=selectors.agency_for_user(request.user, pk),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Agency updated."))
            return redirect("partnerships:agency_list")
    return form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": agency.name},
        back_url=reverse("partnerships:agency_list"),
        archive_agency=agency,
    )


@officer_required
@require_POST
def agency_archive(request: SignedInRequest, pk: int) -> HttpResponse:
    agency = selectors.agency_for_user(request.user, pk)
    active = request.POST.get("restore") == "1"
    services.agency_set_active(actor=request.user, agency=agency, active=active)
    messages.success(request, _("Agency restored.") if active else _("Agency archived."))
    return redirect("partnerships:agency_list")


@officer_required
@require_http_methods(["GET", "POST"])
def agency_import(request: SignedInRequest) -> HttpResponse:
    """Upload, then preview with row-level errors; a valid preview is confirmed separately."""
    form = AgencyImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        preview = agency_csv_parse(content=content, authority_id=authority_id_of(request.user))
        if preview.is_valid:
            request.session[IMPORT_SESSION_KEY] = content.decode("utf-8-sig")
        else:
            request.session.pop(IMPORT_SESSION_KEY, None)
    return render(request, "partnerships/agency_import.html", {"form": form, "preview": preview})


@officer_required
@require_POST
def agency_import_confirm(request: SignedInRequest) -> HttpResponse:
    content = request.session.pop(IMPORT_SESSION_KEY, None)
    if content is None:
        messages.error(request, _("There is no checked file to import. Upload it again."))
        return redirect("partnerships:agency_import")
    # Checked again inside the transaction: another officer may have added a clashing name.
    preview = agency_csv_parse(
        content=content.encode("utf-8"), authority_id=authority_id_of(request.user)
    )
    if not preview.is_valid:
        messages.error(request, _("The file no longer passes the checks. Upload it again."))
        return redirect("partnerships:agency_import")
    try:
        created = services.agencies_import(actor=request.user, rows=preview.agency_fields())
    except ValidationError:
        messages.error(request, _("Nothing was imported: the file no longer passes the checks."))
        return redirect("partnerships:agency_import")
    messages.success(request, _("%(n)s agencies imported.") % {"n": len(created)})
    return redirect("partnerships:agency_list")


@officer_required
@require_GET
def agency_import_template(request: SignedInRequest) -> HttpResponse:
    response = HttpResponse(agency_csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="agencies-template.csv"'
    return response


@officer_required
@require_http_methods(["GET", "POST"])
def authority_settings(request: SignedInRequest) -> HttpResponse:
    """The authority's contact details, as the statutory pages show them to partners."""
    authority = get_object_or_404(LocalAuthority, pk=authority_id_of(request.user))
    form = AuthorityContactForm(request.POST or None, instance=authority)
    if request.method == "POST" and form.is_valid():
        try:
            services.authority_contact_update(
                actor=request.user,
                **{name: form.cleaned_data[name] for name in AuthorityContactForm.Meta.fields},
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Contact details saved."))
            return redirect("partnerships:authority_settings")
    return form_page(
        request,
        form,
        title=_("Settings of %(authority)s") % {"authority": authority.name},
        back_url=reverse("home"),
        intro=_(
            "These details appear on the accessibility statement, the privacy notice and the "
            "cookies page that your partners and colleagues see."
        ),
    )
