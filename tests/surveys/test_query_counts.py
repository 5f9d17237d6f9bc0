"""A questionnaire page runs the same number of queries however many questions it has."""

from __future__ import annotations

import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.instrument_loader import INSTRUMENTS_DIR, instrument_load
from tests import factories
from tests.surveys.helpers import section_data, start

MAX_QUERIES = 10


def _long_instrument(tmp_path):
    """The default questionnaire with the aims section three times as long."""
    data = yaml.safe_load((INSTRUMENTS_DIR / "default_v1.yaml").read_text())
    data["version"] = 90
    aims = data["sections"][1]["questions"]
    for copy in range(2):
        for question in list(aims[:6]):
            aims.append({**question, "code": f"{question['code']}_copy{copy}"})
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(data))
    return instrument_load(path=path)[0]


def _queries_for_aims_page(client, cast, instrument):
    survey_round = factories.survey_round(cast.project, instrument=instrument)
    _inv, token = factories.invitation(survey_round, cast.agency)
    start(client, token)
    aims = instrument.sections.get(code="aims")
    client.post(reverse("surveys:respond_section", args=[aims.position]), section_data(aims))
    url = reverse("surveys:respond_section", args=[aims.position])
    with CaptureQueriesContext(connection) as get_ctx:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as post_ctx:
        assert client.post(url, section_data(aims)).status_code == 302
    return aims.questions.count(), len(get_ctx), len(post_ctx)


def test_section_pages_run_a_constant_number_of_queries(client, cast, tmp_path):
    short = _queries_for_aims_page(client, cast, factories.default_instrument())
    client.logout()
    client.cookies.clear()
    long = _queries_for_aims_page(client, cast, _long_instrument(tmp_path))
    assert (short[0], long[0]) == (6, 18)
    # Same count at 6 and at 18 questions, for showing and for saving a page.
    assert short[1:] == long[1:]
    assert short[1] <= MAX_QUERIES and short[2] <= MAX_QUERIES


def _journey_queries(client, survey_round, agency) -> dict[str, list[str]]:
    """Each request of one partner's whole questionnaire, with the SQL it ran."""
    _invitation, token = factories.invitation(survey_round, agency)
    ran: dict[str, list[str]] = {}

    def request(step: str, method: str, url: str, data: dict | None = None, status: int = 302):
        with CaptureQueriesContext(connection) as ctx:
            response = getattr(client, method)(url, *([] if data is None else [data]))
        assert response.status_code == status, (step, response.status_code)
        ran[step] = [q["sql"] for q in ctx.captured_queries]

    request("link", "get", reverse("surveys:respond_link", args=[token]))
    request("consent page", "get", reverse("surveys:respond_start"), status=200)
    request("consent", "post", reverse("surveys:respond_start"), {"consent": "on"})
    sections = list(survey_round.instrument.sections.order_by("position"))
    for section in sections:
        url = reverse("surveys:respond_section", args=[section.position])
        request(f"section {section.position} page", "get", url, status=200)
        request(f"section {section.position} saved", "post", url, section_data(section))
    request("check", "get", reverse("surveys:respond_check"), status=200)
    request("submit", "post", reverse("surveys:respond_submit"), {})
    request("done", "get", reverse("surveys:respond_done"), status=200)
    return ran


def test_each_request_of_the_journey_runs_these_queries(client, cast):
    """The journey's query budget (issue 18): a section page is read with two queries (the
    invitation with its round and response, the page's answers) and saved with three (the
    invitation, the response's row, the answers), whatever the page."""
    survey_round = factories.survey_round(cast.project)
    _journey_queries(client, survey_round, cast.agency)  # the questionnaire read once
    client.cookies.clear()
    ran = _journey_queries(client, survey_round, cast.agency)
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
    counts = {step: len([q for q in sql if not q.startswith(control)]) for step, sql in ran.items()}
    pages = {f"section {n} page": 2 for n in range(1, 10)}
    saves = {f"section {n} saved": 3 for n in range(1, 10)}
    assert counts == {
        "link": 2,  # the invitation and its response by its token's digest, the opening stamped
        "consent page": 2,  # the invitation, then its partnership and agency (named)
        "consent": 3,  # the invitation, then the response looked for and created
        **pages,
        **saves,
        "check": 2,  # the invitation, the answers (what is missing follows from them)
        "submit": 4,  # the invitation, the response locked, what is missing, the stamp
        "done": 2,  # the invitation, its partnership and agency
    }
    assert sum(counts.values()) == 60  # 24 requests
