"""Attacks on an anonymous round's promise, each made as a reader of the same authority would,
with only what the product shows them (specification 1.1, the small-number rule).

The strongest check is differential: two rounds that differ only in what a small group (or
one person) answered must give a reader exactly the same thing to read; then nothing about
that group or person can be recovered, by subtraction or by any other arithmetic.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.models import Scorecard
from reports.services import round_score, stale_rounds_rescore
from tests import factories
from tests.reports.test_round_score import agencies

K = 3


def anonymous_round(cast):
    return factories.survey_round(cast.project, reporting_mode="anonymous", min_group_size=K)


def fill(rnd, groups) -> None:
    """groups: (agency, number of people, their Likert answer)."""
    for agency, n, likert in groups:
        for _ in range(n):
            factories.submitted_response(rnd, agency, likert=likert)


def published(rnd):
    round_score(round_id=factories.closed(rnd).pk)
    return rnd


def scorecard_read(client, user, rnd) -> dict:
    """The scorecard as the API gives it, less what differs between any two computations."""
    client.force_login(user)
    body = client.get(reverse("reports_api:round_scorecard", args=[rnd.pk])).json()
    body.pop("computed_at", None)
    for agency in body.get("agencies", []):
        # Two rounds, two sets of agencies: compared by what is shown of them, not their ids.
        agency.pop("agency_id"), agency.pop("label", None)
        if agency["agency"] != "Other agencies":
            agency["agency"] = "an agency"
    for item in body.get("divergent_items", []):
        item["agency_means"] = sorted(item["agency_means"].values())
    return body


def dashboard_sections(client, user, rnd) -> str:
    client.force_login(user)
    url = reverse("reports:project_dashboard", args=[rnd.project_id])
    return client.get(url, {"round": rnd.pk}).context["sections"]


def two_partnerships(cast):
    """Two projects in two partnerships with the same three agencies' names."""
    youth, health, college = agencies(cast, ["Youth", "Health", "College"])
    other = factories.partnership(cast.authority, "Twin partnership")
    twin = [factories.agency(cast.authority, f"{name} twin") for name in ("Y", "H", "C")]
    for agency in twin:
        factories.membership(other, agency)
    cast.mo.assigned_partnerships.add(other)
    return (youth, health, college), factories.project(other, "Twin project"), twin


@pytest.mark.parametrize("reader", ["alice", "mo"])
def test_subtraction_gives_nothing_of_a_small_group_left_out(client, cast, reader):
    # k = 3: Youth and Health have 3 people each; the College's one person is a small group
    # (a pool of 1 < k, left out). The same round twice, the College answering 1 or 5.
    (youth, health, college), twin_project, (y2, h2, c2) = two_partnerships(cast)
    first = anonymous_round(cast)
    fill(first, [(youth, 3, 4), (health, 3, 2), (college, 1, 1)])
    second = factories.survey_round(twin_project, reporting_mode="anonymous", min_group_size=K)
    fill(second, [(y2, 3, 4), (h2, 3, 2), (c2, 1, 5)])
    published(first), published(second)
    user = getattr(cast, reader)

    a, b = scorecard_read(client, user, first), scorecard_read(client, user, second)
    for card in (a, b):
        assert card["n_agencies"] == 2 and card["n_respondents"] == 6
    # Every figure (index, dimensions, W, P, rwg, divergence, counts) is the same.
    assert a == b
    # And the partnership mean is exactly the mean of the two agencies shown: n x mean - shown
    # leaves nothing over.
    shown = [agency["dimensions"]["aims"] for agency in a["agencies"]]
    assert a["dimensions"]["aims"] == pytest.approx(sum(shown) / 2, abs=1e-4)


