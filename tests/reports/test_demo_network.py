"""The demo's rounds answer the working-relationships section: Back on Track's map shows one
isolated agency and one mismatch, so a newcomer sees a meaningful map."""

from __future__ import annotations

from django.core.management import call_command

from reports.models import Scorecard
from reports.selectors import network_for_display
from surveys.models import Round


def test_back_on_track_has_one_isolated_agency_and_one_mismatch(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("seed_demo")
    rounds = Round.objects.filter(project__name="Back on Track")
    assert rounds.count() == 2
    for survey_round in rounds:
        assert survey_round.instrument.version == 2
        scorecard = Scorecard.objects.latest_of_round(survey_round)
        assert scorecard is not None
        network = network_for_display(scorecard)
        assert network is not None and network["status"] == "ok"
        names = {node["agency_id"]: node["name"] for node in network["nodes"]}
        isolated = [node["name"] for node in network["nodes"] if node["isolated"]]
        assert isolated == ["Northshire Youth Offending Team"]
        mismatched = [{names[p["a"]], names[p["b"]]} for p in network["pairs"] if p["mismatch"]]
        assert mismatched == [{"Northshire Youth Service", "Northshire College"}]
        assert len(network["nodes"]) == 6 and network["density"] > 0
    # The other demo projects' closed rounds have a network too.
    for survey_round in Round.objects.exclude(project__name="Back on Track"):
        scorecard = Scorecard.objects.latest_of_round(survey_round)
        if scorecard is not None and scorecard.status == "ok":
            assert scorecard.network is not None
