"""Choosing the guidance a partnership gets from its scorecard (pure: no Django).

The texts and thresholds come from the questionnaire file (`guidance:` and `thresholds:`);
this module only decides which text applies. Every section that judges a level (what to work
on, the sustainability box, the workshop pack) asks here, so one set of thresholds holds.

A component is *weak* below ``weak``, *strong* at or above ``strong``, *middling* between. The
partners *disagree* on a dimension when its rwg(j) is below ``agreement_rwg`` or one of its
items is a discussion point whose agency averages differ by at least ``divergence_range``
points: then the advice is to talk first, whatever the level. Agreement on priorities (W) and
young people's priorities (P) have no within-dimension agreement and are judged by level only.

A partnership in a connected band is told what keeps it strong and what to watch; the others
what to work on (the weakest first, at most ``shown``), with one strength to build on. Structure
(not in the index) is a risk: high below ``structure_high_risk``, low at or above
``structure_low_risk``, some in between; any risk adds its guidance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import INDEX_COMPONENTS, INDEX_DIMENSIONS

DEFAULT_THRESHOLDS: dict[str, float] = {
    "weak": 0.4,
    "strong": 0.7,
    "agreement_rwg": 0.7,
    "divergence_range": 2.0,
    "structure_high_risk": 0.4,
    "structure_low_risk": 0.6,
    "shown": 3,
}
STRONG_BANDS = ("largely_connected", "connected")

# What each kind of advice is called in the questionnaire file's guidance mapping.
WEAK_AGREED = "weak_agreed"  # you agree this is weak: act
DISAGREE = "disagree"  # you see this differently: talk first
MIDDLING = "middling"  # fair, room to grow
STRONG = "strong"  # keep doing what works
RISK_KINDS = {"high": "high_risk", "some": "some_risk", "low": "low_risk"}


class GuidanceError(ValueError):
    """Thresholds that cannot be used (the questionnaire loader refuses them)."""


def thresholds_from(values: Mapping[str, Any] | None) -> dict[str, float]:
    """The questionnaire's thresholds over the defaults (a version without them gets these)."""
    merged = {**DEFAULT_THRESHOLDS, **(values or {})}
    unknown = set(merged) - set(DEFAULT_THRESHOLDS)
    if unknown:
        raise GuidanceError(f"unknown thresholds: {', '.join(sorted(unknown))}")
    for name, value in merged.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise GuidanceError(f"threshold {name} must be a number, got {value!r}")
    if not 0 <= merged["weak"] < merged["strong"] <= 1:
        raise GuidanceError("thresholds need 0 <= weak < strong <= 1")
    if not 0 <= merged["structure_high_risk"] < merged["structure_low_risk"] <= 1:
        raise GuidanceError("thresholds need 0 <= structure_high_risk < structure_low_risk <= 1")
    if not 0 <= merged["agreement_rwg"] <= 1 or not 0 < merged["divergence_range"] <= 4:
        raise GuidanceError("agreement_rwg must be in [0, 1] and divergence_range in (0, 4]")
    if int(merged["shown"]) != merged["shown"] or merged["shown"] < 1:
        raise GuidanceError("shown must be a whole number of at least 1")
    return {name: float(value) for name, value in merged.items()}


def level_of(value: float, thresholds: Mapping[str, float]) -> str:
    if value < thresholds["weak"]:
        return "weak"
    return "strong" if value >= thresholds["strong"] else "middling"


def structure_risk(value: float | None, thresholds: Mapping[str, float]) -> str | None:
    """ "high", "some" or "low"; None without a structure score."""
    if value is None:
        return None
    if value < thresholds["structure_high_risk"]:
        return "high"
    return "low" if value >= thresholds["structure_low_risk"] else "some"


@dataclass(frozen=True)
class Advice:
    component: str
    kind: str  # weak_agreed, disagree, middling, strong, high_risk, some_risk, low_risk
    value: float
    text: str | None  # None when the questionnaire has no text for this kind (version 1)


