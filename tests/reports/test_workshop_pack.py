"""The workshop pack: a PDF per scored round, built by a task with progress, tagged."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pypdf
from django.urls import reverse
from django.utils import timezone

from reports.models import Export
from reports.services import round_score
from reports.services.actions import action_create
from reports.workshop import PARTS, round_comments
from surveys.models import Answer, Question, QuestionType
from tests import factories
from tests.reports.test_dashboard_pages import CONNECTED, DISCONNECTED, _college, _likert

TODAY = timezone.localdate()


def _comment(response, code: str, text: str) -> None:
    question = Question.objects.get(instrument=response.round.instrument, code=code)
    Answer.objects.create(response=response, question=question, text=text)


def _round(cast, pole, *, days_ago, comments=()):
    rnd = factories.survey_round(
        cast.project,
        opens_on=TODAY - dt.timedelta(days=days_ago),
        closes_on=TODAY - dt.timedelta(days=days_ago - 14),
    )
    for n, agency in enumerate((cast.agency, _college(cast))):
        response = factories.submitted_response(rnd, agency, likert=_likert(pole, rnd.instrument))
        for code, text in comments[n : n + 1]:
            _comment(response, code, text)
    round_score(round_id=rnd.pk)
    return rnd


def cast_pdf(value: Any) -> Any:
    """The PDF catalogue as a plain mapping for the type checker (pypdf types it loosely)."""
    return value


def _pdf(content: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_workshop_pack_is_built_by_a_task_with_progress_and_holds_the_session(
    client, cast, django_capture_on_commit_callbacks
):
    first = _round(cast, DISCONNECTED, days_ago=200)
    action_create(
        actor=cast.alice,
        survey_round=first,
        component="client_focus",
        description="Start a young people's forum.",
        lead_agency_id=cast.agency.pk,
        due_on=first.opens_on + dt.timedelta(days=30),
    )
    second = _round(
        cast,
        CONNECTED,
        days_ago=20,
        comments=[("works_well", "Meeting the young people together"), ("one_change", "Zebra")],
    )
    client.force_login(cast.mo)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:workshop_pack_request", args=[second.pk]))
    export = Export.objects.get()
    assert response["Location"] == reverse("reports:export_detail", args=[export.pk])
    assert (export.kind, export.survey_round_id) == ("workshop_pack", second.pk)
    status = client.get(reverse("reports:export_status", args=[export.pk])).json()
    assert status["status"] == "done"
    assert status["progress"] == status["total"] == len(PARTS) + 1
    page = client.get(reverse("reports:export_detail", args=[export.pk])).content.decode()
    assert f"Workshop pack for {second.title}" in page
    reader, text = _pdf(client.get(status["download_url"]).content)
    for heading in (
        "Agenda for a two-hour session",
        "Where the partnership stands, in plain words",
        "Discussion points",
        "Who puts which outcome first",
        "What people wrote",
        "Meeting the young people together",
        "How far agencies agree within each dimension",
        f"Actions after {first.title}, and what changed",
        "Improved",
        "Action-planning sheet",
    ):
        assert heading in text, heading
    # Accessible: tagged, with a title and the document's language.
    root = cast_pdf(reader.trailer["/Root"])
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]).lower().startswith("en")
    assert reader.metadata is not None
    assert reader.metadata.title == f"Workshop pack: {cast.project.name}, {second.title}"


def test_an_unscored_round_has_no_workshop_pack(client, cast):
    rnd = factories.survey_round(cast.project)
    client.force_login(cast.alice)
    response = client.post(reverse("reports:workshop_pack_request", args=[rnd.pk]), follow=True)
    assert Export.objects.count() == 0
    assert "has no results yet" in response.content.decode()


def test_comments_follow_the_anonymity_rules(cast):
    health = factories.agency(cast.authority, "Northshire Health")
    factories.membership(cast.partnership, health)
    rnd = factories.survey_round(cast.project, reporting_mode="anonymous", min_group_size=2)
    texts = {cast.agency: ["b youth", "a youth"], health: ["health one", "health two"]}
    for agency, comments in [*texts.items(), (_college(cast), ["college alone"])]:
        for text in comments:
            response = factories.submitted_response(rnd, agency)
            _comment(response, "works_well", text)
    # Open: nothing yet (published at close).
    open_groups = round_comments(rnd)
    assert all(g["withheld"] and not g["comments"] for g in open_groups)
    factories.closed(rnd)
    works_well = next(g for g in round_comments(rnd) if g["comments"])
    # The college's single respondent is a small group below k: left out; the rest sorted.
    assert works_well["comments"] == ["a youth", "b youth", "health one", "health two"]
    assert {g["question"] for g in round_comments(rnd)} == set(
        Question.objects.filter(instrument=rnd.instrument, type=QuestionType.TEXT).values_list(
            "text", flat=True
        )
    )


def test_another_authoritys_officer_cannot_ask_for_the_pack(client, cast):
    rnd = _round(cast, CONNECTED, days_ago=20)
    client.force_login(cast.oscar)
    assert client.post(reverse("reports:workshop_pack_request", args=[rnd.pk])).status_code == 404
    assert Export.objects.count() == 0


def test_the_pack_has_a_page_for_the_network_with_its_prompts(cast):
    from reports.workshop import workshop_context, workshop_pack_html
    from tests.reports.test_network_api import answered_round

    youth = cast.agency
    college = _college(cast)
    school = factories.agency(cast.authority, "Northshire School")
    factories.membership(cast.partnership, school)
    rnd = factories.closed(answered_round(cast, (youth, college, school)))
    round_score(round_id=rnd.pk)
    parts: list[int] = []
    html = workshop_pack_html(user=cast.alice, survey_round=rnd, on_part=parts.append)
    assert parts == list(range(1, len(PARTS) + 1))
    page = html[html.index('<h2 id="w-network">') :]
    page = page[: page.index("</section>")]
    assert "network-matrix" in page and "<svg" in page
    # The youth service rates the college 4, the college rates it 1: a prompt for the session.
    assert college.name in page and "ask each what it sees" in page
    # A version 1 round asks nothing of working relationships: no page, nothing empty.
    old = _round(cast, CONNECTED, days_ago=20)
    assert workshop_context(cast.alice, old)["network"] is None
    html = workshop_pack_html(user=cast.alice, survey_round=old, on_part=lambda n: None)
    assert 'id="w-network"' not in html
