"""A questionnaire version's sections and questions, read once per process.

Every page of the respondent journey needs its questionnaire's sections and questions, and
reading them took two queries and a few milliseconds on each request. A version never changes
once it has responses (the loader refuses), and any change the loader makes gives it a new
digest of its file, so its id and digest name its content: the structure is read once per
process and version, and a changed version is read afresh under its new digest. Saving or
deleting an instrument, section or question in this process empties the cache too (the loader
and the tests do that).

The instances are shared between requests: read them, never change them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models.signals import post_delete, post_save

from .models import Instrument, Question, Section

CACHED_VERSIONS = 16  # versions kept per process (a deployment runs two or three)


@dataclass(frozen=True)
class Structure:
    instrument: Instrument
    sections: tuple[Section, ...]  # by position
    questions: tuple[Question, ...]  # by position in the whole instrument
    _by_section: dict[int, tuple[Question, ...]] = field(repr=False)

    def section_questions(self, section: Section) -> list[Question]:
        return list(self._by_section.get(section.pk, ()))

    @cached_property
    def required(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.required)


_cache: dict[tuple[int, str], Structure] = {}
_lock = threading.Lock()


def instrument_structure(instrument_id: int, digest: str) -> Structure:
    """The structure of the version with this id, as it was when its file had ``digest``."""
    key = (instrument_id, digest)
    structure = _cache.get(key)
    if structure is None:
        structure = _read(instrument_id)
        with _lock:
            if len(_cache) >= CACHED_VERSIONS:
                _cache.clear()
            _cache[key] = structure
    return structure


def _read(instrument_id: int) -> Structure:
    instrument = Instrument.objects.get(pk=instrument_id)
    sections = tuple(Section.objects.filter(instrument_id=instrument_id).order_by("position"))
    by_pk = {s.pk: s for s in sections}
    questions = tuple(Question.objects.filter(instrument_id=instrument_id).order_by("position"))
    by_section: dict[int, list[Question]] = {s.pk: [] for s in sections}
    for question in questions:
        question.section = by_pk[question.section_id]  # no query when a page names its section
        by_section[question.section_id].append(question)
    return Structure(
        instrument=instrument,
        sections=sections,
        questions=questions,
        _by_section={pk: tuple(qs) for pk, qs in by_section.items()},
    )


def structure_cache_clear(**_kwargs: object) -> None:
    with _lock:
        _cache.clear()


def connect_signals() -> None:
    """Called by the app's ready(): a version saved or deleted in this process is read afresh."""
    for model in (Instrument, Section, Question):
        post_save.connect(structure_cache_clear, sender=model, dispatch_uid=f"structure-{model}")
        post_delete.connect(structure_cache_clear, sender=model, dispatch_uid=f"structure-{model}")