def test_a_pool_that_reaches_k_counts_as_one_agency_and_hides_its_members(client, cast):
    # College (1) and Health (2) are small; their pool of 3 reaches k and counts as one agency.
    # Moving one person's answers between the two small agencies changes nothing a reader sees.
    (youth, health, college), twin_project, (y2, h2, c2) = two_partnerships(cast)
    first = anonymous_round(cast)
    fill(first, [(youth, 3, 4), (college, 1, 1), (health, 2, 5)])
    second = factories.survey_round(twin_project, reporting_mode="anonymous", min_group_size=K)
    fill(second, [(y2, 3, 4), (c2, 1, 5), (h2, 1, 5), (h2, 1, 1)])
    published(first), published(second)

    a, b = scorecard_read(client, cast.alice, first), scorecard_read(client, cast.alice, second)
    assert sorted(x["agency"] for x in a["agencies"]) == ["Other agencies", "an agency"]
    assert [x["n_respondents"] for x in a["agencies"] if x["agency"] == "Other agencies"] == [3]
    assert a == b
    sections = dashboard_sections(client, cast.alice, first)
    assert "Other agencies" in sections
    assert "College" not in sections and "Health" not in sections


def test_a_two_agency_partnership_with_one_small_agency_shows_no_result(client, cast):
    youth, college = agencies(cast, ["Youth", "College"])
    rnd = anonymous_round(cast)
    fill(rnd, [(youth, 4, 5), (college, 1, 1)])
    published(rnd)
    card = scorecard_read(client, cast.alice, rnd)
    # One group counts; a "partnership" result would be the Youth Service's alone, and its
    # difference from a full mean would be the College's one person.
    assert card["status"] == "insufficient" and card["index"] is None
    assert card["agencies"] == [] and card["divergent_items"] == []
    assert set(card["dimensions"].values()) == {None}
    assert card["kendall_w"] is None and card["client_priority"] is None


def test_the_responses_api_refuses_the_agency_filter_on_an_anonymous_round(client, cast):
    youth, college = agencies(cast, ["Youth", "College"])
    rnd = anonymous_round(cast)
    fill(rnd, [(youth, 3, 4), (college, 1, 1)])
    factories.closed(rnd)
    client.force_login(cast.alice)
    url = f"/api/v1/rounds/{rnd.pk}/responses/"
    refused = client.get(url, {"agency": college.pk})
    assert refused.status_code == 400
    assert "agency" in refused.json() and "results" not in refused.json()
    # Without the filter the college's one row is left out (its pool of 1 is below k).
    rows = client.get(url).json()["results"]
    assert len(rows) == 3 and {row["agency"] for row in rows} == {youth.pk}


def test_raw_answers_cannot_be_read_while_the_round_is_open(client, cast):
    youth, college = agencies(cast, ["Youth", "College"])
    rnd = anonymous_round(cast)
    fill(rnd, [(youth, 3, 4), (college, 3, 2)])
    csv_url = reverse("reports:round_responses_csv", args=[rnd.pk])
    for user in (cast.alice, cast.mo):
        client.force_login(user)
        assert client.get(csv_url).status_code == 403
    client.force_login(cast.alice)
    assert client.get(f"/api/v1/rounds/{rnd.pk}/responses/").status_code == 409
    factories.closed(rnd)
    client.force_login(cast.mo)  # managers never read an anonymous round's raw answers
    assert client.get(csv_url).status_code == 403


def test_raw_answers_carry_no_id_no_time_and_no_order_of_submission(client, cast):
    youth, college = agencies(cast, ["Youth", "College"])
    rnd = anonymous_round(cast)
    # Submitted in an order unlike the sorted one: 5, 1, 3 within the Youth Service.
    fill(rnd, [(youth, 1, 5), (youth, 1, 1), (youth, 1, 3), (college, 3, 2)])
    factories.closed(rnd)
    client.force_login(cast.alice)
    content = b"".join(
        client.get(reverse("reports:round_responses_csv", args=[rnd.pk])).streaming_content
    ).decode()
    rows = list(csv.reader(io.StringIO(content)))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["agency", "submitted_on", "entered_on_paper"]
    assert "response" not in header and "submitted_at" not in header
    assert all(len(row[1]) == 10 for row in body)  # a day, no time
    assert body == sorted(body)  # the order follows the content, not the submissions
    aims = header.index("aims_1")
    assert [row[aims] for row in body if row[0] == "Youth"] == ["1", "3", "5"]


