"""python -m tests.perf.bench_reports: refuses anything but PostgreSQL; its data builders make
what they say, at a tiny size, on any database. The timings themselves run in make bench only."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection

from partnerships.models import LocalAuthority, Membership, Partnership, Project, User
from reports import scoring
from reports.exports import csv_lines, round_responses_rows
from reports.models import Scorecard
from surveys.models import Answer, Invitation, QuestionType, Response, Round
from tests.perf import bench_reports
from tests.perf import data as bench

LIKERT_ITEMS = 36
ANSWERS_PER_RESPONSE = LIKERT_ITEMS + 2  # and a ranking and a choice


def test_it_refuses_to_run_without_postgresql(db, monkeypatch, capsys):
    monkeypatch.setattr(connection, "vendor", "sqlite")

    assert bench_reports.main([]) == 1
    assert "CommandError: The reports benchmark needs PostgreSQL" in capsys.readouterr().err


def test_the_csv_round_has_every_answer_of_every_response(db):
    survey_round, n_answers = bench.csv_round_create(tag="t", n_responses=20, n_agencies=4)

    responses = Response.objects.filter(round=survey_round, submitted_at__isnull=False)
    assert responses.count() == 20
    # Each came through its own invitation, and the agencies take turns.
    assert Invitation.objects.filter(round=survey_round, response__isnull=False).count() == 20
    assert sorted(responses.values_list("agency__name", flat=True).distinct()) == [
        "Agency 01",
        "Agency 02",
        "Agency 03",
        "Agency 04",
    ]
    answers = Answer.objects.filter(response__round=survey_round)
    assert n_answers == answers.count() == 20 * ANSWERS_PER_RESPONSE
    assert answers.filter(question__type=QuestionType.LIKERT).count() == 20 * LIKERT_ITEMS
    assert not answers.filter(question__type=QuestionType.RANKING, ranking__isnull=True).exists()
    assert not answers.filter(question__type=QuestionType.CHOICE, choice="").exists()
    # Values stay on the scale; a "don't know" carries none, as the check constraint demands.
    values = answers.filter(dont_know=False, question__type=QuestionType.LIKERT)
    assert set(values.values_list("value", flat=True)) <= {1, 2, 3, 4, 5}
    assert not answers.filter(dont_know=True, value__isnull=False).exists()

    lines = list(csv_lines(round_responses_rows(survey_round)))
    assert len(lines) == 1 + 20


def test_the_dashboard_project_has_every_round_scored(db):
    project = bench.dashboard_project_create(
        tag="t", n_agencies=3, n_rounds=2, respondents_per_agency=2
    )

    assert project.partnership.memberships.count() == 3
    rounds = Round.objects.filter(project=project).order_by("opens_on")
    assert [r.title for r in rounds] == ["Round 1", "Round 2"]
    for survey_round in rounds:
        assert survey_round.responses.filter(submitted_at__isnull=False).count() == 3 * 2
        scorecard = Scorecard.objects.get(round=survey_round)
        assert scorecard.status == "ok"
        assert (scorecard.n_agencies, scorecard.n_respondents) == (3, 6)
        # Its questionnaire asks about working relationships: each respondent rated the two
        # other agencies of the round, so its dashboard draws the network map.
        assert survey_round.agencies_at_opening.count() == 3
        ratings = Answer.objects.filter(
            response__round=survey_round, question__type=QuestionType.RELATIONSHIPS
        ).values_list("response__agency_id", "relationships")
        assert len(ratings) == 6
        for rater, levels in ratings:
            assert levels is not None and len(levels) == 2 and str(rater) not in levels
            assert set(levels.values()) <= {None, 0, 1, 2, 3, 4, 5}
        network = scorecard.network
        assert network is not None and network["status"] == "ok"
        assert len(network["nodes"]) == 3


def test_the_overview_authority_has_a_scorecard_for_every_partnership(db):
    authority = bench.overview_authority_create(
        tag="t", n_partnerships=5, n_agencies=6, agencies_per_partnership=3
    )

    partnerships = Partnership.objects.filter(authority=authority)
    assert partnerships.count() == 5
    assert Membership.objects.filter(partnership__in=partnerships).count() == 5 * 3
    assert Project.objects.filter(partnership__in=partnerships).count() == 5
    rounds = Round.objects.filter(project__partnership__in=partnerships)
    assert rounds.count() == 5
    scorecards = Scorecard.objects.filter(round__in=rounds)
    assert scorecards.count() == 5
    # Only the first round was answered; the other scorecards are copies with their own index,
    # each in the band its index falls in.
    assert Response.objects.filter(round__in=rounds).count() == 3 * 3
    indexes = [s.index for s in scorecards]
    assert len(set(indexes)) == 5
    for s in scorecards:
        assert s.data["index"] == s.index
        assert s.band == scoring.band_for(s.index)


def test_its_manager_reads_the_overview_with_the_session_it_is_given(db, client):
    authority = bench.overview_authority_create(
        tag="t", n_partnerships=3, n_agencies=4, agencies_per_partnership=2
    )
    manager = User.objects.get(authority=authority)
    assert manager.sees_whole_authority and not manager.has_usable_password()

    client.cookies[settings.SESSION_COOKIE_NAME] = bench.session_cookie(manager)
    response = client.get("/overview/")

    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row">') == 3


def test_the_cleanup_removes_everything_it_made(db):
    tag = "t"
    survey_round, _n = bench.csv_round_create(tag=tag, n_responses=4, n_agencies=2)
    bench.overview_authority_create(
        tag=tag, n_partnerships=2, n_agencies=2, agencies_per_partnership=2
    )
    slugs = [f"bench-reports-{purpose}-{tag}" for purpose in ("csv", "overview")]
    key = bench.session_cookie(User.objects.get(authority__slug=slugs[0]))

    bench.tenants_delete(slugs, [key])

    assert not LocalAuthority.objects.filter(slug__in=slugs).exists()
    assert not Answer.objects.exists() and not Scorecard.objects.exists()
    assert not User.objects.exists()
    assert not Session.objects.filter(session_key=key).exists()
