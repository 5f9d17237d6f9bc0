"""Managers and officers read a project's dashboard and the authority overview."""

from __future__ import annotations

import datetime as dt
import html
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.services import agency_update, membership_update, partnership_update
from reports.services import round_score
from reports.services.actions import action_create
from surveys.models import Response
from tests import factories

CONNECTED = 5
DISCONNECTED = 1
MAX_QUERIES = 15
LISTED_ROW = re.compile(r'<tr><th scope="row"><a href="[^"]*">([^<]*)</a></th>')


def _likert(pole: int, instrument) -> dict[str, int]:
    """Every item answered at one pole (reverse-keyed items the other way round)."""
    return {
        q.code: (6 - pole if q.reverse else pole)
        for q in instrument.questions.filter(type="likert")
    }


# Disconnected agencies each put a different own target first and the young people's last.
OWN_TARGET_ORDERS = [
    ["reduce_offending", "ete_participation", "self_confidence", "healthy_lifestyles",
     "stable_housing", "reduce_teenage_pregnancy", "agency_targets", "participant_needs"],
    ["ete_participation", "agency_targets", "reduce_teenage_pregnancy", "stable_housing",
     "reduce_offending", "healthy_lifestyles", "self_confidence", "participant_needs"],
]  # fmt: skip


def _scored_round(cast, *, pole=CONNECTED, agencies=None, people=1, **round_fields):
    rnd = factories.survey_round(cast.project, **round_fields)
    agencies = agencies or [cast.agency, _college(cast)]
    for n, agency in enumerate(agencies):
        ranking = OWN_TARGET_ORDERS[n % 2] if pole == DISCONNECTED else None
        for _ in range(people):
            factories.submitted_response(
                rnd, agency, likert=_likert(pole, rnd.instrument), ranking=ranking
            )
    round_score(round_id=rnd.pk)
    return rnd


def _college(cast):
    return cast.partnership.memberships.get(agency__name="Northshire College").agency


def _listed_names(response) -> list[str]:
    """The partnerships in the overview's table, in the order shown."""
    return [html.unescape(name) for name in LISTED_ROW.findall(response.content.decode())]


def _section(body: str, name: str) -> str:
    """One section of a dashboard page, from its heading to the end of the section."""
    _before, found, after = body.partition(f'<h2 id="h-{name}">')
    return found + after.partition("</section>")[0] if found else ""


def _dashboard(client, cast, **params):
    return client.get(reverse("reports:project_dashboard", args=[cast.project.pk]), params)


def test_a_connected_partnership_is_shown_on_the_continuum(client, cast):
    _scored_round(cast)
    client.force_login(cast.mo)
    response = _dashboard(client, cast)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Connected</strong>" in body
    assert (
        'role="img"' in body
    )  # the continuum and component charts are SVG with a text alternative
    assert "Show the data for this chart" in body
    d = response.context["d"]
    assert d.data["index"] >= 80
    assert [code for code, _label, _value in d.components][-2:] == ["kendall_w", "client_priority"]
    assert d.structure is not None  # shown apart, as a sustainability risk


def test_one_agency_gives_insufficient_responses_not_a_number(client, cast):
    _scored_round(cast, agencies=[cast.agency])
    client.force_login(cast.alice)
    body = _dashboard(client, cast).content.decode()
    assert "Insufficient responses" in body
    assert "out of 100" not in body


def test_a_disconnected_partnership_gets_guidance_on_its_weakest_components(client, cast):
    _scored_round(cast, pole=DISCONNECTED)
    client.force_login(cast.alice)
    d = _dashboard(client, cast).context["d"]
    assert d.data["index"] <= 20
    assert len(d.work_on) >= 3
    # Version 1 keeps its one flat text per component: each weak component gets its own.
    guidance = d.current.instrument.guidance
    assert [advice.text for _label, advice in d.work_on] == [
        guidance[advice.component] for _label, advice in d.work_on
    ]


def test_the_heatmap_and_priority_matrix_name_agencies_in_attributed_rounds(client, cast):
    _scored_round(cast)
    client.force_login(cast.mo)
    response = _dashboard(client, cast)
    heat_agencies = {row["agency"] for row in response.context["heat_rows"]}
    assert heat_agencies == {"Northshire Youth Service", "Northshire College"}
    outcomes = response.context["d"].outcomes
    first = next(o for o in outcomes if o["code"] == "participant_needs")
    assert {rank for _agency, rank in first["ranks"]} == {1}


