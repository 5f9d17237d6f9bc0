"""Loading a questionnaire definition (YAML kept in surveys/instruments/) into the database.

It lives here, above surveys, because a definition is accepted only if the scoring engine can
score it: its dimensions, reverse-keyed items, ranking and weights are checked against
reports.scoring before any question is stored.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

import surveys
from surveys.models import Instrument, Question, QuestionType, Section

from . import scoring
from .scoring import guidance

INSTRUMENTS_DIR = Path(surveys.__file__).resolve().parent / "instruments"
LIKERT_DIMENSIONS = set(scoring.DIMENSIONS)


class InstrumentDefinitionError(ValueError):
    pass


class InstrumentLockedError(InstrumentDefinitionError):
    """The version already has responses, so its questions can never change."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise InstrumentDefinitionError(message)


# The keys whose text a respondent or reader sees, and the mappings of such texts: in a
# bilingual file each has a Welsh sibling, `text_cy` beside `text`, `components_cy` beside
# `components` (same keys). Any other key with a `_cy` sibling is held to the same rule.
TEXT_KEYS = frozenset(
    {"title", "description", "text", "help", "intro", "label", "intro_attributed",
     "intro_anonymous", "name", "summary", "prompt"}
)  # fmt: skip
TEXT_MAPPINGS = frozenset({"components", "guidance"})
WELSH = "_cy"


def is_bilingual(data: Any) -> bool:
    """Does the file carry Welsh anywhere (then it must carry it everywhere)?"""
    if isinstance(data, dict):
        return any(str(k).endswith(WELSH) or is_bilingual(v) for k, v in data.items())
    if isinstance(data, list):
        return any(is_bilingual(v) for v in data)
    return False


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{[a-z_]+\}", text))


def _same_shape(english: Any, welsh: Any, where: str) -> None:
    """A Welsh mapping (or text) with exactly the English one's keys and a text for each."""
    if isinstance(english, dict):
        _check(isinstance(welsh, dict), f"{where}: the Welsh must be a mapping like the English")
        missing, extra = sorted(set(english) - set(welsh)), sorted(set(welsh) - set(english))
        _check(
            not missing and not extra,
            f"{where}: Welsh keys differ from the English (missing {missing}, extra {extra})",
        )
        for key, value in english.items():
            _same_shape(value, welsh[key], f"{where}.{key}")
    elif isinstance(english, list):
        _check(
            isinstance(welsh, list) and len(welsh) == len(english),
            f"{where}: the Welsh list must have as many entries as the English",
        )
        for i, (e, w) in enumerate(zip(english, welsh, strict=True)):
            _same_shape(e, w, f"{where}[{i}]")
    elif isinstance(english, str):
        _check(isinstance(welsh, str), f"{where}: the Welsh must be a text")
        if english.strip():
            _check(bool(welsh.strip()), f"{where}: no Welsh text")
        _check(
            _placeholders(english) == _placeholders(welsh),
            f"{where}: the Welsh must keep the placeholders {_placeholders(english)}",
        )
    else:
        _check(english == welsh, f"{where}: a value that is not text must be the same in Welsh")


