"""The small-number rule of anonymous rounds, in one place.

An anonymous round promises that no figure describes fewer than k people (the round's
``min_group_size``). Every reader of a round (pages, CSV and PDF exports, the API, the overview,
the trend) asks these functions whether a group may be shown; attributed rounds show everything.
"""

from __future__ import annotations

from collections import Counter

from .models import Response, Round


def group_is_shown(*, anonymous: bool, k: int, n: int) -> bool:
    """May a figure about a group of n respondents be shown in a round with this rule?"""
    return not anonymous or n >= k


def round_shows_group(survey_round: Round, n: int) -> bool:
    """May this round show a figure about a group of n respondents?"""
    return group_is_shown(anonymous=survey_round.is_anonymous, k=survey_round.min_group_size, n=n)


def agencies_too_small(survey_round: Round) -> set[int]:
    """The agencies whose submitted responses in this round are too few to be shown."""
    if not survey_round.is_anonymous:
        return set()
    counts = Counter(
        Response.objects.filter(round=survey_round, submitted_at__isnull=False).values_list(
            "agency_id", flat=True
        )
    )
    return {agency for agency, n in counts.items() if not round_shows_group(survey_round, n)}
