"""Demo action plans (seed_demo): actions recorded after Back on Track's baseline round, so the
follow-up round's dashboard shows them beside their measured change."""

from __future__ import annotations

import datetime as dt

from partnerships.models import LocalAuthority, User
from surveys.models import Round

from .models import Action
from .services.actions import action_create, action_status_change, member_agencies

DEMO_PROJECT = "Back on Track"
# (component, what will be done, lead agency's type, days after the round opened, statuses)
DEMO_ACTIONS = [
    (
        "client_focus",
        "Set up a young people's forum that meets before each partnership meeting and sends "
        "two members to it.",
        "youth_service",
        60,
        [
            ("under_way", "First forum held; eight young people came."),
            ("done", "Forum meets monthly."),
        ],
    ),
    (
        "outcomes",
        "Agree four shared measures, led by the goals young people set in their action plans.",
        "careers",
        90,
        [("under_way", "Draft measures circulated to every agency.")],
    ),
    (
        "structure",
        "Write down the partnership's roles and decisions, and name a deputy for every lead.",
        "school",
        45,
        [("dropped", "Replaced by the council's new partnership agreement template.")],
    ),
]


def seed_demo_actions(*, authority: LocalAuthority, officer: User) -> int:
    """Create the demo actions once (nothing when the baseline round already has actions)."""
    baseline = (
        Round.objects.filter(project__partnership__authority=authority, project__name=DEMO_PROJECT)
        .select_related("project__partnership__authority", "instrument")
        .order_by("opens_on", "pk")
        .first()
    )
    if baseline is None or Action.objects.filter(round=baseline).exists():
        return 0
    agencies = member_agencies(baseline)
    created = 0
    for component, description, agency_type, days, statuses in DEMO_ACTIONS:
        lead = next((a for a in agencies if a.agency_type == agency_type), agencies[0])
        action = action_create(
            actor=officer,
            survey_round=baseline,
            component=component,
            description=description,
            lead_agency_id=lead.pk,
            due_on=baseline.opens_on + dt.timedelta(days=days),
            note="Agreed at the partners' workshop after the baseline round.",
        )
        for status, note in statuses:
            action = action_status_change(actor=officer, action=action, status=status, note=note)
        created += 1
    return created
