"""Partners see the result: the published results of the partnerships their agency is in, with
their own agency's row beside the partnership's in an attributed round; never another agency's
row, never any agency's in an anonymous round, never a partnership their agency is not in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partnerships.models import Role
from reports.services import round_score
from tests import factories

K = 3


@pytest.fixture
def college(cast):
    return cast.partnership.memberships.exclude(agency=cast.agency).get().agency


@pytest.fixture
def college_partner(cast, college):
    return factories.user("carla", auth=cast.authority, role=Role.PARTNER, agency=college)


def attributed_published(cast, college, **fields):
    rnd = factories.survey_round(cast.project, **fields)
    factories.submitted_response(rnd, cast.agency, likert=5)
    factories.submitted_response(rnd, college, likert=1)
    round_score(round_id=factories.closed(rnd).pk)
    return rnd


def results(client, user, project, rnd=None):
    client.force_login(user)
    url = reverse("reports:partner_project_results", args=[project.pk])
    return client.get(url, {"round": rnd.pk} if rnd else {})


def sections(client, user, project, rnd=None) -> str:
    return str(results(client, user, project, rnd).context["sections"])


def test_the_partner_home_links_each_of_the_agencys_partnerships(client, cast):
    client.force_login(cast.priya)
    body = client.get(reverse("home")).content.decode()
    assert reverse("reports:partner_partnership", args=[cast.partnership.pk]) in body
    assert cast.unassigned_partnership.name not in body


def test_the_partnership_page_lists_projects_with_their_latest_published_round(
    client, cast, college
):
    published = attributed_published(cast, college, title="Spring")
    still_open = factories.survey_round(cast.project, title="Autumn")
    factories.submitted_response(still_open, cast.agency)
    factories.submitted_response(still_open, college)
    round_score(round_id=still_open.pk)  # scored, but open: not a published result
    factories.project(cast.partnership, "Nothing yet")
    client.force_login(cast.priya)
    page = client.get(reverse("reports:partner_partnership", args=[cast.partnership.pk]))
    rows = {row.project.name: row.latest for row in page.context["projects"]}
    assert rows == {"Back on Track": published, "Nothing yet": None}
    body = page.content.decode()
    assert reverse("reports:partner_project_results", args=[cast.project.pk]) in body
    assert "Autumn" not in body


def test_an_attributed_round_shows_the_partnership_and_the_partners_own_agency_only(
    client, cast, college
):
    attributed_published(cast, college)
    page = results(client, cast.priya, cast.project)
    assert page.status_code == 200
    body = str(page.context["sections"])
    assert "Where the partnership stands" in body and "Connectedness index" in body
    assert "What the index is made of" in body
    assert "Discussion points" in body
    # Every agency answered 4 throughout: a strong partnership is told what keeps it so.
    assert "What keeps the partnership strong, and what to watch" in body
    assert "Whole partnership" in body and cast.agency.name in body
    assert college.name not in body  # another agency's row, rank or mean: never
    d = page.context["d"]
    assert [row["agency"] for row in d.heatmap] == ["Whole partnership", cast.agency.name]
    for item in d.discussion:
        assert [name for name, _mean in item["means"]] == [cast.agency.name]
    assert all(len(o["ranks"]) == 1 for o in d.outcomes)


def test_each_partner_reads_their_own_agencys_row_not_the_other(
    client, cast, college, college_partner
):
    attributed_published(cast, college)
    priya = sections(client, cast.priya, cast.project)
    carla = sections(client, college_partner, cast.project)  # the cache must not mix them
    assert cast.agency.name in priya and college.name not in priya
    assert college.name in carla and cast.agency.name not in carla


def test_an_anonymous_round_shows_no_agency_at_all_not_even_the_partners_own(client, cast, college):
    rnd = factories.survey_round(cast.project, reporting_mode="anonymous", min_group_size=K)
    for agency, likert in ((cast.agency, 5), (college, 1)):
        for _ in range(K):
            factories.submitted_response(rnd, agency, likert=likert)
    round_score(round_id=factories.closed(rnd).pk)
    page = results(client, cast.priya, cast.project)
    body = str(page.context["sections"])
    assert "Connectedness index" in body
    assert cast.agency.name not in body and college.name not in body
    assert "Other agencies" not in body
    d = page.context["d"]
    assert [row["agency"] for row in d.heatmap] == ["Whole partnership"]
    assert d.outcomes == [] and all(item["means"] == [] for item in d.discussion)
    assert "never any agency" in page.content.decode()


def test_an_anonymous_round_is_not_shown_before_it_is_published(client, cast, college):
    rnd = factories.survey_round(cast.project, reporting_mode="anonymous", min_group_size=K)
    for agency in (cast.agency, college):
        for _ in range(K):
            factories.submitted_response(rnd, agency)
    factories.closed(rnd)  # closed but not yet scored: nothing published
    page = results(client, cast.priya, cast.project)
    assert page.context["d"].rounds == [] and page.context["sections"] == ""
    assert results(client, cast.priya, cast.project, rnd).status_code == 404


def test_an_open_attributed_round_is_not_shown_even_when_scored(client, cast, college):
    published = attributed_published(cast, college, title="Spring")
    still_open = factories.survey_round(cast.project, title="Autumn")
    factories.submitted_response(still_open, cast.agency)
    factories.submitted_response(still_open, college)
    round_score(round_id=still_open.pk)
    page = results(client, cast.priya, cast.project)
    assert page.context["d"].rounds == [published]
    assert page.context["d"].current == published
    assert results(client, cast.priya, cast.project, still_open).status_code == 404


def test_a_partnership_the_agency_is_not_in_is_not_found(client, cast, college):
    other_project = factories.project(cast.unassigned_partnership, "Elsewhere")
    client.force_login(cast.priya)
    url = reverse("reports:partner_partnership", args=[cast.unassigned_partnership.pk])
    assert client.get(url).status_code == 404
    assert results(client, cast.priya, other_project).status_code == 404
    south = reverse("reports:partner_partnership", args=[cast.other_partnership.pk])
    assert client.get(south).status_code == 404
    assert results(client, cast.priya, cast.other_project).status_code == 404


def test_an_agency_that_left_the_partnership_sees_nothing_more_of_it(client, cast, college):
    import datetime as dt

    attributed_published(cast, college)
    cast.partnership.memberships.filter(agency=cast.agency).update(left_on=dt.date(2026, 1, 1))
    client.force_login(cast.priya)
    assert cast.partnership.name not in client.get(reverse("home")).content.decode()
    assert results(client, cast.priya, cast.project).status_code == 404


@pytest.mark.parametrize("user", ["alice", "mo", "oscar", "sam"])
def test_the_partner_pages_are_for_partners_only(client, cast, user):
    client.force_login(getattr(cast, user))
    url = reverse("reports:partner_partnership", args=[cast.partnership.pk])
    assert client.get(url).status_code == 403
    assert results(client, getattr(cast, user), cast.project).status_code == 403


def test_the_partner_page_refuses_a_post(client, cast):
    client.force_login(cast.priya)
    url = reverse("reports:partner_project_results", args=[cast.project.pk])
    assert client.post(url).status_code == 405


def test_the_partner_page_reads_in_a_fixed_number_of_queries(
    client, cast, college, django_assert_num_queries
):
    from django.core.cache import cache

    from reports.partner_results import partner_results_context

    for n in range(3):
        attributed_published(cast, college, title=f"Round {n}")
    cast.priya.refresh_from_db()
    cache.clear()
    # the project, its published rounds with their latest scorecards, the response counts; then
    # (rendering the sections) the scorecards, the questionnaire, the agency names, its questions
    with django_assert_num_queries(7):
        str(partner_results_context(cast.priya, cast.project.pk)["sections"])
    # drawn once: a second reader of the same agency reads only the frame
    with django_assert_num_queries(3):
        str(partner_results_context(cast.priya, cast.project.pk)["sections"])


def test_a_partner_never_reads_the_network_map(client, cast, college):
    """The map's pairs are other agencies' ratings of each other: the officer's dashboard
    shows them, a partner's results do not (nor the matrix, nor the mismatches)."""
    from tests.reports.test_network_api import answered_round

    school = factories.agency(cast.authority, "Riverside Academy", agency_type="school")
    factories.membership(cast.partnership, school)
    rnd = factories.closed(answered_round(cast, (cast.agency, college, school)))
    round_score(round_id=rnd.pk)
    client.force_login(cast.alice)
    dashboard = client.get(reverse("reports:project_dashboard", args=[cast.project.pk]))
    assert "Who works with whom" in dashboard.content.decode()
    page = results(client, cast.priya, cast.project)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Where the partnership stands" in body
    assert "Who works with whom" not in body and "network-matrix" not in body