def test_the_round_page_shows_nobodys_status_and_no_small_count(client, cast):
    youth, college = agencies(cast, ["Youth", "College"])
    rnd = anonymous_round(cast)
    fill(rnd, [(youth, 3, 4), (college, 1, 1)])
    factories.invitation(rnd, college, name="Not yet answered")
    client.force_login(cast.alice)
    page = client.get(reverse("surveys:round_detail", args=[rnd.pk])).content.decode()
    assert "status-submitted" not in page and "status-in_progress" not in page
    assert "Fewer than 3: not shown" in page  # the college's one submission
    assert "1 invited person has not submitted yet." in page  # how many, never who
    client.force_login(cast.mo)
    page = client.get(reverse("surveys:round_detail", args=[rnd.pk])).content.decode()
    assert "Not yet answered" not in page and "@" not in page.split("<main", 1)[-1]


def test_two_reads_around_one_submission_give_nothing(client, cast):
    youth, college = agencies(cast, ["Youth", "College"])
    rnd = anonymous_round(cast)
    fill(rnd, [(youth, 3, 4), (college, 3, 2)])
    round_score(round_id=rnd.pk)  # what a submission triggers while the round is open
    client.force_login(cast.alice)
    api = reverse("reports_api:round_scorecard", args=[rnd.pk])
    assert client.get(api).status_code == 404  # open: counts only, nothing stored
    assert not Scorecard.objects.filter(round=rnd).exists()

    published(rnd)
    before = scorecard_read(client, cast.alice, rnd)
    # One late paper questionnaire: fewer than k more people, so the published state stays.
    factories.submitted_response(rnd, college, likert=1)
    round_score(round_id=rnd.pk)
    stale_rounds_rescore()
    assert scorecard_read(client, cast.alice, rnd) == before
    assert Scorecard.objects.filter(round=rnd).count() == 1
    # k more people: a new published state, which differs by at least k people.
    fill(rnd, [(youth, 2, 1)])
    round_score(round_id=rnd.pk)
    after = scorecard_read(client, cast.alice, rnd)
    assert after != before and after["n_respondents"] == 9


def test_the_trend_of_a_round_below_k_shows_no_component(client, cast):
    youth, college = agencies(cast, ["Youth", "College"])
    rnd = anonymous_round(cast)
    fill(rnd, [(youth, 1, 5), (college, 1, 1)])  # two people in all, k = 3
    published(rnd)
    client.force_login(cast.mo)
    url = reverse("reports:project_dashboard", args=[rnd.project_id])
    trend = client.get(url).context["d"].trend
    assert [p.index for p in trend] == [None]
    assert all(value is None for p in trend for value in p.components.values())


def test_after_a_purge_the_history_keeps_only_the_published_form(cast):
    youth, college, health = agencies(cast, ["Youth", "College", "Health"])
    rnd = factories.survey_round(cast.project)  # attributed: a scorecard after each submission
    fill(rnd, [(youth, 3, 4), (college, 1, 1)])
    round_score(round_id=rnd.pk)
    fill(rnd, [(health, 1, 2)])
    round_score(round_id=rnd.pk)
    anonymous = anonymous_round(cast)
    fill(anonymous, [(youth, 3, 4), (health, 3, 2), (college, 1, 1)])
    published(anonymous)
    for survey_round in (rnd, anonymous):
        survey_round.closes_on = survey_round.opens_on
        survey_round.save()
    call_command("purge_responses", "--days", "0", stdout=io.StringIO())

    assert Scorecard.objects.filter(round=rnd).count() == 1  # the earlier ones are gone
    kept = Scorecard.objects.get(round=anonymous)
    assert str(college.pk) not in {a["agency"] for a in kept.data["agencies"]}
    for item in kept.data["divergent_items"]:
        assert str(college.pk) not in item["agency_means"]
