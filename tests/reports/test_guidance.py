"""Choosing guidance from a scorecard (pure): by level, agreement, band and structure risk."""

from __future__ import annotations

import pytest
import yaml

from reports.instrument_loader import INSTRUMENTS_DIR
from reports.scoring import guidance
from reports.scoring.guidance import choose_guidance, structure_risk, thresholds_from

V2 = yaml.safe_load((INSTRUMENTS_DIR / "default_v2.yaml").read_text())
V1 = yaml.safe_load((INSTRUMENTS_DIR / "default_v1.yaml").read_text())
THRESHOLDS = thresholds_from(V2["thresholds"])
AGREE = dict.fromkeys(("aims", "outcomes", "client_focus", "information", "awareness"), 0.95)


def _components(value: float, **others: float) -> dict[str, float]:
    codes = ("aims", "outcomes", "client_focus", "information", "awareness", "kendall_w")
    return {**dict.fromkeys(codes, value), "client_priority": value, **others}


def _choose(components, *, band, structure=0.8, rwg=AGREE, divergent=(), texts=None):
    return choose_guidance(
        components=components,
        structure=structure,
        band=band,
        rwg=rwg,
        divergent_items=list(divergent),
        texts=V2["guidance"] if texts is None else texts,
        thresholds=THRESHOLDS,
    )


def test_the_instrument_names_the_thresholds_every_section_uses():
    assert THRESHOLDS["structure_high_risk"] == 0.4
    assert THRESHOLDS["structure_low_risk"] == 0.6
    # One rule for the sustainability box and the guidance: 0.45 is "some risk" in both.
    assert structure_risk(0.45, THRESHOLDS) == "some"
    assert structure_risk(0.39, THRESHOLDS) == "high"
    assert structure_risk(0.6, THRESHOLDS) == "low"


def test_a_connected_partnership_is_told_what_keeps_it_strong_not_a_fault_list():
    chosen = _choose(_components(0.9, awareness=0.75), band="connected")
    assert chosen.strong_partnership
    assert chosen.work_on == ()
    assert [a.kind for a in chosen.keep] == ["strong"] * 3
    assert chosen.keep[0].text == V2["guidance"][chosen.keep[0].component]["strong"]
    assert chosen.watch == ()  # nothing below strong, nothing divided
    assert chosen.opening == V2["guidance"]["overall"]["connected"]
    # Structure is fine: it is named among the strengths (low risk), never as a fault.
    assert chosen.risk is not None and chosen.risk.kind == "low_risk"
    texts = [a.text for a in chosen.keep]
    assert not any("pulling in different directions" in (t or "") for t in texts)


def test_a_disconnected_partnership_that_agrees_it_is_weak_is_told_to_act():
    chosen = _choose(_components(0.1, client_focus=0.05, outcomes=0.08), band="disconnected")
    assert not chosen.strong_partnership
    assert [a.component for a in chosen.work_on] == ["client_focus", "outcomes", "aims"]
    assert {a.kind for a in chosen.work_on} == {"weak_agreed"}
    assert chosen.work_on[0].text == V2["guidance"]["client_focus"]["weak_agreed"]
    assert chosen.keep == ()  # no strength to build on


def test_partners_who_disagree_on_a_weak_dimension_are_told_to_talk_first():
    rwg = {**AGREE, "aims": 0.2}
    chosen = _choose(_components(0.3), band="largely_disconnected", rwg=rwg)
    aims = next(a for a in chosen.work_on if a.component == "aims")
    assert aims.kind == "disagree"
    assert aims.text == V2["guidance"]["aims"]["disagree"]
    assert "aims" in chosen.disagreed


def test_a_widely_split_discussion_point_counts_as_disagreement_even_with_a_high_rwg():
    split = [{"code": "info_1", "dimension": "information", "range": 3.0, "sd": 1.5}]
    narrow = [{"code": "info_1", "dimension": "information", "range": 1.0, "sd": 0.5}]
    assert "information" in _choose(_components(0.3), band="mixed", divergent=split).disagreed
    assert "information" not in _choose(_components(0.3), band="mixed", divergent=narrow).disagreed


def test_structure_risk_comes_first_whatever_the_band():
    chosen = _choose(_components(0.9), band="connected", structure=0.2)
    assert chosen.risk is not None and chosen.risk.kind == "high_risk"
    assert chosen.risk.text == V2["guidance"]["structure"]["high_risk"]
    some = _choose(_components(0.3), band="largely_disconnected", structure=0.5)
    assert some.risk is not None and some.risk.kind == "some_risk"
    low = _choose(_components(0.3), band="largely_disconnected", structure=0.7)
    assert low.risk is None  # a weak partnership is not distracted by what is fine


def test_a_strong_partnership_watches_its_weaker_and_divided_spots():
    rwg = {**AGREE, "awareness": 0.3}
    chosen = _choose(_components(0.85, outcomes=0.5), band="largely_connected", rwg=rwg)
    assert [(a.component, a.kind) for a in chosen.watch] == [
        ("outcomes", "middling"),
        ("awareness", "disagree"),
    ]


def test_version_one_flat_guidance_still_gives_its_text_for_weak_components():
    chosen = _choose(_components(0.1), band="disconnected", texts=V1["guidance"])
    assert [a.text for a in chosen.work_on] == [V1["guidance"][a.component] for a in chosen.work_on]
    strong = _choose(_components(0.9), band="connected", texts=V1["guidance"])
    # Version 1 has no text for a strength: none is invented (the page says it in its words).
    assert [a.text for a in strong.keep] == [None, None, None]
    assert strong.opening is None


def test_the_welsh_guidance_has_every_text_the_english_has():
    def keys(texts):
        return {(c, k) for c, kinds in texts.items() for k in kinds}

    assert keys(V2["guidance"]) == keys(V2["guidance_cy"])
    assert all(t for kinds in V2["guidance_cy"].values() for t in kinds.values())


@pytest.mark.parametrize(
    "values",
    [{"weak": 0.8, "strong": 0.7}, {"structure_low_risk": 0.2}, {"surprise": 1}, {"weak": "low"}],
)
def test_thresholds_that_cannot_work_are_refused(values):
    with pytest.raises(guidance.GuidanceError):
        thresholds_from(values)
