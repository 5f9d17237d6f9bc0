"""The Comments page of a round: free-text answers grouped by question; with the agency in an
attributed round; in an anonymous round only once published, with no agency and no order that
could identify anyone, only for questions at least k people answered, and never anything that
two reads around one change, an order or a count could give away."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from reports.services import round_score
from surveys.models import Answer, Question
from tests import factories
from tests.reports.test_round_score import agencies

K = 3


def commented(rnd, agency, comments: dict[str, str], *, likert: int = 4):
    """A submitted online response with these free-text answers."""
    response = factories.submitted_response(rnd, agency, likert=likert)
    for code, text in comments.items():
        question = Question.objects.get(instrument=rnd.instrument, code=code)
        Answer.objects.create(response=response, question=question, text=text)
    return response


def page(client, user, rnd):
    client.force_login(user)
    return client.get(reverse("reports:round_comments", args=[rnd.pk]))


def shown(client, user, rnd) -> dict[str, Any]:
    """Each free-text question's comments as the page gives them (None: withheld)."""
    c = page(client, user, rnd).context["c"]
    if c.withheld:
        return {"withheld": c.withheld}
    return {q.question.code: (q.comments if q.shown else None) for q in c.questions}


def main_content(client, user, rnd) -> str:
    body = page(client, user, rnd).content.decode()
    start = body.index("<main")
    return body[start : body.index("</main>")]


def anonymous_round(cast, **fields):
    return factories.survey_round(
        cast.project, reporting_mode="anonymous", min_group_size=K, **fields
    )


def published(rnd):
    round_score(round_id=factories.closed(rnd).pk)
    return rnd


# --- Attributed rounds ---------------------------------------------------------------------------
def test_an_attributed_round_shows_each_comment_with_its_agency_grouped_by_question(client, cast):
    youth, health = agencies(cast, ["Youth", "Health"])
    rnd = factories.survey_round(cast.project)
    commented(rnd, youth, {"works_well": "Joint planning days", "one_change": "More time"})
    commented(rnd, health, {"works_well": "A shared referral form"})
    got = shown(client, cast.mo, rnd)
    assert got["works_well"] == [
        ("Health", "A shared referral form"),
        ("Youth", "Joint planning days"),
    ]
    assert got["one_change"] == [("Youth", "More time")]
    assert got["gets_in_the_way"] == []
    body = page(client, cast.alice, rnd).content.decode()
    assert "Joint planning days" in body and "Youth" in body


def test_a_comment_is_shown_as_text_never_as_markup(client, cast):
    rnd = factories.survey_round(cast.project)
    commented(rnd, cast.agency, {"works_well": "<script>alert(1)</script>"})
    body = page(client, cast.alice, rnd).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_unsubmitted_answers_are_not_comments(client, cast):
    from surveys.models import Response

    rnd = factories.survey_round(cast.project)
    draft = commented(rnd, cast.agency, {"works_well": "Still thinking"})
    Response.objects.filter(pk=draft.pk).update(submitted_at=None)
    assert shown(client, cast.alice, rnd)["works_well"] == []


# --- Anonymous rounds ----------------------------------------------------------------------------
def test_an_anonymous_round_shows_nothing_before_its_results_are_published(client, cast):
    youth, health = agencies(cast, ["Youth", "Health"])
    rnd = anonymous_round(cast)
    for agency in (youth, health):
        for n in range(K):
            commented(rnd, agency, {"works_well": f"{agency.name} {n}"})
    assert shown(client, cast.alice, rnd) == {"withheld": "not_published"}
    factories.closed(rnd)  # closed, not yet scored: still nothing
    assert shown(client, cast.alice, rnd) == {"withheld": "not_published"}
    round_score(round_id=rnd.pk)
    assert len(shown(client, cast.alice, rnd)["works_well"]) == 2 * K


def test_an_anonymous_round_names_no_agency_and_sorts_by_content(client, cast):
    youth, health = agencies(cast, ["Youth", "Health"])
    rnd = anonymous_round(cast)
    texts = ["zebra crossings", "Apples", "meetings", "banter", "Clear roles", "agendas"]
    for i, text in enumerate(texts):
        commented(rnd, youth if i % 2 else health, {"works_well": text})
    published(rnd)
    got = shown(client, cast.alice, rnd)["works_well"]
    assert got == [("", t) for t in sorted(texts, key=str.casefold)]
    content = main_content(client, cast.alice, rnd)
    assert "Youth" not in content and "Health" not in content


def test_the_order_of_submission_changes_nothing_on_the_page(client, cast):
    """Two rounds with the same people and comments, submitted in opposite orders, read the
    same: the page holds no trace of who answered first."""
    youth, health = agencies(cast, ["Youth", "Health"])
    people = [
        (youth, "Regular joint meetings"),
        (youth, "A named lead"),
        (youth, "Trust"),
        (health, "Shared data"),
        (health, "Common goals"),
        (health, "Honesty"),
    ]
    first, second = anonymous_round(cast, title="Same"), anonymous_round(cast, title="Same")
    for agency, text in people:
        commented(first, agency, {"works_well": text})
    for agency, text in reversed(people):
        commented(second, agency, {"works_well": text})
    published(first), published(second)
    a = main_content(client, cast.alice, first).replace(f"/rounds/{first.pk}/", "/rounds/N/")
    b = main_content(client, cast.alice, second).replace(f"/rounds/{second.pk}/", "/rounds/N/")
    assert a == b


