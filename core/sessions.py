"""The database session store, its one read on every signed-in request a prepared statement.

Django's store reads the session with a queryset the ORM builds afresh each time; here it is
core.rows's hand-written SELECT of the same row (a key that has not expired), prepared once per
connection on PostgreSQL. Writing, rotating and deleting sessions are Django's own.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from core import rows


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        model = self.model
        using = router.db_for_read(model)
        connection = connections[using]
        with connection.cursor() as cursor:
            rows.execute(
                cursor, _session_sql(connection.vendor, using), [self.session_key, timezone.now()]
            )
            found = cursor.fetchone()
        if found is None:  # as Django's store: no such session, or it has expired
            self._session_key = None
            return None
        return rows.instance(model, found, using)


@cache
def _session_sql(vendor: str, using: str) -> str:
    del vendor  # one text per database vendor: quoting differs
    model = SessionStore.get_model_class()
    q = connections[using].ops.quote_name
    # Identifiers from the model's metadata only; the two values are parameters.
    return (
        f"SELECT {rows.columns(model, 's', using)} FROM {q(model._meta.db_table)} s "  # noqa: S608  # nosec B608
        f"WHERE s.{q('session_key')} = %s AND s.{q('expire_date')} > %s"
    )
