"""The respondent journey: link, consent, one section per page, check answers, submit.

The link's token is exchanged once for a signed cookie naming the invitation (see
respondent_cookie), then the browser moves to URLs without it. Each page form also carries a
signed reference to the invitation, so a page left open past the cookie's end still saves what
was typed.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import languages
from core.client_address import client_ip

from . import pristine_pages, respondent_cookie, selectors, services
from .forms import ConsentForm, QuestionnaireForm
from .models import Invitation

logger = logging.getLogger(__name__)

RESUME_SALT = "surveys.respond.resume"
RESUME_MAX_AGE = 60 * 60 * 24 * 60  # a page may sit open for days; the round's dates still apply

LINK_PROBLEM_STATUS = {"unknown": 404, "revoked": 410, "closed": 410, "not_open": 403}


def _questionnaire_language(request: HttpRequest, invitation: Invitation) -> None:
    """A questionnaire with no Welsh (version 1) is shown in English whatever the reader chose,
    so the page never claims to be Welsh; the header says, in Welsh, that it is English only."""
    if not invitation.round.instrument.is_bilingual:
        languages.activate(request, languages.ENGLISH)
        request.only_in_language = languages.ENGLISH  # type: ignore[attr-defined]


def _link_problem(request: HttpRequest, kind: str, invitation: Invitation | None = None):
    if invitation is not None:
        _questionnaire_language(request, invitation)
    response = getattr(invitation, "response", None) if invitation else None
    if invitation and kind == "revoked" and response is not None and response.is_submitted:
        # A withdrawn invitation whose answers are in: say when, never show them.
        return render(
            request,
            "surveys/respond/submitted.html",
            {"round": selectors.respondent_names(invitation).round, "response": response},
        )
    return render(
        request,
        "surveys/respond/link_problem.html",
        {"kind": kind, "round": invitation.round if invitation else None},
        status=LINK_PROBLEM_STATUS[kind],
    )


def _session_ended(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/respond/session_ended.html", status=403)


def _session_invitation(request: HttpRequest) -> Invitation | None:
    """The invitation this browser is already bound to; never binds one."""
    invitation_id = respondent_cookie.bound_invitation_id(request)
    if invitation_id is None:
        return None
    invitation = selectors.respondent_invitation(invitation_id)
    if invitation is not None:
        _questionnaire_language(request, invitation)
    return invitation


def _current_invitation(request: HttpRequest) -> Invitation | None:
    """The browser's invitation, or, on a POST that passed the CSRF check, the page's resume.

    Only views behind Django's CSRF check (and respondent_cookie.sets_binding) may call this: a
    resume value binds the browser, and binding one from another site's form would plant that
    site's invitation in this browser.
    """
    invitation_id = respondent_cookie.bound_invitation_id(request)
    if invitation_id is None and request.method == "POST" and request.POST.get("resume"):
        try:
            invitation_id = signing.loads(
                request.POST["resume"], salt=RESUME_SALT, max_age=RESUME_MAX_AGE
            )
        except signing.BadSignature:
            return None
    if invitation_id is None:
        return None
    invitation = selectors.respondent_invitation(invitation_id)
    if invitation is not None:
        respondent_cookie.bind(request, invitation.pk)
        _questionnaire_language(request, invitation)
    return invitation


def _resume_value(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=RESUME_SALT)


def _journey(request: HttpRequest):
    """(invitation, problem response): the invitation in this session, if it may be used."""
    invitation = _current_invitation(request)
    if invitation is None:
        return None, _session_ended(request)
    try:
        services.invitation_check(invitation)
    except services.LinkProblem as problem:
        return None, _link_problem(request, problem.kind, invitation)
    return invitation, None


@never_cache
@require_GET
@respondent_cookie.sets_binding
def respond_link(request: HttpRequest, token: str) -> HttpResponse:
    # The language switch must never copy the token into the page: it returns to the start.
    request.language_next = reverse("surveys:respond_start")  # type: ignore[attr-defined]
    address = client_ip(request)  # the client's, not the reverse proxy's
    key = f"respond-link-misses:{address}"
    if cache.get(key, 0) >= settings.LINK_GUESS_LIMIT:
        # Logged without the token: the address is enough to act on.
        logger.warning("invitation link guessing blocked for %s", address)
        return render(request, "surveys/respond/too_many.html", status=429)
    try:
        invitation = services.invitation_open(token=token)
    except services.LinkProblem as problem:
        if problem.kind == "unknown":
            cache.add(key, 0, timeout=settings.LINK_GUESS_WINDOW_SECONDS)
            cache.incr(key)
        return _link_problem(request, problem.kind, problem.invitation)
    respondent_cookie.bind(request, invitation.pk)
    return redirect("surveys:respond_start")


@never_cache
@require_http_methods(["GET", "POST"])
@respondent_cookie.sets_binding
def respond_start(request: HttpRequest) -> HttpResponse:
    invitation, problem = _journey(request)
    if problem:
        return problem
    response = getattr(invitation, "response", None)
    if response is not None and response.is_submitted:
        return redirect("surveys:respond_check")
    bilingual = invitation.round.instrument.is_bilingual
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        languages=languages.offered_codes() if bilingual else [languages.ENGLISH],
        current=languages.current(),
    )
    if request.method == "POST" and form.is_valid():
        language = form.chosen_language(default=languages.current())
        response = services.response_start(invitation=invitation, language=language)
        redirect_to = redirect("surveys:respond_section", number=min(response.last_section + 1, 99))
        if bilingual:
            # The rest of the journey follows the language chosen here.
            languages.remember(request, redirect_to, language)
        return redirect_to
    sections = selectors.invitation_structure(invitation).sections
    selectors.respondent_names(invitation)
    introduction, introduction_language = invitation.round.local_introduction()
    return render(
        request,
        "surveys/respond/start.html",
        {
            "invitation": invitation,
            "round": invitation.round,
            "introduction": introduction,
            "introduction_language": introduction_language,
            "form": form,
            "resuming": response is not None,
            "resume_section": min((response.last_section if response else 0) + 1, len(sections)),
            "section_count": len(sections),
        },
    )


def _section_context(invitation, sections, number, form, return_to_check):
    return {
        "invitation": invitation,
        "round": invitation.round,
        "section": sections[number - 1],
        "number": number,
        "total": len(sections),
        "form": form,
        "resume": _resume_value(invitation),
        "return_to_check": return_to_check,
        "previous_url": (
            reverse("surveys:respond_section", args=[number - 1])
            if number > 1
            else reverse("surveys:respond_start")
        ),
    }


def _pristine_section(
    request, invitation, sections, number, questions, return_to_check
) -> HttpResponse:
    """A section page with nothing answered on it, its content kept (surveys.pristine_pages)."""
    section = sections[number - 1]

    def render_context():
        form = QuestionnaireForm(questions=questions)
        return _section_context(invitation, sections, number, form, return_to_check)

    content = pristine_pages.kept_content(
        section,
        return_to_check,
        render_context,
        csrf_token=get_token(request),
        resume=_resume_value(invitation),
    )
    return render(
        request,
        "surveys/respond/section.html",
        {"section": section, "number": number, "total": len(sections), "kept_content": content},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@respondent_cookie.sets_binding
def respond_section(request: HttpRequest, number: int) -> HttpResponse:
    invitation, problem = _journey(request)
    if problem:
        return problem
    response = getattr(invitation, "response", None)
    if response is None:
        if request.method == "POST":
            # The session was lost before consent was recorded in this browser; the answers on
            # this page are still theirs: consent was given on the first page they saw.
            response = services.response_start(invitation=invitation, language=languages.current())
        else:
            return redirect("surveys:respond_start")
    if response.is_submitted:
        return redirect("surveys:respond_check")
    structure = selectors.invitation_structure(invitation)
    sections = structure.sections
    if number > len(sections):
        return redirect("surveys:respond_check")
    if number < 1:
        raise Http404
    questions = structure.section_questions(sections[number - 1])
    agencies = selectors.section_relationship_agencies(
        invitation.round, questions, excluding=invitation.agency_id
    )
    return_to_check = request.GET.get("return") == "check" or request.POST.get("return") == "check"
    if request.method == "POST":
        form = QuestionnaireForm(request.POST, questions=questions, relationship_agencies=agencies)
    else:
        answers = selectors.answers_by_question(response, questions)
        if pristine_pages.is_pristine(questions, answers):
            return _pristine_section(
                request, invitation, sections, number, questions, return_to_check
            )
        form = QuestionnaireForm(
            questions=questions, answers=answers, relationship_agencies=agencies
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.response_save_section(
                response=response,
                section_position=number,
                questions=questions,
                values=form.answer_values(),
            )
        except services.ResponseLocked:
            messages.error(request, _("This questionnaire can no longer be changed."))
            return redirect("surveys:respond_check")
        if request.POST.get("action") == "later":
            return render(request, "surveys/respond/saved.html", {"round": invitation.round})
        if return_to_check or number == len(sections):
            return redirect("surveys:respond_check")
        return redirect("surveys:respond_section", number=number + 1)
    return render(
        request,
        "surveys/respond/section.html",
        _section_context(invitation, sections, number, form, return_to_check),
    )


@never_cache
@require_GET
@respondent_cookie.sets_binding
def respond_check(request: HttpRequest) -> HttpResponse:
    invitation = _current_invitation(request)
    if invitation is None:
        return _session_ended(request)
    response = getattr(invitation, "response", None)
    if response is None:
        return redirect("surveys:respond_start")
    if not response.is_submitted:
        try:
            services.invitation_check(invitation)
        except services.LinkProblem as problem:
            return _link_problem(request, problem.kind, invitation)
    elif not selectors.own_answers_visible(invitation):
        return render(
            request,
            "surveys/respond/submitted.html",
            {"round": selectors.respondent_names(invitation).round, "response": response},
        )
    structure = selectors.invitation_structure(invitation)
    summary = selectors.response_summary(structure, response)
    answered = {answer.question_id for _s, rows in summary for _q, answer in rows if answer}
    return render(
        request,
        "surveys/respond/check.html",
        {
            "invitation": invitation,
            "round": invitation.round,
            "response": response,
            "summary": summary,
            "agency_names": selectors.summary_agency_names(invitation.round, summary),
            "missing": (
                []
                if response.is_submitted
                else services.missing_required(response, structure=structure, answered=answered)
            ),
        },
    )


@never_cache
@require_POST
@respondent_cookie.sets_binding
def respond_submit(request: HttpRequest) -> HttpResponse:
    invitation, problem = _journey(request)
    if problem:
        return problem
    response = getattr(invitation, "response", None)
    if response is None:
        return redirect("surveys:respond_start")
    try:
        services.response_submit(
            response=response, structure=selectors.invitation_structure(invitation)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("surveys:respond_check")
    except services.ResponseLocked:
        return _link_problem(request, "closed", invitation)
    return redirect("surveys:respond_done")


@never_cache
@require_GET
@respondent_cookie.sets_binding
def respond_done(request: HttpRequest) -> HttpResponse:
    invitation = _current_invitation(request)
    if invitation is None:
        return _session_ended(request)
    response = getattr(invitation, "response", None)
    if response is None or not response.is_submitted:
        return redirect("surveys:respond_check")
    return render(
        request,
        "surveys/respond/done.html",
        {
            "round": selectors.respondent_names(invitation).round,
            "response": response,
            "answers_visible": selectors.own_answers_visible(invitation),
        },
    )


def csrf_failure_on_section(request: HttpRequest, number: int) -> HttpResponse:
    """An expired form: show the page again with what was typed, saved by the next press.

    The CSRF check failed, so the post may come from another site: only a session this browser
    already has counts, and the post's resume value is never read (it would bind a session).
    """
    invitation = _session_invitation(request)
    if invitation is None or not hasattr(invitation, "response"):
        return _session_ended(request)
    structure = selectors.invitation_structure(invitation)
    sections = structure.sections
    if not 1 <= number <= len(sections):
        return _session_ended(request)
    questions = structure.section_questions(sections[number - 1])
    agencies = selectors.section_relationship_agencies(
        invitation.round, questions, excluding=invitation.agency_id
    )
    form = QuestionnaireForm(request.POST, questions=questions, relationship_agencies=agencies)
    form.is_valid()  # show field messages too; nothing is saved from this request
    context = _section_context(invitation, sections, number, form, False)
    context["expired"] = True
    return render(request, "surveys/respond/section.html", context, status=403)