def validate_welsh(node: Any, where: str = "") -> None:
    """Every text of a bilingual file has its Welsh sibling, and no Welsh is left orphaned."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            validate_welsh(item, f"{where}[{i}]")
        return
    if not isinstance(node, dict):
        return
    label = f"{where}.{node['code']}" if "code" in node else where
    for key, value in node.items():
        key = str(key)
        if key.endswith(WELSH):
            english_key = key.removesuffix(WELSH)
            _check(english_key in node, f"{label}: {key} has no {english_key} beside it")
            continue
        translatable = key in TEXT_KEYS or key in TEXT_MAPPINGS or f"{key}{WELSH}" in node
        if translatable and isinstance(value, str | dict) and value:
            _check(
                f"{key}{WELSH}" in node, f"{label or 'top level'}: {key} has no Welsh ({key}_cy)"
            )
            _same_shape(value, node[f"{key}{WELSH}"], f"{label}.{key}_cy".lstrip("."))
        elif isinstance(value, dict | list):
            validate_welsh(value, f"{label}.{key}".lstrip("."))


def validate_definition(data: dict[str, Any]) -> None:
    """Refuse a definition the scoring engine or the respondent pages could not use."""
    for key in ("code", "version", "title", "weights", "sections"):
        _check(key in data, f"missing top-level key {key!r}")
    if is_bilingual(data):
        validate_welsh(data)
    codes: set[str] = set()
    likert: list[scoring.Item] = []
    ranking_options: list[scoring.RankingOption] = []
    n_rankings = 0
    n_relationships = 0
    for section in data["sections"]:
        _check(bool(section.get("questions")), f"section {section.get('code')!r} has no questions")
        for q in section["questions"]:
            code = q.get("code")
            _check(bool(code) and code not in codes, f"question code {code!r} missing or repeated")
            codes.add(code)
            _check(q.get("type") in QuestionType.values, f"{code}: unknown type {q.get('type')!r}")
            _check(bool(q.get("text")), f"{code}: no text")
            if q["type"] == QuestionType.LIKERT:
                _check(q.get("dimension") in LIKERT_DIMENSIONS, f"{code}: unknown dimension")
                likert.append(scoring.Item(code, q["dimension"], bool(q.get("reverse", False))))
            if q["type"] == QuestionType.RANKING:
                n_rankings += 1
                ranking_options = [
                    scoring.RankingOption(o["code"], bool(o.get("participant_defined", False)))
                    for o in q.get("options", [])
                ]
                _check(6 <= len(ranking_options) <= 9, f"{code}: a ranking needs 6 to 9 options")
            if q["type"] == QuestionType.CHOICE:
                _check(len(q.get("options", [])) >= 2, f"{code}: a choice needs options")
            if q["type"] == QuestionType.RELATIONSHIPS:
                n_relationships += 1
                levels = [str(o.get("code")) for o in q.get("options", [])]
                expected = [str(level) for level, _name in scoring.network.LEVELS]
                _check(levels == expected, f"{code}: the levels must be 0 to 5, in order")
                _check(
                    all(o.get("label") and o.get("description") for o in q["options"]),
                    f"{code}: every level needs a label and a description",
                )
    _check(n_relationships <= 1, "the questionnaire may ask about relationships only once")
    _check(n_rankings == 1, "the questionnaire needs exactly one ranking question")
    for dimension in scoring.DIMENSIONS:
        items = [i for i in likert if i.dimension == dimension]
        _check(len(items) >= 5, f"dimension {dimension} needs at least 5 items")
        _check(any(i.reverse for i in items), f"dimension {dimension} needs a reverse-keyed item")
    _check_guidance(data)
    try:
        scoring.Instrument(
            version=str(data["version"]),
            items=tuple(likert),
            ranking_options=tuple(ranking_options),
            weights=data["weights"],
        )
    except scoring.ScoringInputError as exc:
        raise InstrumentDefinitionError(str(exc)) from exc


def _check_guidance(data: dict[str, Any]) -> None:
    """Thresholds the guidance can use, and texts it can find: one text per component (version
    1's flat form) or a mapping of kinds of advice to texts (reports/scoring/guidance.py)."""
    try:
        guidance.thresholds_from(data.get("thresholds"))
    except guidance.GuidanceError as exc:
        raise InstrumentDefinitionError(str(exc)) from exc
    for key in ("guidance", "guidance_cy"):
        texts = data.get(key) or {}
        _check(isinstance(texts, dict), f"{key} must be a mapping")
        for name, entry in texts.items():
            ok = isinstance(entry, str) or (
                isinstance(entry, dict) and all(isinstance(t, str) for t in entry.values())
            )
            _check(ok, f"{key}.{name} must be a text or a mapping of texts")


def _instrument_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "description": data.get("description", ""),
        "weights": data["weights"],
        "components": data.get("components", {}),
        "guidance": data.get("guidance", {}),
        "thresholds": data.get("thresholds", {}),
        "intro_attributed": data.get("intro_attributed", ""),
        "intro_anonymous": data.get("intro_anonymous", ""),
        "title_cy": data.get("title_cy", ""),
        "description_cy": data.get("description_cy", ""),
        "components_cy": data.get("components_cy", {}),
        "guidance_cy": data.get("guidance_cy", {}),
        "intro_attributed_cy": data.get("intro_attributed_cy", ""),
        "intro_anonymous_cy": data.get("intro_anonymous_cy", ""),
    }


