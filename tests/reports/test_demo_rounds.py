from __future__ import annotations

from django.core.management import call_command

from reports.models import Scorecard
from surveys.models import Response, Round


def test_seed_demo_gives_every_project_a_scored_round_and_one_project_two(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: nothing is added the second time
    rounds = Round.objects.select_related("project")
    assert rounds.count() == 5
    assert rounds.filter(project__name="Back on Track").count() == 2
    closed = [r for r in rounds if not r.is_open()]
    assert len(closed) == 4
    for survey_round in closed:
        scorecard = Scorecard.objects.filter(round=survey_round).latest("computed_at")
        assert scorecard.status == "ok"
        assert scorecard.n_agencies >= 4
    assert Scorecard.objects.count() == 5
    # The open round has people still to answer, so its response rate is below 100%.
    open_round = next(r for r in rounds if r.is_open())
    assert Response.objects.filter(round=open_round, submitted_at__isnull=True).count() == 0
    assert open_round.invitations.count() > Response.objects.filter(round=open_round).count()
