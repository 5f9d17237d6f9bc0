"""The benchmark: rank, median and quartiles among the authority's partnerships, from five."""

from __future__ import annotations

import html
import re

from django.urls import reverse

from reports.scoring.benchmark import position
from reports.services import round_score
from tests import factories
from tests.reports.test_dashboard_pages import _college, _section

# Agreement levels per partnership, chosen so that the quartiles fall between partnerships.
LEVELS = [5, 4, 3, 2, 1, 3]


def _scored_partnership(cast, name, level):
    partnership = factories.partnership(cast.authority, name)
    agencies = [factories.agency(cast.authority, f"{name} agency {n}") for n in range(2)]
    for agency in agencies:
        factories.membership(partnership, agency)
    project = factories.project(partnership, f"{name} project")
    rnd = factories.survey_round(project)
    for agency in agencies:
        factories.submitted_response(rnd, agency, likert=level)
    round_score(round_id=rnd.pk)
    return partnership, rnd


def _ours(cast, level=4):
    rnd = factories.survey_round(cast.project)
    for agency in (cast.agency, _college(cast)):
        factories.submitted_response(rnd, agency, likert=level)
    round_score(round_id=rnd.pk)
    return rnd


def _page(client, cast, who):
    client.force_login(who)
    return client.get(reverse("reports:project_dashboard", args=[cast.project.pk]))


def test_the_position_is_a_rank_and_quartiles():
    found = position(0.6, [0.2, 0.4, 0.8, 1.0])
    assert found is not None
    assert (found.rank, found.count) == (3, 5)
    assert (found.lower_quartile, found.median, found.upper_quartile) == (0.4, 0.6, 0.8)
    assert position(0.6, [0.2, 0.4, 0.8]) is None  # four partnerships: not shown


def test_the_benchmark_is_hidden_below_five_scored_partnerships(client, cast):
    _ours(cast)
    for n in range(3):
        _scored_partnership(cast, f"Few {n}", LEVELS[n])
    response = _page(client, cast, cast.alice)
    assert response.context["benchmark"] is None
    assert 'id="h-benchmark"' not in response.content.decode()


def test_the_benchmark_ranks_the_partnership_among_five_or_more(client, cast):
    _ours(cast, level=4)
    for n, level in enumerate(LEVELS[:5]):
        _scored_partnership(cast, f"Peer {n}", level)
    response = _page(client, cast, cast.alice)
    benchmark = response.context["benchmark"]
    assert benchmark.count == 6
    index = benchmark.rows[0]
    assert index.code == "index"
    # Levels 5, 4, 4 (ours), 3, 2, 1: ties share the better rank, so ours is second.
    assert index.position.rank == 2
    section = _section(response.content.decode(), "benchmark")
    assert "2 of 6" in section and 'role="img"' in section


def test_a_manager_of_few_partnerships_learns_nothing_beyond_the_quartiles(client, cast):
    ours = _ours(cast, level=4)
    others = [_scored_partnership(cast, f"Hidden {n}", level) for n, level in enumerate(LEVELS)]
    response = _page(client, cast, cast.mo)  # Mo manages only Eastfield New Start
    benchmark = response.context["benchmark"]
    assert benchmark is not None and benchmark.count == 7
    section = _section(response.content.decode(), "benchmark")
    for partnership, _rnd in others:
        assert partnership.name not in section
        assert f"{partnership.name} project" not in section
    # Every number on it is this partnership's own value, its rank, the count or a quartile.
    allowed = {"1", "2", "3", "4", "5", "6", "7", "0.00", "0.25", "0.50", "0.75", "1.00", "100"}
    for row in benchmark.rows:
        p = row.position
        digits = 1 if row.scale == 100 else 2
        for value in (p.value, p.lower_quartile, p.median, p.upper_quartile):
            allowed.add(f"{value:.{digits}f}")
    text = html.unescape(re.sub(r"<[^>]+>", " ", section))
    numbers = set(re.findall(r"\d+(?:\.\d+)?", text))
    assert numbers <= allowed, numbers - allowed
    # And the others' own index values, where they are not a quartile, never appear.
    quartiles = {
        f"{v:.1f}"
        for v in (
            benchmark.rows[0].position.lower_quartile,
            benchmark.rows[0].position.median,
            benchmark.rows[0].position.upper_quartile,
        )
    }
    from reports.models import Scorecard

    def index_of(rnd) -> str:
        return f"{Scorecard.objects.filter(round=rnd).latest_first()[0].index:.1f}"

    own = index_of(ours)
    for _partnership, rnd in others:
        value = index_of(rnd)
        if value not in quartiles and value != own:
            assert value not in section


def test_the_benchmark_reads_in_two_queries_whatever_the_number_of_partnerships(
    django_assert_num_queries, cast
):
    from reports import benchmark, dashboards

    _ours(cast)
    for n, level in enumerate(LEVELS):
        _scored_partnership(cast, f"Counted {n}", level)
    frame = dashboards.project_dashboard_frame(cast.alice, cast.project.pk)
    assert frame.current is not None
    frame.current.instrument  # noqa: B018  # read once here, as the actions block does first
    # The id of every other partnership's latest scorecard, then those scorecards and this one.
    with django_assert_num_queries(2):
        found = benchmark.dashboard_benchmark(frame)
    assert found is not None and found.count == 7
