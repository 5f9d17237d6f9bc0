"""Reads of scorecards: which rounds a user may see, and what of a scorecard may be shown."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from partnerships.models import Agency, User
from surveys.anonymity import round_shows_group
from surveys.models import Round
from surveys.selectors import round_for_user, rounds_visible_to

__all__ = ["round_for_user", "rounds_visible_to"]  # one tenancy selector for rounds, shared

from .models import InstrumentReliability, Scorecard

# Partnership-level figures, blanked when an anonymous round has fewer than k respondents.
_PARTNERSHIP_FIGURES = ("index", "band", "interval", "kendall_w", "chi_square", "p_value")
_PARTNERSHIP_MAPS = ("dimensions", "components", "rwg")


def user_reads_reports(user: User) -> bool:
    """Officers and managers read scorecards; partners and users without a role do not."""
    return user.is_authenticated and user.is_reader


def latest_scorecard(rnd: Round) -> Scorecard | None:
    return Scorecard.objects.latest_of_round(rnd)


def instrument_reliability(instrument_id: int) -> InstrumentReliability | None:
    return InstrumentReliability.objects.filter(instrument_id=instrument_id).first()


def scorecard_for_display(scorecard: Scorecard, rnd: Round) -> dict[str, Any]:
    """The scorecard as it may be shown for this round: the one place the small-number rule
    is applied (the API and the dashboard both read through here).

    Agencies are stored by id; here each entry of `agencies` gets `agency_id` and the agency's
    current name in `agency`. The keys of each divergent item's `agency_means` stay agency ids
    (as strings), matching `agency_id`.

    Anonymous rounds show no group smaller than the round's k (min_group_size):
    * an agency with fewer than k respondents loses every agency-level figure: its entry in
      `agencies` and its mean in every divergent item;
    * with fewer than k respondents in the whole round, the partnership figures describe a group
      smaller than k too, so they are blanked and the status reads "insufficient".
    Attributed rounds show everything.
    """
    # A shallow copy: the parts replaced below are rebuilt, never changed in place.
    data = dict(scorecard.data)
    data["computed_at"] = scorecard.computed_at
    agencies = data.get("agencies", [])
    if rnd.is_anonymous:
        agencies = [a for a in agencies if round_shows_group(rnd, a["n_respondents"])]
        shown = {a["agency"] for a in agencies}
        data["divergent_items"] = [
            {
                **item,
                "agency_means": {
                    agency: mean for agency, mean in item["agency_means"].items() if agency in shown
                },
            }
            for item in data.get("divergent_items", [])
        ]
        if not round_shows_group(rnd, data.get("n_respondents", 0)):
            _blank_partnership_figures(data)
            agencies = []
    names = dict(
        Agency.objects.filter(pk__in=[int(a["agency"]) for a in agencies]).values_list("pk", "name")
    )
    data["agencies"] = [
        {**a, "agency_id": int(a["agency"]), "agency": names.get(int(a["agency"]), "")}
        for a in agencies
    ]
    return data


def _blank_partnership_figures(data: dict[str, Any]) -> None:
    data["status"] = "insufficient"
    data["uncertain"] = False
    data["client_priority"] = None
    for key in _PARTNERSHIP_FIGURES:
        data[key] = None
    for key in _PARTNERSHIP_MAPS:
        data[key] = dict.fromkeys(data.get(key, {}))
    data["divergent_items"] = []


def export_for_user(user: User, pk: int):
    """An export is only ever visible to the person who asked for it."""
    from .models import Export

    return get_object_or_404(Export.objects.defer("content"), pk=pk, requested_by=user)