def test_anonymous_rounds_leave_a_small_group_out_everywhere(client, cast):
    health = factories.agency(cast.authority, "Northshire Health")
    factories.membership(cast.partnership, health)
    rnd = factories.survey_round(cast.project, reporting_mode="anonymous", min_group_size=3)
    for agency, n in [(cast.agency, 3), (health, 3), (_college(cast), 1)]:
        for _ in range(n):
            factories.submitted_response(rnd, agency, likert=_likert(CONNECTED, rnd.instrument))
    round_score(round_id=factories.closed(rnd).pk)
    client.force_login(cast.alice)
    response = _dashboard(client, cast)
    heat_agencies = {row["agency"] for row in response.context["heat_rows"]}
    # The college's one person is a small group of 1 < k: not pooled into anything that counts.
    assert heat_agencies == {"Northshire Youth Service", "Northshire Health"}
    body = response.content.decode()
    assert "Northshire College" not in body.split("h-heat")[1].split("h-trend")[0]
    csv_body = b"".join(
        client.get(reverse("reports:round_responses_csv", args=[rnd.pk])).streaming_content
    ).decode()
    assert "Northshire College" not in csv_body
    assert len(csv_body.strip().splitlines()) == 1 + 6  # the header and the six who count


def test_the_trend_shows_every_scored_round(client, cast):
    _scored_round(cast, pole=DISCONNECTED, title="First")
    _scored_round(cast, pole=CONNECTED, title="Second")
    client.force_login(cast.mo)
    response = _dashboard(client, cast)
    assert [p.round.title for p in response.context["d"].trend] == ["First", "Second"]
    assert response.context["trend_chart"]


def test_an_earlier_round_can_be_chosen_and_an_unknown_one_is_404(client, cast):
    first = _scored_round(cast, pole=DISCONNECTED, title="First")
    _scored_round(cast, title="Second")
    client.force_login(cast.mo)
    assert _dashboard(client, cast, round=first.pk).context["d"].current == first
    other = factories.survey_round(cast.other_project)
    assert _dashboard(client, cast, round=other.pk).status_code == 404