@dataclass(frozen=True)
class Guidance:
    strong_partnership: bool
    opening: str | None  # the band's sentence, when the questionnaire has one
    work_on: tuple[Advice, ...] = ()  # the weakest first (not a strong partnership)
    keep: tuple[Advice, ...] = ()  # what keeps it strong / a strength to build on
    watch: tuple[Advice, ...] = ()  # a strong partnership's weaker spots
    risk: Advice | None = None  # structure, when at risk (or low risk in a strong one)
    disagreed: tuple[str, ...] = field(default=())  # dimensions the partners see differently


def disagreed_dimensions(
    rwg: Mapping[str, float | None],
    divergent_items: Sequence[Mapping[str, Any]],
    thresholds: Mapping[str, float],
) -> tuple[str, ...]:
    """The dimensions whose agencies disagree: low rwg(j) or a widely split item."""
    split = {
        item["dimension"]
        for item in divergent_items
        if (item.get("range") or 0) >= thresholds["divergence_range"]
    }
    low = {d for d, v in rwg.items() if v is not None and v < thresholds["agreement_rwg"]}
    return tuple(d for d in (*INDEX_DIMENSIONS, "structure") if d in split | low)


def _text(texts: Mapping[str, Any], component: str, kind: str) -> str | None:
    """A text from the questionnaire: `component: {kind: text}` (version 2), or version 1's
    one flat text per component, which served as the advice for anything short of strong."""
    entry = texts.get(component)
    if isinstance(entry, Mapping):
        value = entry.get(kind)
        return value if isinstance(value, str) and value else None
    if isinstance(entry, str) and kind not in (STRONG, RISK_KINDS["low"]):
        return entry
    return None


def choose_guidance(
    *,
    components: Mapping[str, float | None],
    structure: float | None,
    band: str | None,
    rwg: Mapping[str, float | None],
    divergent_items: Sequence[Mapping[str, Any]],
    texts: Mapping[str, Any],
    thresholds: Mapping[str, float],
) -> Guidance:
    disagreed = disagreed_dimensions(rwg, divergent_items, thresholds)
    scored = sorted(
        (value, code) for code in INDEX_COMPONENTS if (value := components.get(code)) is not None
    )

    def advice(code: str, value: float) -> Advice:
        level = level_of(value, thresholds)
        if code in disagreed and level != "strong":
            kind = DISAGREE
        else:
            kind = {"weak": WEAK_AGREED, "middling": MIDDLING, "strong": STRONG}[level]
        return Advice(code, kind, value, _text(texts, code, kind))

    strong_partnership = band in STRONG_BANDS
    shown = int(thresholds["shown"])
    strengths = [advice(c, v) for v, c in reversed(scored) if v >= thresholds["strong"]]
    weaker = [advice(c, v) for v, c in scored if v < thresholds["strong"]]
    # Divided strong components are worth watching even in a strong partnership.
    divided_strong = [
        Advice(c, DISAGREE, v, _text(texts, c, DISAGREE))
        for v, c in scored
        if v >= thresholds["strong"] and c in disagreed
    ]
    risk_level = structure_risk(structure, thresholds)
    risk = None
    # A risk is always named; low risk only to a strong partnership, as part of what keeps it so.
    if (
        structure is not None
        and risk_level is not None
        and (risk_level != "low" or strong_partnership)
    ):
        kind = RISK_KINDS[risk_level]
        risk = Advice("structure", kind, structure, _text(texts, "structure", kind))
    overall = texts.get("overall")
    opening = None
    if isinstance(overall, Mapping) and band is not None:
        value = overall.get(band)
        opening = value if isinstance(value, str) and value else None
    if strong_partnership:
        return Guidance(
            strong_partnership=True,
            opening=opening,
            keep=tuple(strengths[:shown]),
            watch=tuple((weaker + divided_strong)[:2]),
            risk=risk,
            disagreed=disagreed,
        )
    # Weak before middling, and within each the lowest first ("scored" is sorted by value).
    return Guidance(
        strong_partnership=False,
        opening=opening,
        work_on=tuple(weaker[:shown]),
        keep=tuple(strengths[:1]),
        risk=risk,
        disagreed=disagreed,
    )
