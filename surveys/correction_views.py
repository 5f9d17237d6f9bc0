"""Officer pages for putting paper questionnaires right (surveys.corrections)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import StaleEditError
from core.pages import apply_service_errors, form_page
from partnerships.permissions import SignedInRequest, officer_required

from . import corrections, selectors
from .forms import (
    PaperEntryVersionForm,
    PaperEntryWithdrawForm,
    PaperResponseAgencyForm,
    QuestionnaireForm,
)
from .models import Response

STALE_MESSAGE = gettext_lazy(
    "Another officer changed this paper questionnaire after you opened it. Its latest version "
    "is shown below: make your change again."
)


WITHDRAWN_MESSAGE = gettext_lazy("Another officer withdrew this paper questionnaire meanwhile.")


def _stale(request: SignedInRequest, pk: int, response_pk: int) -> HttpResponse:
    """Another officer's change came first: show the latest version (or say it is gone)."""
    if not Response.objects.filter(pk=response_pk).exists():
        messages.error(request, WITHDRAWN_MESSAGE)
        return redirect("surveys:paper_entry_list", pk=pk)
    messages.error(request, STALE_MESSAGE)
    return redirect("surveys:paper_entry_edit", pk=pk, response_pk=response_pk)


class _Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _paper_entry(request: SignedInRequest, round_pk: int, pk: int) -> Response:
    """The entry, if it is a paper entry that may still be opened; _Refused saying why."""
    response = selectors.round_response_for_user(request.user, round_pk, pk)
    try:
        corrections.paper_entry_check(response)
    except (corrections.NotAPaperEntry, corrections.PaperEntryLocked) as exc:
        raise _Refused(str(exc.message)) from exc
    return response


def _refused(request: SignedInRequest, round_pk: int, message: str) -> HttpResponse:
    """403, saying why this entry cannot be opened or changed."""
    return render(
        request,
        "surveys/paper_entry_refused.html",
        {"round_pk": round_pk, "message": message},
        status=403,
    )


@officer_required
@require_GET
def paper_entry_list(request: SignedInRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_for_user(request.user, pk)
    locked = corrections.paper_entry_lock_reason(survey_round)
    entries = [] if locked else selectors.paper_responses(survey_round)
    return render(
        request,
        "surveys/paper_entry_list.html",
        {"round": survey_round, "entries": entries, "locked": locked},
    )


@officer_required
@require_http_methods(["GET", "POST"])
def paper_entry_edit(request: SignedInRequest, pk: int, response_pk: int) -> HttpResponse:
    """Correct a paper entry: every question on one page, as it was keyed in."""
    try:
        response = _paper_entry(request, pk, response_pk)
    except _Refused as refused:
        return _refused(request, pk, refused.message)
    survey_round = response.round
    questions = list(survey_round.instrument.questions.select_related("section"))
    answers = {a.question_id: a for a in response.answers.all()}
    data = request.POST or None
    version = PaperEntryVersionForm(data, initial={"version": corrections.entry_version(response)})
    agency_form = PaperResponseAgencyForm(
        data, survey_round=survey_round, initial={"agency": response.agency_id}
    )
    # The agencies to rate are the others of the round, as on the paper-entry page.
    own = agency_form.cleaned_data["agency"].pk if agency_form.is_valid() else response.agency_id
    form = QuestionnaireForm(
        data,
        questions=questions,
        answers=answers,
        enforce_required=True,
        relationship_agencies=selectors.section_relationship_agencies(
            survey_round, questions, excluding=own
        ),
    )
    if request.method == "POST" and all(f.is_valid() for f in (version, agency_form, form)):
        try:
            corrections.paper_response_correct(
                actor=request.user,
                response=response,
                agency=agency_form.cleaned_data["agency"],
                values=form.answer_values(),
                expected_version=version.cleaned_data["version"],
            )
        except StaleEditError:
            return _stale(request, pk, response_pk)
        except (corrections.NotAPaperEntry, corrections.PaperEntryLocked) as exc:
            return _refused(request, pk, str(exc.message))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Paper questionnaire corrected. The round is rescored."))
            return redirect("surveys:paper_entry_list", pk=pk)
    return render(
        request,
        "surveys/paper_response.html",
        {
            "round": survey_round,
            "agency_form": agency_form,
            "form": form,
            "questions": questions,
            "entry": response,
            "version_form": version,
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def paper_entry_withdraw(request: SignedInRequest, pk: int, response_pk: int) -> HttpResponse:
    try:
        response = _paper_entry(request, pk, response_pk)
    except _Refused as refused:
        return _refused(request, pk, refused.message)
    form = PaperEntryWithdrawForm(
        request.POST or None, initial={"version": corrections.entry_version(response)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            corrections.paper_response_withdraw(
                actor=request.user,
                response=response,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEditError:
            return _stale(request, pk, response_pk)
        except (corrections.NotAPaperEntry, corrections.PaperEntryLocked) as exc:
            return _refused(request, pk, str(exc.message))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Paper questionnaire withdrawn. The round is rescored."))
            return redirect("surveys:paper_entry_list", pk=pk)
    return form_page(
        request,
        form,
        title=_("Withdraw a paper questionnaire from %(agency)s")
        % {"agency": response.agency.name},
        back_url=reverse("surveys:paper_entry_edit", args=[pk, response_pk]),
    )
