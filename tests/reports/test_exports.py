"""CSV exports: streamed, complete, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from reports.exports import safe_cell
from reports.services import round_score
from surveys.models import Answer, Question
from tests import factories


def _rows(response) -> list[list[str]]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_cells_that_a_spreadsheet_would_run_are_neutralised():
    for dangerous in ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("Plain words") == "Plain words"
    assert safe_cell(4) == 4


def test_raw_answers_have_one_row_per_submitted_response(client, cast):
    rnd = factories.survey_round(cast.project)
    first = factories.submitted_response(rnd, cast.agency, likert=5)
    factories.submitted_response(rnd, cast.agency, likert=2)
    text_question = Question.objects.get(instrument=rnd.instrument, code="works_well")
    Answer.objects.create(response=first, question=text_question, text='=HYPERLINK("x")')
    factories.invitation(rnd, cast.agency)  # invited, never answered: not a row
    client.force_login(cast.alice)
    response = client.get(reverse("reports:round_responses_csv", args=[rnd.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert "@example.org" not in "".join(",".join(r) for r in rows)  # no respondent's address
    header, data = rows[0], rows[1:]
    assert header[:4] == ["response", "agency", "submitted_at", "entered_on_paper"]
    assert "outcome_priorities.participant_needs" in header
    assert len(data) == 2
    by_id = {int(r[0]): dict(zip(header, r, strict=True)) for r in data}
    assert by_id[first.pk]["aims_1"] == "5"
    assert by_id[first.pk]["agency"] == "Northshire Youth Service"
    assert by_id[first.pk]["outcome_priorities.participant_needs"] == "1"
    assert by_id[first.pk]["works_well"] == '\'=HYPERLINK("x")'


def test_scores_have_one_row_per_scored_round(client, cast):
    rnd = factories.survey_round(cast.project, title="=cmd|' /C calc'!A0")
    factories.submitted_response(rnd, cast.agency)
    college = cast.partnership.memberships.get(agency__name="Northshire College").agency
    factories.submitted_response(rnd, college)
    round_score(round_id=rnd.pk)
    client.force_login(cast.mo)
    rows = _rows(client.get(reverse("reports:project_scores_csv", args=[cast.project.pk])))
    assert rows[0][:5] == ["round", "opens_on", "closes_on", "status", "index"]
    assert len(rows) == 2
    assert rows[1][0].startswith("'=")  # the round title cannot run as a formula
    assert rows[1][3] == "ok"
    assert 0 <= float(rows[1][4]) <= 100


def test_another_authority_cannot_export(client, cast):
    rnd = factories.survey_round(cast.project)
    client.force_login(cast.oscar)
    assert client.get(reverse("reports:round_responses_csv", args=[rnd.pk])).status_code == 404
    url = reverse("reports:project_scores_csv", args=[cast.project.pk])
    assert client.get(url).status_code == 404