def test_a_question_fewer_than_k_people_answered_shows_no_comment_and_no_count(client, cast):
    youth, health = agencies(cast, ["Youth", "Health"])
    rnd = anonymous_round(cast)
    for agency in (youth, health):
        for n in range(K):
            commented(rnd, agency, {"works_well": f"w{agency.pk}{n}"})
    commented(rnd, youth, {"one_change": "Only I would say this"})
    commented(rnd, health, {"one_change": "And me"})  # 2 < k people answered one_change
    published(rnd)
    got = shown(client, cast.alice, rnd)
    assert got["one_change"] is None and len(got["works_well"]) == 2 * K
    content = main_content(client, cast.alice, rnd)
    assert "Only I would say this" not in content
    assert "Fewer than 3 people answered this question" in content
    assert "2 comments" not in content


def test_a_small_group_left_out_of_the_scores_is_left_out_of_the_comments(client, cast):
    """Differential: two rounds that differ only in what a small group (one person, pool below
    k, left out of every figure) wrote read exactly the same."""
    youth, health, college = agencies(cast, ["Youth", "Health", "College"])
    pages = []
    for secret in ("We are not valued", "All is well"):
        rnd = anonymous_round(cast, title="Twin")
        for agency in (youth, health):
            for n in range(K):
                commented(rnd, agency, {"works_well": f"{agency.name} view {n}"})
        commented(rnd, college, {"works_well": secret})
        published(rnd)
        pages.append(main_content(client, cast.mo, rnd).replace(f"/rounds/{rnd.pk}/", "/R/"))
    assert pages[0] == pages[1]
    assert "We are not valued" not in pages[0]


def test_two_reads_around_one_late_paper_entry_read_the_same(client, cast):
    """After publication a late paper questionnaire (one person) changes nothing readers see;
    once k more people have been added and the results are republished, the comments follow."""
    youth, health = agencies(cast, ["Youth", "Health"])
    rnd = anonymous_round(cast)
    for agency in (youth, health):
        for n in range(K):
            commented(rnd, agency, {"works_well": f"{agency.name} view {n}"})
    published(rnd)
    before = main_content(client, cast.alice, rnd)
    factories.paper_response(rnd, youth, cast.alice, comments={"works_well": "Late and alone"})
    assert round_score(round_id=rnd.pk) is None  # fewer than k more: not republished
    after = main_content(client, cast.alice, rnd)
    assert after == before and "Late and alone" not in after
    for n in range(K - 1):
        factories.paper_response(rnd, youth, cast.alice, comments={"works_well": f"Late {n}"})
    assert round_score(round_id=rnd.pk) is not None  # k more people: republished
    texts = [t for _a, t in shown(client, cast.alice, rnd)["works_well"]]
    assert "Late and alone" in texts and len(texts) == 2 * K + K


def test_counts_shown_are_those_of_the_published_state(client, cast):
    youth, health = agencies(cast, ["Youth", "Health"])
    rnd = anonymous_round(cast)
    for agency in (youth, health):
        for n in range(K):
            commented(rnd, agency, {"works_well": f"{agency.name} {n}"})
    published(rnd)
    assert f"{2 * K} comments" in main_content(client, cast.alice, rnd)
    factories.paper_response(rnd, health, cast.alice, comments={"works_well": "one more"})
    assert f"{2 * K} comments" in main_content(client, cast.alice, rnd)


def test_a_round_whose_responses_were_deleted_says_so(client, cast):
    from surveys.services import round_responses_delete

    rnd = factories.survey_round(cast.project)
    commented(rnd, cast.agency, {"works_well": "Gone soon"})
    round_responses_delete(actor=cast.alice, survey_round=factories.closed(rnd))
    rnd.refresh_from_db()
    assert shown(client, cast.alice, rnd) == {"withheld": "deleted"}
    assert "have been deleted" in main_content(client, cast.alice, rnd)


# --- Who reads it --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("user", "status"), [("alice", 200), ("mo", 200), ("priya", 403), ("oscar", 404)]
)
def test_readers_of_the_round_read_its_comments_and_nobody_else(client, cast, user, status):
    rnd = factories.survey_round(cast.project)
    assert page(client, getattr(cast, user), rnd).status_code == status


def test_a_manager_not_assigned_to_the_partnership_finds_nothing(client, cast):
    project = factories.project(cast.unassigned_partnership, "Unassigned project")
    rnd = factories.survey_round(project)
    assert page(client, cast.mo, rnd).status_code == 404


def test_the_comments_page_reads_in_a_fixed_number_of_queries(
    client, cast, django_assert_num_queries
):
    from reports.comments import round_comments

    youth, health = agencies(cast, ["Youth", "Health"])
    rnd = anonymous_round(cast)
    for agency in (youth, health):
        for n in range(K + 2):
            commented(rnd, agency, {"works_well": f"{n}", "one_change": f"c{n}"})
    published(rnd)
    # questions, the published scorecard, the responses it read, their comments
    with django_assert_num_queries(4):
        round_comments(rnd)
