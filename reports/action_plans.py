"""Reads for action plans on the dashboards: this round's actions, and last round's beside the
measured change in the component each addressed (reports/scoring/change.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from surveys.models import Question, QuestionType, Round

from . import fragments
from .dashboards import ProjectDashboard, component_labels
from .models import Action, ActionStatus, Scorecard
from .scoring.change import Change, component_change


@dataclass
class ActionRow:
    action: Action
    component_label: str
    overdue: bool
    change: Change | None = None


@dataclass
class ActionsBlock:
    current: Round | None
    previous: Round | None
    actions: list[ActionRow] = field(default_factory=list)
    previous_actions: list[ActionRow] = field(default_factory=list)


def _previous_round(dashboard: ProjectDashboard) -> Round | None:
    rounds, current = dashboard.rounds, dashboard.current
    if current is None:
        return None
    position = next(i for i, r in enumerate(rounds) if r.pk == current.pk)
    return rounds[position - 1] if position > 0 else None


def _participant_option(instrument_id: int) -> str | None:
    ranking = (
        Question.objects.filter(instrument_id=instrument_id, type=QuestionType.RANKING)
        .only("options")
        .first()
    )
    for option in ranking.options if ranking else []:
        if option.get("participant_defined"):
            return option["code"]
    return None


def _value(data: dict[str, Any], component: str) -> float | None:
    if component == "structure":
        return (data.get("dimensions") or {}).get("structure")
    return (data.get("components") or {}).get(component)


def cached_actions_block(dashboard: ProjectDashboard) -> ActionsBlock:
    """actions_block, read again only when what it shows changed: the project's actions (when
    the last one changed and how many there are: every write saves the action), the rounds and
    their latest scorecards, the agencies (the lead agency's name) and the day (what is
    overdue). Every reader of the project sees the same actions."""
    return fragments.cached_value(
        "actions", actions_fingerprint(dashboard), lambda: actions_block(dashboard)
    )


def actions_fingerprint(dashboard: ProjectDashboard) -> tuple:
    """Everything actions_block is drawn from (see cached_actions_block), for a cache key."""
    current = dashboard.current
    return (
        dashboard.project.pk,
        current and (current.pk, current.instrument_id),
        [(r.pk, r.title) for r in dashboard.rounds],  # the headings name the rounds
        sorted(dashboard.latest_ids.items()),
        dashboard.agencies_stamp,
        dashboard.actions_stamp,
        timezone.localdate(),
    )


def actions_block(dashboard: ProjectDashboard) -> ActionsBlock:
    """In a constant number of queries: the actions of the shown and the previous round (two),
    and when the previous one has actions, both rounds' scorecards and the ranking's options."""
    current = dashboard.current
    previous = _previous_round(dashboard)
    block = ActionsBlock(current=current, previous=previous)
    if current is None:
        return block
    round_ids = [current.pk] + ([previous.pk] if previous else [])
    actions = list(
        Action.objects.filter(round_id__in=round_ids)
        .select_related("lead_agency")
        .prefetch_related("updates")
        .order_by("due_on", "pk")
    )
    today = timezone.localdate()

    def row(action: Action) -> ActionRow:
        # The labels are read only when there is an action to label.
        return ActionRow(
            action=action,
            component_label=component_labels(dashboard).get(action.component, action.component),
            overdue=action.is_open and action.due_on < today,
        )

    block.actions = [row(a) for a in actions if a.round_id == current.pk]
    block.previous_actions = [row(a) for a in actions if previous and a.round_id == previous.pk]
    if not block.previous_actions or previous is None:
        return block
    ids = [dashboard.latest_ids[r] for r in (previous.pk, current.pk) if r in dashboard.latest_ids]
    scorecards = {
        s.round_id: s.data for s in Scorecard.objects.filter(pk__in=ids).only("round", "data")
    }
    before, after = scorecards.get(previous.pk), scorecards.get(current.pk)
    # An anonymous round's scorecard is stored only once it may be shown, so both are readable.
    if before is None or after is None:
        return block
    participant = _participant_option(current.instrument_id)
    changes: dict[str, Change] = {}
    for entry in block.previous_actions:
        code = entry.action.component
        if code not in changes:
            changes[code] = component_change(
                before.get("agencies", []),
                after.get("agencies", []),
                code,
                previous=_value(before, code),
                new=_value(after, code),
                participant_option=participant,
            )
        entry.change = changes[code]
    return block


__all__ = ["ActionRow", "ActionStatus", "ActionsBlock", "actions_block", "cached_actions_block"]
