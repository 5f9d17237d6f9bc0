"""Reads of scorecards: which rounds a user may see, and what of a scorecard may be shown."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from partnerships.models import Agency, Project, User
from partnerships.selectors import partnerships_visible_to
from surveys.anonymity import OTHER_AGENCIES
from surveys.models import Round
from surveys.selectors import round_for_user, rounds_visible_to

__all__ = ["round_for_user", "rounds_visible_to"]  # one tenancy selector for rounds, shared

from .models import Action, ActionStatus, Export, InstrumentReliability, Scorecard

OTHER_AGENCIES_NAME = _("Other agencies")  # the pooled small groups of an anonymous round


def user_reads_reports(user: User) -> bool:
    """Officers and managers read scorecards; partners and users without a role do not."""
    return user.is_authenticated and user.is_reader


def latest_scorecard(rnd: Round) -> Scorecard | None:
    return Scorecard.objects.latest_of_round(rnd)


def instrument_reliability(instrument_id: int) -> InstrumentReliability | None:
    return InstrumentReliability.objects.filter(instrument_id=instrument_id).first()


def scorecard_for_display(scorecard: Scorecard, rnd: Round) -> dict[str, Any]:
    """The scorecard as readers get it (the API, the dashboards and the PDFs read through here).

    Agencies are stored by id; here each entry of `agencies` gets `agency_id` and the agency's
    current name in `agency`, and `label`, the key of each divergent item's `agency_means`.

    Anonymous rounds need nothing hidden here: the small-number rule is applied by the scoring
    itself (specification 1.1), so a stored scorecard holds only the groups that count, small
    groups pooled as "Other agencies" (`agency_id` None), and an anonymous round is stored only
    when it may be published (reports.services.publication).
    """
    # A shallow copy: the parts replaced below are rebuilt, never changed in place.
    data = dict(scorecard.data)
    data["computed_at"] = scorecard.computed_at
    agencies = data.get("agencies", [])
    ids = [int(a["agency"]) for a in agencies if a["agency"] != OTHER_AGENCIES]
    names = dict(Agency.objects.filter(pk__in=ids).values_list("pk", "name"))
    data["agencies"] = [_named_agency(a, names) for a in agencies]
    return data


def scorecard_for_partner(
    data: dict[str, Any], *, agency_id: int, anonymous: bool
) -> dict[str, Any]:
    """What of a displayed scorecard a partner of one agency may read: every figure of the whole
    partnership, and of the agencies only their own, and that only in an attributed round.

    An anonymous round shows a partner no agency at all, not even their own: a respondent who
    knows their own answers could take them out of their own group's figures."""
    own = [] if anonymous else [a for a in data.get("agencies", []) if a["agency_id"] == agency_id]
    labels = {a["label"] for a in own}
    items = [
        {**item, "agency_means": {k: v for k, v in item["agency_means"].items() if k in labels}}
        for item in data.get("divergent_items", [])
    ]
    return {**data, "agencies": own, "divergent_items": items}


def _named_agency(entry: dict[str, Any], names: dict[int, str]) -> dict[str, Any]:
    label = str(entry["agency"])
    if label == OTHER_AGENCIES:
        return {**entry, "agency_id": None, "agency": str(OTHER_AGENCIES_NAME), "label": label}
    agency_id = int(label)
    return {**entry, "agency_id": agency_id, "agency": names.get(agency_id, ""), "label": label}


def network_for_display(scorecard: Scorecard) -> dict[str, Any] | None:
    """The round's working-relationships network as readers get it (API, dashboard, PDF), or
    None when its questionnaire does not ask. Stored with the scorecard, so it is read under the
    scorecard's rules (an anonymous round's only once published, the groups that count only).

    Each node gets `agency_id` and the agency's current `name`; pairs name agencies by id.
    """
    if scorecard.network is None:
        return None
    network = scorecard.network
    ids = [int(node["agency"]) for node in network["nodes"]]
    names = dict(Agency.objects.filter(pk__in=ids).values_list("pk", "name"))
    return {
        "status": network["status"],
        "nodes": [
            {
                "agency_id": int(node["agency"]),
                "name": names.get(int(node["agency"]), ""),
                "degree": node["degree"],
                "normalised_degree": node["normalised_degree"],
                "isolated": node["isolated"],
            }
            for node in network["nodes"]
        ],
        "pairs": [{**pair, "a": int(pair["a"]), "b": int(pair["b"])} for pair in network["pairs"]],
        "density": network["density"],
        "mean_level": network["mean_level"],
        "centralization": network["centralization"],
        "n_nodes": network["n_nodes"],
        "n_raters": network["n_raters"],
        "computed_at": scorecard.computed_at,
    }


def export_readable_by(user: User, export: Export) -> bool:
    """May `user` read this export now? Only its requester, still a reader of the authority it
    was asked in, and only while their scope today still covers every partnership in it (a
    manager whose assignment narrowed loses a pack built from the wider one)."""
    if not (user_reads_reports(user) and user.is_active and export.requested_by_id == user.pk):
        return False
    if export.authority_id is None or export.authority_id != user.authority_id:
        return False
    if export.covers_partnerships is None:  # not built yet: it holds nothing
        return True
    visible = set(partnerships_visible_to(user).values_list("pk", flat=True))
    return set(export.covers_partnerships) <= visible


def export_for_user(user: User, pk: int) -> Export:
    """An export is only ever visible to the person who asked for it, within their scope today
    (export_readable_by); anything else is not found. It may have expired (`is_expired`)."""
    export = get_object_or_404(Export.objects.defer("content"), pk=pk, requested_by=user)
    if not export_readable_by(user, export):
        raise Http404
    return export


# --- Action plans -----------------------------------------------------------------------------
def actions_of_round(rnd: Round) -> QuerySet[Action]:
    return (
        Action.objects.filter(round=rnd)
        .select_related("lead_agency")
        .prefetch_related("updates")
        .order_by("due_on", "pk")
    )


def actions_of_project(project: Project) -> QuerySet[Action]:
    """A project's actions, round by round (the scores CSV)."""
    return (
        Action.objects.filter(round__project=project)
        .select_related("round", "lead_agency")
        .prefetch_related("updates")
        .order_by("round__opens_on", "round_id", "due_on", "pk")
    )


def action_for_user(user: User, pk: int) -> Action:
    """An action of a round the user may read; anything else is not found."""
    return get_object_or_404(
        Action.objects.select_related(
            "round__project__partnership", "round__instrument", "lead_agency"
        ).prefetch_related("updates"),
        pk=pk,
        round__in=rounds_visible_to(user),
    )


def overdue_actions(user: User, *, today: date | None = None) -> QuerySet[Action]:
    """Actions past their due date that are neither done nor dropped, in the user's scope."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return (
        Action.objects.filter(
            round__in=rounds_visible_to(user),
            due_on__lt=today,
            status__in=[ActionStatus.PLANNED, ActionStatus.UNDER_WAY],
        )
        .select_related("round__project__partnership", "lead_agency")
        .order_by("due_on", "pk")
    )
