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


def test_the_workshop_pack_builds_for_every_scored_demo_round(db, monkeypatch):
    import io

    import pypdf

    from reports.exports import EXPORT_WORKSHOP_PACK, export_build
    from reports.models import Export, Scorecard
    from surveys.models import Round

    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("seed_demo")
    officer = User.objects.get(username="officer")
    scored = Round.objects.filter(
        pk__in=Scorecard.objects.filter(status="ok").values("round_id")
    ).select_related("project")
    assert scored.filter(reporting_mode="anonymous").exists()  # the anonymous round too
    for rnd in scored:
        export = Export.objects.create(
            requested_by=officer,
            authority_id=officer.authority_id,
            kind=EXPORT_WORKSHOP_PACK,
            survey_round=rnd,
            covers_partnerships=[rnd.project.partnership_id],
        )
        built = export_build(export_id=export.pk)
        assert built.status == "done", rnd
        content = Export.objects.get(pk=export.pk).content
        assert content is not None
        reader = pypdf.PdfReader(io.BytesIO(bytes(content)))
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert "Action-planning sheet" in text and rnd.project.name in text
