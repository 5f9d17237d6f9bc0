"""A partner completes the questionnaire from their link, with no password."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import Answer, Response
from tests.surveys.helpers import answer_every_section, input_value, section_data, start

START = reverse("surveys:respond_start")
CHECK = reverse("surveys:respond_check")
SUBMIT = reverse("surveys:respond_submit")


def section_url(n: int) -> str:
    return reverse("surveys:respond_section", args=[n])


def test_the_link_is_exchanged_for_a_session_and_the_token_leaves_the_url(client, survey):
    response = client.get(reverse("surveys:respond_link", args=[survey.token]))
    assert response.status_code == 302
    assert response["Location"] == START
    assert survey.token not in response["Location"]
    survey.invitation.refresh_from_db()
    assert survey.invitation.opened_at is not None
    page = client.get(START)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert survey.token not in page.content.decode()


def test_an_unknown_link_reveals_nothing(client, survey):
    made_up = client.get(reverse("surveys:respond_link", args=["x" * 43]))
    assert made_up.status_code == 404
    assert "not recognised" in made_up.content.decode()
    # A token that is almost right gets exactly the same page.
    almost = survey.token[:-1] + ("B" if survey.token.endswith("A") else "A")
    close = client.get(reverse("surveys:respond_link", args=[almost]))
    assert close.status_code == 404
    assert close.content == made_up.content


def test_a_revoked_link_shows_a_clear_page(client, survey):
    survey.invitation.revoked_at = timezone.now()
    survey.invitation.save()
    response = client.get(reverse("surveys:respond_link", args=[survey.token]))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_a_closed_round_shows_a_clear_page(client, survey):
    survey.round.closes_on = timezone.localdate() - dt.timedelta(days=1)
    survey.round.save()
    response = client.get(reverse("surveys:respond_link", args=[survey.token]))
    assert response.status_code == 410
    assert "has closed" in response.content.decode()


def test_consent_is_required_before_the_first_section(client, survey):
    client.get(reverse("surveys:respond_link", args=[survey.token]))
    response = client.post(START, {})
    assert response.status_code == 200
    assert "Tick the box" in response.content.decode()
    assert not Response.objects.exists()
    assert client.post(START, {"consent": "on"})["Location"] == section_url(1)
    assert Response.objects.get().consented_at is not None


def test_each_section_page_shows_where_the_respondent_is(client, survey):
    start(client, survey.token)
    body = client.get(section_url(2)).content.decode()
    total = survey.round.instrument.sections.count()
    assert f"Section 2 of {total}" in body
    assert f'<progress class="w-100 mb-3" max="{total}" value="2"' in body


def test_answers_are_saved_page_by_page_and_resume_on_another_device(client, survey):
    start(client, survey.token)
    aims = survey.round.instrument.sections.get(code="aims")
    client.post(section_url(aims.position), section_data(aims, likert="5"))
    response = Response.objects.get()
    assert response.answers.filter(value=5).count() == 6
    assert response.last_section == aims.position

    phone = Client()
    phone.get(reverse("surveys:respond_link", args=[survey.token]))
    page = phone.get(START)
    assert page.context["resuming"] is True
    assert page.context["resume_section"] == aims.position + 1
    aims_again = phone.get(section_url(aims.position))
    assert aims_again.context["form"]["aims_1"].value() == "5"


def test_a_page_saved_again_keeps_the_change_of_mind_and_clears_what_was_emptied(client, survey):
    start(client, survey.token)
    sections = survey.round.instrument.sections
    comments, aims = sections.get(code="comments"), sections.get(code="aims")
    client.post(section_url(comments.position), section_data(comments))
    assert Answer.objects.filter(question__section=comments).count() == 3
    # Back to an earlier page, then the comments again: one changed, one emptied.
    client.post(section_url(aims.position), section_data(aims, likert="2"))
    again = {**section_data(comments), "works_well": "", "one_change": "A shared referral form."}
    assert client.post(section_url(comments.position), again).status_code == 302
    texts = dict(
        Answer.objects.filter(question__section=comments).values_list("question__code", "text")
    )
    assert texts == {
        "gets_in_the_way": "Regular joint meetings.",
        "one_change": "A shared referral form.",
    }
    assert set(Answer.objects.filter(question__section=aims).values_list("value", flat=True)) == {2}
    # Where to resume is the furthest page saved, not the last one.
    assert Response.objects.get().last_section == max(comments.position, aims.position)


def test_save_and_come_back_later(client, survey):
    start(client, survey.token)
    aims = survey.round.instrument.sections.get(code="aims")
    data = {**section_data(aims), "action": "later"}
    response = client.post(section_url(aims.position), data)
    assert response.status_code == 200
    assert "Your answers are saved" in response.content.decode()
    assert Answer.objects.count() == 6


def test_dont_know_is_stored_as_missing_not_as_a_number(client, survey):
    start(client, survey.token)
    aims = survey.round.instrument.sections.get(code="aims")
    client.post(section_url(aims.position), section_data(aims, likert="dk"))
    assert set(Answer.objects.values_list("value", "dont_know")) == {(None, True)}


def test_an_out_of_range_or_tampered_value_is_refused_and_nothing_is_stored(client, survey):
    start(client, survey.token)
    aims = survey.round.instrument.sections.get(code="aims")
    data = section_data(aims)
    data["aims_2"] = "7"
    data["aims_3"] = "<script>"
    response = client.post(section_url(aims.position), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"aims_2", "aims_3"}
    body = response.content.decode()
    assert "There is a problem" in body and 'href="#id_aims_2_0"' in body
    # What was typed is still on the page...
    assert response.context["form"]["aims_1"].value() == "4"
    # ...and nothing half-valid was written.
    assert not Answer.objects.exists()


def test_a_partial_ranking_is_refused_with_a_message_per_missing_option(client, survey):
    start(client, survey.token)
    priorities = survey.round.instrument.sections.get(code="priorities")
    data = section_data(priorities)
    missing = [k for k in data if "__rank__" in k][-2:]
    for key in missing:
        data[key] = ""
    response = client.post(section_url(priorities.position), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == set(missing)
    assert not Answer.objects.exists()


def test_a_duplicated_rank_is_refused(client, survey):
    start(client, survey.token)
    priorities = survey.round.instrument.sections.get(code="priorities")
    data = section_data(priorities)
    keys = [k for k in data if "__rank__" in k]
    data[keys[1]] = data[keys[0]]  # two options ranked 1, nothing ranked 2
    response = client.post(section_url(priorities.position), data)
    assert response.status_code == 200
    assert "used more than once" in str(response.context["form"].errors)
    assert not Answer.objects.exists()


def test_an_oversized_free_text_is_refused_and_kept_on_the_page(client, survey):
    start(client, survey.token)
    comments = survey.round.instrument.sections.get(code="comments")
    data = section_data(comments)
    data["works_well"] = "x" * 2001
    response = client.post(section_url(comments.position), data)
    assert response.status_code == 200
    assert "2000 characters or fewer" in str(response.context["form"].errors["works_well"])
    assert response.context["form"]["works_well"].value() == "x" * 2001
    assert not Answer.objects.exists()


def test_check_answers_then_submit_then_confirmation(client, survey):
    start(client, survey.token)
    answer_every_section(client, survey.round)
    check = client.get(CHECK)
    assert check.status_code == 200
    assert check.context["missing"] == []
    assert "Change" in check.content.decode()
    response = client.post(SUBMIT)
    assert response["Location"] == reverse("surveys:respond_done")
    assert Response.objects.get().submitted_at is not None
    assert "have been submitted" in client.get(reverse("surveys:respond_done")).content.decode()


def test_the_ranking_must_be_given_before_submitting(client, survey):
    start(client, survey.token)
    aims = survey.round.instrument.sections.get(code="aims")
    client.post(section_url(aims.position), section_data(aims))
    check = client.get(CHECK)
    assert [q.code for q in check.context["missing"]] == ["outcome_priorities"]
    response = client.post(SUBMIT, follow=True)
    assert "Answer every required question" in response.content.decode()
    assert Response.objects.get().submitted_at is None


def test_a_double_submit_or_a_second_tab_gives_exactly_one_submission(client, survey):
    start(client, survey.token)
    answer_every_section(client, survey.round)
    client.post(SUBMIT)
    first = Response.objects.get().submitted_at
    second_tab = Client()
    second_tab.get(reverse("surveys:respond_link", args=[survey.token]))
    assert client.post(SUBMIT).status_code == 302
    assert second_tab.post(SUBMIT).status_code == 302
    assert Response.objects.count() == 1
    assert Response.objects.get().submitted_at == first


def test_after_submission_the_answers_are_read_only(client, survey):
    start(client, survey.token)
    answer_every_section(client, survey.round)
    client.post(SUBMIT)
    aims = survey.round.instrument.sections.get(code="aims")
    response = client.post(section_url(aims.position), section_data(aims, likert="1"))
    assert response["Location"] == CHECK
    assert not Answer.objects.filter(value=1).exists()
    check = client.get(CHECK).content.decode()
    assert "can no longer be changed" in check
    assert "Submit my answers" not in check
    # The link itself still works, to show what was submitted.
    again = Client()
    assert again.get(reverse("surveys:respond_link", args=[survey.token])).status_code == 302
    assert again.get(START)["Location"] == CHECK


def test_a_page_left_open_after_the_session_ended_still_saves(client, survey):
    start(client, survey.token)
    aims = survey.round.instrument.sections.get(code="aims")
    page = client.get(section_url(aims.position))
    resume = input_value(page, "resume")
    client.cookies.pop("respondent")  # the binding expired while the page was open
    data = {**section_data(aims, likert="2"), "resume": resume}
    response = client.post(section_url(aims.position), data)
    assert response.status_code == 302
    assert Answer.objects.filter(value=2).count() == 6


def test_a_forged_resume_value_is_ignored(client, survey):
    start(client, survey.token)
    aims = survey.round.instrument.sections.get(code="aims")
    other = Client()
    data = {**section_data(aims), "resume": "1:forged:signature"}
    response = other.post(section_url(aims.position), data)
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_an_expired_csrf_token_shows_the_page_again_with_the_answers(survey):
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("surveys:respond_link", args=[survey.token]))
    token = browser.get(START).context["csrf_token"]
    browser.post(START, {"consent": "on", "csrfmiddlewaretoken": str(token)})
    aims = survey.round.instrument.sections.get(code="aims")
    data = {**section_data(aims, likert="5"), "csrfmiddlewaretoken": "expired" * 8}
    response = browser.post(section_url(aims.position), data)
    assert response.status_code == 403
    assert "open for a long time" in response.content.decode()
    assert response.context["form"]["aims_1"].value() == "5"
    assert not Answer.objects.exists()


def test_another_site_cannot_plant_a_respondent_session_through_an_expired_form(survey):
    """Login CSRF: a cross-site post carrying a genuine resume value but no valid CSRF token."""
    from django.core import signing

    from surveys.respond_views import RESUME_SALT

    # The attacker's own invitation: its resume value is on every page of their questionnaire.
    resume = signing.dumps(survey.invitation.pk, salt=RESUME_SALT)
    aims = survey.round.instrument.sections.get(code="aims")
    victim = Client(enforce_csrf_checks=True)
    for token in ("", "forged" * 8):
        data = {**section_data(aims, likert="5"), "resume": resume}
        if token:
            data["csrfmiddlewaretoken"] = token
        response = victim.post(section_url(aims.position), data)
        assert response.status_code == 403
        assert "Open your invitation link again" in response.content.decode()
        assert "respondent" not in response.cookies
    assert "respondent" not in victim.cookies
    # The victim's browser is bound to nothing: the next page still asks for a link.
    assert victim.get(section_url(aims.position)).status_code == 403
    assert victim.get(CHECK).status_code == 403
    assert not Answer.objects.exists()


def test_a_page_left_open_resumes_with_a_valid_csrf_token(survey):
    """The legitimate resume: the session ended, the form (and its CSRF token) is still good."""
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("surveys:respond_link", args=[survey.token]))
    token = str(browser.get(START).context["csrf_token"])
    browser.post(START, {"consent": "on", "csrfmiddlewaretoken": token})
    aims = survey.round.instrument.sections.get(code="aims")
    page = browser.get(section_url(aims.position))
    browser.cookies.pop("respondent")  # the binding expired while the page was open
    data = {
        **section_data(aims, likert="2"),
        "resume": input_value(page, "resume"),
        "csrfmiddlewaretoken": input_value(page, "csrfmiddlewaretoken"),
    }
    response = browser.post(section_url(aims.position), data)
    assert response.status_code == 302
    assert Answer.objects.filter(value=2).count() == 6


def test_the_respondent_pages_need_the_link_first(client, survey):
    response = client.get(section_url(1))
    assert response.status_code == 403
    assert "Open your invitation link again" in response.content.decode()


def test_guessing_links_is_rate_limited_and_logged_without_the_token(
    client, survey, settings, caplog
):
    from django.core.cache import cache

    cache.clear()
    settings.LINK_GUESS_LIMIT = 3
    for n in range(3):
        assert client.get(reverse("surveys:respond_link", args=[f"guess-{n}"])).status_code == 404
    with caplog.at_level("WARNING", logger="surveys.respond_views"):
        blocked = client.get(reverse("surveys:respond_link", args=["guess-secret-value"]))
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    # Even the right link waits out the window from that address.
    assert client.get(reverse("surveys:respond_link", args=[survey.token])).status_code == 429
    assert "guessing blocked" in caplog.text
    assert "guess-secret-value" not in caplog.text
    cache.clear()