def _option(o: dict[str, Any]) -> dict[str, Any]:
    option = {
        "code": o["code"],
        "label": o["label"],
        "participant_defined": bool(o.get("participant_defined", False)),
    }
    if o.get("label_cy"):
        option["label_cy"] = o["label_cy"]
    # Only where the file has one (the levels of working relationships), so versions without
    # descriptions stay as stored.
    if "description" in o:
        option["description"] = o["description"]
    if o.get("description_cy"):
        option["description_cy"] = o["description_cy"]
    return option


def _sections(data: dict[str, Any]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each section's columns with its questions' columns, as they are stored."""
    rows = []
    position = 0
    for s_index, s in enumerate(data["sections"], start=1):
        questions = []
        for q in s["questions"]:
            position += 1
            questions.append(
                {
                    "position": position,
                    "code": q["code"],
                    "type": q["type"],
                    "dimension": q.get("dimension") or "",
                    "reverse": bool(q.get("reverse", False)),
                    "text": q["text"],
                    "help": q.get("help") or "",
                    "required": bool(q.get("required", False)),
                    "max_length": q.get("max_length"),
                    "text_cy": q.get("text_cy") or "",
                    "help_cy": q.get("help_cy") or "",
                    "options": [_option(o) for o in q.get("options", [])],
                }
            )
        section = {"position": s_index, "code": s["code"], "title": s["title"]}
        section["intro"] = s.get("intro", "")
        section["title_cy"] = s.get("title_cy", "")
        section["intro_cy"] = s.get("intro_cy", "")
        rows.append((section, questions))
    return rows


def _stored_as(instrument: Instrument, data: dict[str, Any]) -> bool:
    """Does the database hold exactly this definition (whatever comments the file has)?"""
    fields = _instrument_fields(data)
    if any(getattr(instrument, name) != value for name, value in fields.items()):
        return False
    expected = _sections(data)
    sections = [
        {
            "position": s.position,
            "code": s.code,
            "title": s.title,
            "intro": s.intro,
            "title_cy": s.title_cy,
            "intro_cy": s.intro_cy,
        }
        for s in instrument.sections.order_by("position")
    ]
    if sections != [section for section, _questions in expected]:
        return False
    wanted = [(section["code"], q) for section, questions in expected for q in questions]
    names = wanted[0][1].keys() if wanted else []
    stored = [
        (q.section.code, {name: getattr(q, name) for name in names})
        for q in instrument.questions.select_related("section").order_by("position")
    ]
    return stored == wanted


@transaction.atomic
def instrument_load(*, path: Path) -> tuple[Instrument, str]:
    """Create or refresh one instrument version from its file; returns it and what happened.

    A file that changed only in its comments or layout changes nothing: its new digest is kept.
    """
    raw = path.read_bytes()
    data = yaml.safe_load(raw)
    validate_definition(data)
    digest = hashlib.sha256(raw).hexdigest()
    existing = (
        Instrument.objects.select_for_update()
        .filter(code=data["code"], version=data["version"])
        .first()
    )
    if existing and existing.definition_sha256 == digest:
        return existing, "unchanged"
    if existing and _stored_as(existing, data):
        Instrument.objects.filter(pk=existing.pk).update(definition_sha256=digest)
        return existing, "unchanged"
    if existing and existing.rounds.filter(responses__isnull=False).exists():
        raise InstrumentLockedError(
            f"{existing.label} already has responses and cannot change; "
            "give the new questionnaire a new version number."
        )
    fields = {**_instrument_fields(data), "definition_sha256": digest}
    if existing:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        existing.questions.all().delete()
        existing.sections.all().delete()
        instrument, outcome = existing, "updated"
    else:
        instrument = Instrument.objects.create(code=data["code"], version=data["version"], **fields)
        outcome = "created"
    for section_fields, questions in _sections(data):
        section = Section.objects.create(instrument=instrument, **section_fields)
        Question.objects.bulk_create(
            Question(instrument=instrument, section=section, **question) for question in questions
        )
    return instrument, outcome


def instrument_load_all() -> list[tuple[Instrument, str]]:
    return [instrument_load(path=p) for p in sorted(INSTRUMENTS_DIR.glob("*.yaml"))]
