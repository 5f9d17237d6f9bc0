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
