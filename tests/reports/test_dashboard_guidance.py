"""The dashboard's guidance is chosen for the partnership, and rwg(j) is shown per dimension."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.instrument_loader import (
    INSTRUMENTS_DIR,
    InstrumentDefinitionError,
    instrument_load,
    validate_definition,
)
from reports.services import round_score
from tests import factories
from tests.reports.test_dashboard_pages import (
    CONNECTED,
    DISCONNECTED,
    OWN_TARGET_ORDERS,
    _college,
    _likert,
    _section,
)


def version_two():
    return instrument_load(path=INSTRUMENTS_DIR / "default_v2.yaml")[0]


def _scored(cast, pole):
    rnd = factories.survey_round(cast.project, instrument=version_two())
    for n, agency in enumerate([cast.agency, _college(cast)]):
        ranking = OWN_TARGET_ORDERS[n] if pole == DISCONNECTED else None
        factories.submitted_response(
            rnd, agency, likert=_likert(pole, rnd.instrument), ranking=ranking
        )
    round_score(round_id=rnd.pk)
    return rnd


def _page(client, cast):
    client.force_login(cast.alice)
    return client.get(reverse("reports:project_dashboard", args=[cast.project.pk]))


def test_a_connected_partnership_is_told_what_keeps_it_strong(client, cast):
    _scored(cast, CONNECTED)
    response = _page(client, cast)
    d = response.context["d"]
    texts = version_two().guidance
    assert d.data["band"] == "connected"
    work = _section(response.content.decode(), "work")
    assert "What keeps the partnership strong, and what to watch" in work
    assert texts["overall"]["connected"].replace("'", "&#x27;") in work
    assert d.guidance.work_on == ()
    assert {a.kind for a in d.guidance.keep} == {"strong"}
    # The old fixed paragraph told every partnership it may be pulling in different directions.
    assert "pulling in different directions" not in work
    assert "What to work on" not in work


def test_a_disconnected_partnership_is_told_what_to_work_on(client, cast):
    _scored(cast, DISCONNECTED)
    response = _page(client, cast)
    d = response.context["d"]
    texts = version_two().guidance
    assert d.data["band"] == "disconnected"
    work = _section(response.content.decode(), "work")
    assert '<h2 id="h-work">What to work on</h2>' in work
    assert len(d.guidance.work_on) == 3
    # Both agencies answered at the same pole: they agree it is weak, so the advice is to act.
    assert {a.kind for a in d.guidance.work_on} == {"weak_agreed"}
    assert all(a.text == texts[a.component]["weak_agreed"] for a in d.guidance.work_on)
    assert "You agree this is weak: act" in work
    # Structure answered at the disconnected pole: high risk, in the box and in the guidance.
    assert d.structure_risk == "high"
    assert "First: the partnership's structures" in work


def test_agencies_that_answer_differently_are_told_to_talk_first(client, cast):
    rnd = factories.survey_round(cast.project, instrument=version_two())
    instrument = rnd.instrument
    factories.submitted_response(rnd, cast.agency, likert=_likert(CONNECTED, instrument))
    factories.submitted_response(rnd, _college(cast), likert=_likert(DISCONNECTED, instrument))
    round_score(round_id=rnd.pk)
    d = _page(client, cast).context["d"]
    # Each dimension averages 0.5 (one agency at each pole); the rankings agree, so the band
    # may be largely connected: the divided dimensions are then what to watch.
    kinds = {a.component: a.kind for a in (*d.guidance.work_on, *d.guidance.watch)}
    assert kinds and set(kinds.values()) <= {"disagree", "weak_agreed", "middling"}
    dimension_kinds = {c: k for c, k in kinds.items() if c not in ("kendall_w", "client_priority")}
    assert dimension_kinds and set(dimension_kinds.values()) == {"disagree"}


def test_rwg_is_shown_for_every_dimension_with_what_it_means(client, cast):
    _scored(cast, CONNECTED)
    response = _page(client, cast)
    section = _section(response.content.decode(), "agreement")
    d = response.context["d"]
    assert [code for code, *_rest in d.agreement] == [
        "aims", "outcomes", "client_focus", "information", "awareness", "structure",
    ]  # fmt: skip
    assert [value for _c, _l, value, _d in d.agreement] == [
        d.data["rwg"][code] for code, *_rest in d.agreement
    ]
    assert "1 means every agency gave the same answers" in section
    assert section.count("Agencies broadly agree") == 6


def test_the_pdf_scorecard_shows_rwg_and_the_chosen_guidance(client, cast):
    from tests.reports.test_pdf_exports import _text

    _scored(cast, CONNECTED)
    client.force_login(cast.mo)
    response = client.get(reverse("reports:project_scorecard_pdf", args=[cast.project.pk]))
    _pages, text = _text(response.content)
    assert "How far agencies agree within each dimension" in text
    assert "What keeps it strong" in text


def test_version_one_keeps_its_flat_guidance_and_gets_the_default_thresholds(db):
    v1 = factories.default_instrument()
    assert v1.thresholds == {}
    assert all(isinstance(text, str) for text in v1.guidance.values())


@pytest.mark.parametrize(
    "thresholds", [{"weak": 0.9, "strong": 0.5}, {"structure_high_risk": "low"}, {"other": 1}]
)
def test_the_loader_refuses_thresholds_that_cannot_work(thresholds):
    import yaml

    data = yaml.safe_load((INSTRUMENTS_DIR / "default_v2.yaml").read_text())
    data["thresholds"] = thresholds
    with pytest.raises(InstrumentDefinitionError):
        validate_definition(data)
