"""The Team pages (officers), the set-password page of an invitation, and the audit pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.pages import apply_service_errors, form_page, page_of

from . import account_invitations, selectors, team
from .audit import audit_action_label, audit_object_type_label
from .forms import (
    AccessForm,
    AuditFilterForm,
    InvitationForm,
    MemberAccessForm,
    SetPasswordForInvitationForm,
)
from .models import AccountInvitation, AuditEvent, LocalAuthority
from .permissions import SignedInRequest, authority_id_of, officer_required

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _access(form: AccessForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "role": data["role"],
        "agency": data.get("agency"),
        "sees_whole_authority": data.get("sees_whole_authority", False),
        "partnerships": data.get("partnerships") or [],
    }


# --- The team -------------------------------------------------------------------------------
@officer_required
@require_GET
def team_list(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "partnerships/team/team_list.html",
        {
            "members": selectors.team_members(request.user),
            "invitations": selectors.pending_invitations(request.user),
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def team_invite(request: SignedInRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, authority_id=authority_id_of(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            team.invitation_create(
                actor=request.user, email=form.cleaned_data["email"], **_access(form)
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("partnerships:team_list")
    return form_page(
        request, form, title=_("Invite a colleague"), back_url=reverse("partnerships:team_list")
    )


def _invitation_action(
    request: SignedInRequest,
    pk: int,
    service: Callable[..., AccountInvitation],
    done: str,
) -> HttpResponse:
    invitation = selectors.account_invitation_for_user(request.user, pk)
    try:
        service(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done % {"email": invitation.email})
    return redirect("partnerships:team_list")


@officer_required
@require_POST
def team_invitation_resend(request: SignedInRequest, pk: int) -> HttpResponse:
    return _invitation_action(
        request, pk, team.invitation_resend, _("A new link was sent to %(email)s.")
    )


@officer_required
@require_POST
def team_invitation_withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    return _invitation_action(
        request, pk, team.invitation_withdraw, _("The invitation to %(email)s was withdrawn.")
    )


@officer_required
@require_http_methods(["GET", "POST"])
def team_member(request: SignedInRequest, pk: int) -> HttpResponse:
    member = selectors.team_member_for_user(request.user, pk)
    form = MemberAccessForm(
        request.POST or None, member=member, authority_id=authority_id_of(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            team.member_update(actor=request.user, member=member, **_access(form))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("partnerships:team_list")
    return render(
        request,
        "partnerships/team/team_member.html",
        {
            "form": form,
            "member": member,
            "title": member.get_full_name() or member.username,
            "back_url": reverse("partnerships:team_list"),
        },
    )


def _set_active(request: SignedInRequest, pk: int, *, active: bool) -> HttpResponse:
    member = selectors.team_member_for_user(request.user, pk)
    try:
        team.member_set_active(actor=request.user, member=member, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("partnerships:team_member", pk=pk)
    name = member.get_full_name() or member.username
    if active:
        messages.success(request, _("%(name)s can sign in again.") % {"name": name})
    else:
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": name})
    return redirect("partnerships:team_list")


@officer_required
@require_POST
def team_member_deactivate(request: SignedInRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=False)


@officer_required
@require_POST
def team_member_reactivate(request: SignedInRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=True)


# --- Accepting an invitation (no sign-in: the link is the credential) ----------------------
@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = account_invitations.find(token)
    if invitation is None:
        return render(
            request, "partnerships/team/invitation_unusable.html", {"reason": "unknown"}, status=404
        )
    if not invitation.is_usable():
        return _unusable(request, invitation)
    form = SetPasswordForInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = team.invitation_accept(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except team.InvitationUnusable as refused:
            return _unusable(request, refused.invitation)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(request, _("Welcome: your account is ready and you are signed in."))
            return redirect("home")
    return render(
        request,
        "partnerships/team/invitation_accept.html",
        {"form": form, "invitation": invitation},
    )


def _unusable(request: HttpRequest, invitation: AccountInvitation) -> HttpResponse:
    if invitation.used_at:
        reason = "used"
    elif invitation.withdrawn_at:
        reason = "withdrawn"
    else:
        reason = "expired"
    return render(
        request,
        "partnerships/team/invitation_unusable.html",
        {"reason": reason, "invitation": invitation},
        status=410,
    )


# --- The audit trail ------------------------------------------------------------------------
def _audit_page(
    request: SignedInRequest,
    events: QuerySet[AuditEvent],
    *,
    title: str,
    back_url: str,
    **extra: Any,
) -> HttpResponse:
    actors, actions = selectors.audit_filter_choices(events)
    form = AuditFilterForm(request.GET or None, actors=actors, actions=actions)
    filters = form.cleaned_data if form.is_valid() else {}
    page = page_of(
        request,
        selectors.audit_events_filtered(
            events,
            actor=filters.get("actor"),
            action=filters.get("action", ""),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        ),
    )
    labels = selectors.audit_object_labels(list(page.object_list), authority_id_of(request.user))
    rows = [
        {
            "event": e,
            "label": labels.get((e.object_type, e.object_id)),
            "action": audit_action_label(e.action),
            "object_type": audit_object_type_label(e.object_type),
        }
        for e in page.object_list
    ]
    return render(
        request,
        "partnerships/audit_list.html",
        {
            "filter_form": form,
            "page": page,
            "rows": rows,
            "title": title,
            "back_url": back_url,
            **extra,
        },
    )


@officer_required
@require_GET
def audit_authority(request: SignedInRequest) -> HttpResponse:
    return _audit_page(
        request,
        selectors.audit_events_of_authority(request.user),
        title=_("Audit trail of %(authority)s")
        % {"authority": LocalAuthority.objects.get(pk=authority_id_of(request.user)).name},
        back_url=reverse("home"),
    )


@officer_required
@require_GET
def audit_partnership(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = selectors.partnership_for_user(request.user, pk)
    return _audit_page(
        request,
        selectors.audit_events_of_partnership(request.user, partnership),
        title=_("Audit trail of %(name)s") % {"name": partnership.name},
        back_url=reverse("partnerships:partnership_detail", args=[pk]),
        partnership=partnership,
    )
