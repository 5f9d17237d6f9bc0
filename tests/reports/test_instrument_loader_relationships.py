"""The loader and the working-relationships question: the levels are 0 to 5, each described,
asked at most once; version 1, which has none, still loads as it is stored."""

from __future__ import annotations

import pytest
import yaml

from reports.instrument_loader import (
    INSTRUMENTS_DIR,
    InstrumentDefinitionError,
    instrument_load,
    validate_definition,
)
from tests import factories

V2 = INSTRUMENTS_DIR / "default_v2.yaml"


def relationships_question(data: dict) -> dict:
    return data["sections"][-1]["questions"][0]


def test_version_two_asks_once_with_six_described_levels_in_both_languages():
    data = yaml.safe_load(V2.read_text())
    section = data["sections"][-1]
    assert section["code"] == "relationships" and section["title_cy"]
    question = relationships_question(data)
    assert question["type"] == "relationships" and question["text_cy"]
    assert [o["code"] for o in question["options"]] == ["0", "1", "2", "3", "4", "5"]
    assert all(
        o["description"] and o["description_cy"] and o["label_cy"] for o in question["options"]
    )
    validate_definition(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda q: q["options"].pop(), "the levels must be 0 to 5"),
        (lambda q: q["options"].reverse(), "the levels must be 0 to 5"),
        (
            lambda q: [q["options"][2].pop(key) for key in ("description", "description_cy")],
            "needs a label and a description",
        ),
    ],
)
def test_it_refuses_levels_that_are_not_the_scale(change, message):
    data = yaml.safe_load(V2.read_text())
    change(relationships_question(data))
    with pytest.raises(InstrumentDefinitionError, match=message):
        validate_definition(data)


def test_it_refuses_a_second_relationships_question():
    data = yaml.safe_load(V2.read_text())
    second = {**relationships_question(data), "code": "again"}
    data["sections"][-1]["questions"].append(second)
    with pytest.raises(InstrumentDefinitionError, match="only once"):
        validate_definition(data)


def test_version_one_with_responses_reloads_unchanged(cast):
    rnd = factories.survey_round(cast.project)
    factories.submitted_response(rnd, cast.agency)
    v1 = rnd.instrument
    v1.definition_sha256 = "changed layout"  # forces the comparison with what is stored
    v1.save()
    _instrument, outcome = instrument_load(path=INSTRUMENTS_DIR / "default_v1.yaml")
    assert outcome == "unchanged"
