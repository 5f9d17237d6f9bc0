"""The small-number rule of anonymous rounds (specification 1.1), in one place.

An anonymous round promises each respondent that nobody can learn how they answered. In a round
with threshold k (``min_group_size``) an agency with fewer than k submitted respondents is a
*small group*. The small groups are pooled into one group, "Other agencies", which counts as one
agency when it has at least k respondents and is left out otherwise. Every figure of the round
is computed from the groups that count (reports.services applies these labels before the pure
scoring engine sees a respondent), and every raw-answer reader labels rows the same way.
Attributed rounds show every agency.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from typing import TypeVar

from .models import Response, Round

OTHER_AGENCIES = "other"  # the label of the pooled small groups (agency ids are integers)

Agency = TypeVar("Agency", bound=Hashable)  # however the caller names agencies (ids, codes)


# Each agency's label: the agency itself, OTHER_AGENCIES, or None: left out.
def group_labels(sizes: Mapping[Agency, int], k: int) -> dict[Agency, Agency | str | None]:
    """For each agency of an anonymous round (with its number of submitted respondents): the
    group it is counted in, or None when it is left out."""
    small = {agency for agency, n in sizes.items() if n < k}
    pooled = sum(sizes[agency] for agency in small)
    return {
        agency: (agency if agency not in small else (OTHER_AGENCIES if pooled >= k else None))
        for agency in sizes
    }


def round_group_labels(survey_round: Round) -> dict[int, int | str | None]:
    """Each agency with a submitted response in this round, and the group it is counted in."""
    sizes = Counter(
        Response.objects.filter(round=survey_round, submitted_at__isnull=False).values_list(
            "agency_id", flat=True
        )
    )
    if not survey_round.is_anonymous:
        return {agency: agency for agency in sizes}
    return group_labels(sizes, survey_round.min_group_size)


def group_is_shown(*, anonymous: bool, k: int, n: int) -> bool:
    """May a figure about a group of n respondents be shown in a round with this rule?"""
    return not anonymous or n >= k


def round_shows_group(survey_round: Round, n: int) -> bool:
    """May this round show a figure about a group of n respondents?"""
    return group_is_shown(anonymous=survey_round.is_anonymous, k=survey_round.min_group_size, n=n)
