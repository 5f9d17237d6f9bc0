from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from reports.instrument_loader import (
    INSTRUMENTS_DIR,
    InstrumentDefinitionError,
    InstrumentLockedError,
    instrument_load,
)
from surveys.models import Instrument, Question
from tests import factories

DEFAULT = INSTRUMENTS_DIR / "default_v1.yaml"


def _definition() -> dict:
    return yaml.safe_load(DEFAULT.read_text())


def _write(tmp_path: Path, data: dict, name: str = "q.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_the_default_questionnaire_covers_the_model(db):
    instrument = factories.default_instrument()
    questions = list(instrument.questions.all())
    for dimension in ("aims", "outcomes", "client_focus", "information", "awareness", "structure"):
        items = [q for q in questions if q.dimension == dimension]
        assert len(items) >= 5, dimension
        assert any(q.reverse for q in items), dimension
    (ranking,) = [q for q in questions if q.type == "ranking"]
    assert 6 <= len(ranking.options) <= 9
    assert sum(o["participant_defined"] for o in ranking.options) == 1
    assert 2 <= sum(q.type == "text" for q in questions) <= 3
    assert abs(sum(instrument.weights.values()) - 1) < 1e-9
    assert set(instrument.guidance) >= {"aims", "structure", "kendall_w", "client_priority"}


def test_loading_twice_changes_nothing(db, capsys):
    call_command("load_instrument")
    first = list(Question.objects.values_list("pk", flat=True))
    call_command("load_instrument")
    assert list(Question.objects.values_list("pk", flat=True)) == first
    assert "unchanged" in capsys.readouterr().out


def test_a_version_with_responses_can_never_change(cast, tmp_path):
    rnd = factories.survey_round(cast.project)
    factories.submitted_response(rnd, cast.agency)
    data = _definition()
    data["sections"][1]["questions"][0]["text"] = "A reworded statement."
    with pytest.raises(InstrumentLockedError):
        instrument_load(path=_write(tmp_path, data))
    stored = Question.objects.get(code="aims_1", instrument=rnd.instrument)
    assert stored.text != "A reworded statement."


def test_a_file_changed_only_in_comments_and_layout_loads_as_unchanged(cast, tmp_path):
    rnd = factories.survey_round(cast.project)
    factories.submitted_response(rnd, cast.agency)
    first = list(Question.objects.values_list("pk", flat=True))
    path = tmp_path / "q.yaml"
    path.write_text("# A new comment.\n" + yaml.safe_dump(_definition(), sort_keys=True))

    instrument, outcome = instrument_load(path=path)

    assert outcome == "unchanged"
    assert list(Question.objects.values_list("pk", flat=True)) == first
    assert instrument_load(path=path)[1] == "unchanged"  # and its new digest is kept


def test_moving_a_question_to_another_section_is_a_change(cast, tmp_path):
    rnd = factories.survey_round(cast.project)
    factories.submitted_response(rnd, cast.agency)
    data = _definition()
    moved = data["sections"][2]["questions"].pop(0)
    data["sections"][1]["questions"].append(moved)  # same global order, another section
    with pytest.raises(InstrumentLockedError):
        instrument_load(path=_write(tmp_path, data))


def test_a_changed_questionnaire_is_a_new_version(cast, tmp_path):
    rnd = factories.survey_round(cast.project)
    factories.submitted_response(rnd, cast.agency)
    data = _definition()
    versions_before = Instrument.objects.count()
    data["version"] = 99
    data["sections"][1]["questions"][0]["text"] = "A reworded statement."
    instrument, outcome = instrument_load(path=_write(tmp_path, data))
    assert outcome == "created"
    assert Instrument.objects.count() == versions_before + 1
    assert instrument.questions.get(code="aims_1").text == "A reworded statement."


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["weights"].update(aims=0.5), "sum"),
        (lambda d: d["sections"][1]["questions"].__delitem__(slice(4, None)), "at least 5"),
        (lambda d: [q.update(reverse=False) for q in d["sections"][2]["questions"]], "reverse"),
        (
            lambda d: [
                o.update(participant_defined=False)
                for o in d["sections"][7]["questions"][0]["options"]
            ],
            "participant",
        ),
        (lambda d: d["sections"][7]["questions"][0]["options"].__delitem__(slice(5)), "6 to 9"),
        (lambda d: d["sections"][1]["questions"][1].update(code="aims_1"), "repeated"),
    ],
)
def test_it_refuses_a_definition_that_breaks_the_model(db, tmp_path, change, message):
    data = _definition()
    change(data)
    with pytest.raises(InstrumentDefinitionError, match=message):
        instrument_load(path=_write(tmp_path, data))
    assert not Instrument.objects.exists()