def _queries_of_a_fresh_and_a_cached_read(client, url) -> tuple[int, int]:
    counts = []
    for _read in ("fresh", "cached"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    fresh, cached = counts
    return fresh, cached


def test_dashboard_query_count_is_the_same_at_two_sizes(client, cast):
    counts = []
    for size in (1, 3):
        project = factories.project(cast.partnership, f"Sized {size}")
        agencies = [factories.agency(cast.authority, f"A{size}-{n}") for n in range(3 * size)]
        for agency in agencies:
            factories.membership(cast.partnership, agency)
        for n in range(size * 2):
            rnd = factories.survey_round(project, title=f"R{n}")
            for agency in agencies:
                for _ in range(size):
                    factories.submitted_response(rnd, agency)
            round_score(round_id=rnd.pk)
        client.force_login(cast.alice)
        url = reverse("reports:project_dashboard", args=[project.pk])
        counts.append(_queries_of_a_fresh_and_a_cached_read(client, url))
    assert counts[0] == counts[1]
    assert max(counts[0]) <= MAX_QUERIES


def test_overview_query_count_is_the_same_at_two_sizes(client, cast):
    counts = []
    for size in (2, 6):
        for n in range(size):
            partnership = factories.partnership(cast.authority, f"P{size}-{n}")
            project = factories.project(partnership)
            a, b = (factories.agency(cast.authority, f"P{size}-{n}-{m}") for m in range(2))
            factories.membership(partnership, a)
            factories.membership(partnership, b)
            rnd = factories.survey_round(project)
            factories.submitted_response(rnd, a)
            factories.submitted_response(rnd, b)
            round_score(round_id=rnd.pk)
        client.force_login(cast.mo)
        cast.mo.sees_whole_authority = True
        cast.mo.save()
        counts.append(
            _queries_of_a_fresh_and_a_cached_read(client, reverse("reports:authority_overview"))
        )
    assert counts[0] == counts[1]
    assert max(counts[0]) <= MAX_QUERIES


def test_the_overview_places_filters_and_sorts_partnerships(client, cast):
    _scored_round(cast, pole=CONNECTED)
    other = factories.project(cast.unassigned_partnership, "Other project")
    rnd = factories.survey_round(other)
    for n, agency in enumerate((cast.agency, _college(cast))):
        factories.submitted_response(
            rnd, agency, likert=_likert(DISCONNECTED, rnd.instrument), ranking=OWN_TARGET_ORDERS[n]
        )
    round_score(round_id=rnd.pk)
    client.force_login(cast.alice)
    url = reverse("reports:authority_overview")
    names = _listed_names
    assert names(client.get(url, {"sort": "-index"})) == [
        "Eastfield New Start",
        "Riverside Safer Streets",
    ]
    assert names(client.get(url, {"band": "disconnected"})) == ["Riverside Safer Streets"]
    assert names(client.get(url, {"programme": "New Start"})) == ["Eastfield New Start"]
    assert names(client.get(url, {"agency_type": "fe_college"})) == ["Eastfield New Start"]
    body = client.get(url).content.decode()
    assert "2 partnerships: 1 Disconnected, 1 Connected" in body


def test_the_overview_never_shows_another_authority(client, cast):
    client.force_login(cast.oscar)
    response = client.get(reverse("reports:authority_overview"))
    assert _listed_names(response) == [cast.other_partnership.name]


# --- Rendered sections are cached under what they show, so they never go stale -------------
def test_a_second_dashboard_read_is_served_from_the_cache(client, cast):
    _scored_round(cast)
    client.force_login(cast.mo)
    with CaptureQueriesContext(connection) as first:
        first_body = _dashboard(client, cast).content.decode()
    with CaptureQueriesContext(connection) as second:
        second_body = _dashboard(client, cast).content.decode()
    for name in ("continuum", "components", "heat", "outcomes", "discuss", "work", "trend"):
        assert _section(second_body, name) == _section(first_body, name) != ""
    assert len(second.captured_queries) < len(first.captured_queries)


def test_a_new_scorecard_is_shown_at_once(client, cast):
    rnd = _scored_round(cast, pole=DISCONNECTED)
    client.force_login(cast.mo)
    assert "<strong>Disconnected</strong>" in _dashboard(client, cast).content.decode()
    for agency in (cast.agency, _college(cast)):
        for _ in range(4):
            factories.submitted_response(rnd, agency, likert=_likert(CONNECTED, rnd.instrument))
    round_score(round_id=rnd.pk)
    body = _dashboard(client, cast).content.decode()
    assert "<strong>Disconnected</strong>" not in body
    assert "<strong>Connected</strong>" in body


def test_a_renamed_agency_is_shown_under_its_new_name(client, cast):
    _scored_round(cast)
    client.force_login(cast.alice)
    heatmap = lambda: _section(_dashboard(client, cast).content.decode(), "heat")  # noqa: E731
    assert "Northshire College" in heatmap()
    agency_update(actor=cast.alice, agency=_college(cast), name="Northshire FE College")
    assert "Northshire FE College" in heatmap()


def test_a_new_round_moves_the_dashboard_to_it(client, cast):
    _scored_round(cast, title="First")
    client.force_login(cast.mo)
    _dashboard(client, cast)
    _scored_round(cast, title="Second", pole=DISCONNECTED)
    body = _dashboard(client, cast).content.decode()
    trend = _section(body, "trend")
    assert "First" in trend and "Second" in trend
    assert "<strong>Disconnected</strong>" in body


def test_the_overview_shows_changes_at_once(client, cast):
    _scored_round(cast, pole=DISCONNECTED)
    client.force_login(cast.alice)
    url = reverse("reports:authority_overview")
    assert "Disconnected" in client.get(url).content.decode()
    partnership_update(
        actor=cast.alice,
        partnership=cast.partnership,
        expected_version=cast.partnership.version,
        name="Eastfield Fresh Start",
    )
    assert "Eastfield Fresh Start" in _listed_names(client.get(url))
    later = dt.date.today() + dt.timedelta(days=30)
    _scored_round(cast, title="Later", opens_on=later, closes_on=later + dt.timedelta(days=14))
    body = client.get(url).content.decode()
    assert "Later," in body


def test_the_cached_overview_differs_by_reader_scope(client, cast):
    """A manager assigned to one partnership never gets the whole authority's cached table."""
    client.force_login(cast.alice)
    url = reverse("reports:authority_overview")
    everything = _listed_names(client.get(url))
    assert len(everything) > 1
    client.force_login(cast.mo)
    assert _listed_names(client.get(url)) == [cast.partnership.name]
    cast.mo.assigned_partnerships.add(cast.unassigned_partnership)
    assert len(_listed_names(client.get(url))) == 2


def test_the_overview_follows_memberships_and_agency_types(client, cast):
    _scored_round(cast)
    client.force_login(cast.alice)
    url = reverse("reports:authority_overview")
    college = _college(cast)
    assert cast.partnership.name in _listed_names(client.get(url, {"agency_type": "fe_college"}))
    agency_update(actor=cast.alice, agency=college, agency_type="school")
    assert cast.partnership.name not in _listed_names(
        client.get(url, {"agency_type": "fe_college"})
    )
    membership = cast.partnership.memberships.get(agency=college)
    before = _agencies_cell(client.get(url), cast.partnership.name)
    membership_update(
        actor=cast.alice,
        membership=membership,
        role=membership.role,
        joined_on=None,
        left_on=dt.date.today(),
    )
    assert _agencies_cell(client.get(url), cast.partnership.name) == before - 1


def _agencies_cell(response, name: str) -> int:
    row = response.content.decode().split(f">{name}</a></th>")[1].split("</tr>")[0]
    return int(re.findall(r"<td>([^<]*)</td>", row)[1])


def test_the_response_rate_leaves_out_revoked_invitations_and_counts_paper_apart(client, cast):
    rnd = _scored_round(cast)  # two people invited, both submitted
    factories.invitation(rnd, cast.agency)  # invited, not yet answered
    revoked = factories.submitted_response(rnd, cast.agency).invitation
    revoked.revoked_at = timezone.now()
    revoked.save()
    Response.objects.create(
        round=rnd,
        agency=cast.agency,
        entered_by=cast.alice,
        consented_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    client.force_login(cast.mo)
    body = _dashboard(client, cast).content.decode()
    assert "Response rate 67%: 2 of 3 invited people submitted." in body
    assert "Plus 1 paper questionnaire." in body


# --- Issue 18: what an unchanged page still reads ------------------------------------------
def test_an_unchanged_dashboard_reads_five_queries(client, cast, django_assert_num_queries):
    """The session, the user, the project (its tenancy), its rounds with their latest scorecard
    and the counts and stamps of every cache key; the sections, the action plans and the
    benchmark all come from the cache."""
    first = _scored_round(cast, pole=DISCONNECTED, title="First")
    _scored_round(cast, title="Second")
    action_create(
        actor=cast.alice,
        survey_round=first,
        component="aims",
        description="Agree the aims together.",
        lead_agency_id=cast.agency.pk,
        due_on=first.opens_on + dt.timedelta(days=30),
    )
    client.force_login(cast.mo)
    fresh = _dashboard(client, cast).content.decode()
    assert "Agree the aims together." in fresh
    with django_assert_num_queries(5):
        cached = _dashboard(client, cast).content.decode()
    assert _without_csrf(cached) == _without_csrf(fresh)


def test_an_unchanged_dashboard_reads_four_queries_for_a_reader_of_the_whole_authority(
    client, cast, django_assert_num_queries
):
    """An officer sees every partnership of the authority: the project, checked to be in it,
    comes with its rounds and their latest scorecards in one statement."""
    _scored_round(cast, pole=DISCONNECTED, title="First")
    _scored_round(cast, title="Second")
    client.force_login(cast.alice)
    fresh = _dashboard(client, cast).content.decode()
    with django_assert_num_queries(4):
        cached = _dashboard(client, cast).content.decode()
    assert _without_csrf(cached) == _without_csrf(fresh)
    assert "First (" in cached and "Second (" in cached  # both rounds listed


def test_an_unchanged_overview_reads_three_queries(client, cast, django_assert_num_queries):
    """The session, the user and the stamps of what the page is drawn from (with the
    authority's name); its whole content, the overdue actions too, comes from the cache."""
    _scored_round(cast)
    client.force_login(cast.alice)
    url = reverse("reports:authority_overview")
    fresh = client.get(url).content.decode()
    with django_assert_num_queries(3):
        cached = client.get(url).content.decode()
    assert _without_csrf(cached) == _without_csrf(fresh)
    assert f"Partnerships of {cast.authority.name}" in cached
    assert 'name="programme"' in cached and "New Start" in cached


def test_the_cached_filter_form_offers_a_new_programme_at_once(client, cast):
    client.force_login(cast.alice)
    url = reverse("reports:authority_overview")
    assert "Youth Justice Pilot" not in client.get(url).content.decode()
    partnership_update(
        actor=cast.alice,
        partnership=cast.partnership,
        expected_version=cast.partnership.version,
        programme="Youth Justice Pilot",
    )
    assert '<option value="Youth Justice Pilot">' in client.get(url).content.decode()


def _without_csrf(body: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)


def test_a_cached_dashboard_posts_with_the_readers_own_csrf_token(cast):
    """The content is cached whole with a placeholder token: each reader's page must carry a
    token their own CSRF cookie accepts, or the workshop pack's button would be refused."""
    from django.test import Client

    rnd = _scored_round(cast)
    url = reverse("reports:workshop_pack_request", args=[rnd.pk])
    for _reader in ("first, renders", "second, from the cache"):
        client = Client(enforce_csrf_checks=True)
        client.force_login(cast.mo)
        body = _dashboard(client, cast).content.decode()
        assert "csrf-token-of-the-request" not in body
        form = re.search(
            f'action="{url}"[^>]*><input type="hidden" name="csrfmiddlewaretoken" value="([^"]*)"',
            body,
        )
        assert form is not None
        assert client.post(url, {"csrfmiddlewaretoken": form[1]}).status_code == 302


def test_a_project_with_no_round_says_so_to_an_officer(client, cast):
    client.force_login(cast.alice)
    project = factories.project(cast.partnership, name="Not started")
    response = client.get(reverse("reports:project_dashboard", args=[project.pk]))
    assert "This project has no survey rounds yet." in response.content.decode()
    assert response.context["d"].rounds == []
