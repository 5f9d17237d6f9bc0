"""core.rows: hand-written reads for the queries every request makes."""

from __future__ import annotations

from django.db import connection, connections, transaction

from core import rows
from partnerships.models import LocalAuthority

SQL = (
    f"SELECT {rows.columns(LocalAuthority, 'a')} "  # noqa: S608
    f'FROM {connection.ops.quote_name(LocalAuthority._meta.db_table)} a WHERE a."id" = %s'
)


def _prepared_here() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def _read(pk: int) -> LocalAuthority | None:
    with connection.cursor() as cursor:
        rows.execute(cursor, SQL, [pk])
        row = cursor.fetchone()
    return None if row is None else rows.instance(LocalAuthority, row)  # type: ignore[return-value]


def test_a_hot_read_gives_what_the_orm_gives_each_time_and_after_a_reconnection(
    db, django_assert_num_queries
):
    north = LocalAuthority.objects.create(name="Northshire", slug="northshire")
    south = LocalAuthority.objects.create(name="Southshire", slug="southshire")
    before = _prepared_here() if connection.vendor == "postgresql" else set()
    for authority in (north, south, north):
        with django_assert_num_queries(1):  # preparing costs no round trip of its own
            read = _read(authority.pk)
        assert read is not None
        assert (read.pk, read.name, read.slug) == (authority.pk, authority.name, authority.slug)
    assert _read(north.pk + south.pk + 1000) is None
    if connection.vendor == "postgresql":
        # Prepared once on this connection, and still there after a rolled-back transaction.
        with transaction.atomic():
            _read(south.pk)
            transaction.set_rollback(True)
        new = _prepared_here() - before
        assert len(new) == 1 and new <= connections["default"].__dict__[rows.PREPARED]
        assert _read(south.pk).name == "Southshire"  # type: ignore[union-attr]


def test_a_new_connection_prepares_again(transactional_db):
    authority = LocalAuthority.objects.create(name="Westshire", slug="westshire")
    assert _read(authority.pk).slug == "westshire"  # type: ignore[union-attr]
    connection.close()
    # A new session has no prepared statements: reading again must prepare it again.
    assert _read(authority.pk).slug == "westshire"  # type: ignore[union-attr]
    if connection.vendor == "postgresql":
        assert any(n.startswith("rows_") for n in _prepared_here())
