"""`nothing_written()`: the proof that a refused request left the database as it found it.

A status code alone does not show that nothing was saved before the refusal (a row created and
then an error raised, an audit event recorded for a change that never happened). This compares
every row of every model of the three apps, all fields, before and after.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps

APPS = ("partnerships", "surveys", "reports")


def snapshot() -> dict[str, list[dict]]:
    rows = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            # Field names, not values(): a binary column would come back as a memoryview.
            fields = [f.attname for f in model._meta.concrete_fields]
            rows[model._meta.label] = [
                {name: _plain(value) for name, value in row.items()}
                for row in model._default_manager.order_by("pk").values(*fields)
            ]
    return rows


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


@contextmanager
def nothing_written() -> Iterator[None]:
    before = snapshot()
    yield
    after = snapshot()
    changed = [label for label in before if before[label] != after[label]]
    assert not changed, f"rows changed in: {', '.join(changed)}"
