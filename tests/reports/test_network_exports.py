"""Working relationships in the raw answers (CSV and API): one column per agency at opening, and
nothing that would name a pooled respondent's agency in an anonymous round."""

from __future__ import annotations

import pytest

from reports.exports import round_responses_rows
from surveys.api import response_rows
from tests import factories


@pytest.fixture
def members(cast):
    school = factories.agency(cast.authority, "Riverside Academy", agency_type="school")
    factories.membership(cast.partnership, school)
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    return cast.agency, college, school


def test_the_csv_has_a_column_per_agency_at_opening(cast, members):
    youth, college, school = members
    rnd = factories.survey_round(cast.project, instrument=factories.instrument_version(2))
    factories.submitted_response(rnd, youth, relationships={college: 3, school: None})
    header, row = list(round_responses_rows(rnd))
    ids = sorted(a.pk for a in members)
    assert header[-3:] == [f"working_relationships.{i}" for i in ids]
    cells = dict(zip(header, row, strict=True))
    assert cells[f"working_relationships.{college.pk}"] == 3
    assert cells[f"working_relationships.{school.pk}"] == "dk"
    assert cells[f"working_relationships.{youth.pk}"] == ""  # its own agency: never asked


def test_a_pooled_row_of_an_anonymous_round_carries_no_ratings(cast, members):
    youth, college, school = members
    rnd = factories.survey_round(
        cast.project,
        instrument=factories.instrument_version(2),
        reporting_mode="anonymous",
        min_group_size=2,
    )
    for _person in range(2):
        factories.submitted_response(rnd, youth, relationships={college: 4, school: 2})
    # The college and the school have one person each: pooled as "Other agencies".
    factories.submitted_response(rnd, college, relationships={youth: 1, school: 1})
    factories.submitted_response(rnd, school, relationships={youth: 5, college: 5})
    factories.closed(rnd)
    header, *rows = list(round_responses_rows(rnd))
    columns = [i for i, name in enumerate(header) if name.startswith("working_relationships.")]
    pooled = [row for row in rows if row[0] == "Other agencies"]
    assert len(pooled) == 2 and all(row[i] == "" for row in pooled for i in columns)
    named = [row for row in rows if row[0] == "Northshire Youth Service"]
    assert len(named) == 2 and all(any(row[i] != "" for i in columns) for row in named)
    api_rows = response_rows(rnd, rnd.responses.prefetch_related("answers__question"))
    assert sorted(bool(r["relationships"]) for r in api_rows) == [False, False, True, True]
