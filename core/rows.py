"""Model instances from one hand-written, joined SELECT, for the few reads on every request.

Building a select_related query costs the ORM a millisecond or two of CPU before it reaches
the database, more than the database takes to answer it, and the respondent journey reads its
invitation on every request. Here the SQL is written once per process from the models' own
metadata (tables, columns, every concrete field in field order) and each row is turned into
instances with the same database converters the ORM applies (dates from SQLite, JSON, ...), so
the instances are the ones a queryset would give.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import Model

PREPARED = "_prepared_statements"  # on a database wrapper: the names its connection prepared


def columns(model: type[Model], alias: str, using: str = "default") -> str:
    """Every concrete column of ``model`` under the table alias, in field order."""
    quote = connections[using].ops.quote_name
    return ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)


def take(values: Iterator[Any], model: type[Model]) -> list[Any]:
    """The next values of a row that are ``model``'s columns (see columns)."""
    return [next(values) for _field in model._meta.concrete_fields]


@cache
def _converters(model: type[Model], vendor: str, using: str) -> tuple[tuple[int, tuple], ...]:
    connection = connections[using]
    found = []
    for position, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        chain = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if chain:
            found.append((position, (tuple(chain), column)))
    return tuple(found)


def instance(model: type[Model], values: Sequence[Any], using: str = "default") -> Model:
    """An instance from its columns' values as the database returned them (see columns)."""
    connection = connections[using]
    row = list(values)
    for position, (chain, column) in _converters(model, connection.vendor, using):
        value = row[position]
        for converter in chain:
            value = converter(value, column, connection)
        row[position] = value
    # Every concrete field has its value, so no field name is needed to place them.
    return model.from_db(using, (), row)


def execute(cursor: Any, sql: str, params: Sequence[Any]) -> None:
    """Run one of the few queries every request makes; on PostgreSQL as a statement prepared
    once per connection, because planning the joined read took longer than running it.

    The first use on a connection prepares and executes in one round trip (one query, as the
    suite's exact query counts see it). PREPARE outlives a rolled-back transaction, and a new
    connection starts with none (see _forget_prepared). ``sql`` has only %s placeholders. (A
    proxy pooling connections per transaction, such as PgBouncer's, would need its own
    prepared-statement support.)
    """
    database = cursor.db
    if database.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    name = "rows_" + hashlib.sha256(sql.encode()).hexdigest()[:20]
    marks = ", ".join(["%s"] * len(params))
    run = f"EXECUTE {name} ({marks})" if params else f"EXECUTE {name}"
    prepared: set[str] = database.__dict__.setdefault(PREPARED, set())
    if name in prepared:
        cursor.execute(run, params)
        return
    numbered = sql % tuple(f"${n}" for n in range(1, len(params) + 1))
    cursor.execute(f"PREPARE {name} AS {numbered}; {run}", params)
    prepared.add(name)


def _forget_prepared(sender: Any, connection: Any, **_kwargs: Any) -> None:
    connection.__dict__.pop(PREPARED, None)


connection_created.connect(_forget_prepared, dispatch_uid="core.rows.forget_prepared")
