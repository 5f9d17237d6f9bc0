"""The issue's "done when": a script using only the API, with a token, sets up a partnership,
opens a round, enters responses for several agencies and reads the scorecard the dashboard
shows."""

from __future__ import annotations

from django.utils import timezone

from reports.presenters import dashboard_context
from tests.api import client_for

RANKING = [
    "participant_needs",
    "ete_participation",
    "reduce_offending",
    "reduce_teenage_pregnancy",
    "self_confidence",
    "healthy_lifestyles",
    "stable_housing",
    "agency_targets",
]


def test_a_script_runs_a_round_end_to_end(cast, django_capture_on_commit_callbacks):
    from tests import factories

    factories.default_instrument()  # loaded by `make run`, as on any installation
    api = client_for(cast.alice)

    def ok(response, status=200):
        assert response.status_code == status, response.content
        return response.json()

    agencies = [
        ok(api.post("/api/v1/agencies/", {"name": n, "agency_type": t}, format="json"), 201)
        for n, t in [
            ("Westshire Police", "police"),
            ("Westshire Health", "health"),
            ("Westshire Housing", "housing"),
        ]
    ]
    partnership = ok(
        api.post(
            "/api/v1/partnerships/", {"name": "West Start", "level": "operational"}, format="json"
        ),
        201,
    )
    for agency in agencies:
        ok(
            api.post(
                f"/api/v1/partnerships/{partnership['id']}/memberships/",
                {"agency": agency["id"]},
                format="json",
            ),
            201,
        )
    project = ok(
        api.post(
            "/api/v1/projects/",
            {"partnership": partnership["id"], "name": "Next Steps"},
            format="json",
        ),
        201,
    )
    instrument = ok(api.get("/api/v1/instruments/"))["results"][0]
    likert = [q["code"] for q in instrument["questions"] if q["type"] == "likert"]
    today = timezone.localdate()
    rnd = ok(
        api.post(
            "/api/v1/rounds/",
            {
                "project": project["id"],
                "instrument": instrument["id"],
                "title": "Autumn",
                "opens_on": str(today),
                "closes_on": str(today.replace(year=today.year + 1)),
                "reporting_mode": "attributed",
            },
            format="json",
        ),
        201,
    )
    for agency, value in zip(agencies, [5, 4, 2], strict=True):
        for _person in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                ok(
                    api.post(
                        f"/api/v1/rounds/{rnd['id']}/responses/",
                        {
                            "agency": agency["id"],
                            "answers": dict.fromkeys(likert, value),
                            "ranking": RANKING,
                        },
                        format="json",
                    ),
                    201,
                )

    assert ok(api.get(f"/api/v1/rounds/{rnd['id']}/responses/"))["count"] == 6
    scorecard = ok(api.get(f"/api/v1/rounds/{rnd['id']}/scorecard/"))
    assert scorecard["n_agencies"] == 3 and scorecard["n_respondents"] == 6
    dashboard = dashboard_context(cast.alice, project["id"])["d"]
    assert scorecard["index"] is not None
    assert scorecard["index"] == dashboard.data["index"]
    assert scorecard["band"] == dashboard.data["band"]
