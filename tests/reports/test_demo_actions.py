"""The demo: Back on Track's follow-up dashboard shows the baseline's actions, measured."""

from __future__ import annotations

from django.core.management import call_command
from django.urls import reverse

from partnerships.models import Project, User
from reports.models import Action


def test_the_follow_up_dashboard_shows_the_baselines_actions_with_their_change(
    client, db, monkeypatch
):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: the actions are created once
    assert Action.objects.count() == 3
    project = Project.objects.get(name="Back on Track")
    client.force_login(User.objects.get(username="manager"))
    response = client.get(reverse("reports:project_dashboard", args=[project.pk]))
    block = response.context["actions"]
    assert block.current.title == "Follow-up, autumn 2026"
    assert block.previous.title == "Baseline, spring 2026"
    rows = {row.action.component: row for row in block.previous_actions}
    assert set(rows) == {"client_focus", "outcomes", "structure"}
    assert {row.action.status for row in rows.values()} == {"done", "under_way", "dropped"}
    # The demo's follow-up answers sit about a point higher on every dimension.
    for row in rows.values():
        assert row.change is not None and row.change.new > row.change.previous
        assert row.change.interval is not None
    assert rows["client_focus"].change.verdict == "improved"
    assert "Actions after Baseline, spring 2026, and what changed" in response.content.decode()
