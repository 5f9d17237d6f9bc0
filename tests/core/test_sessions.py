"""core.sessions: Django's database sessions, read with a hand-written statement."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.models import Session
from django.utils import timezone

from core.sessions import SessionStore


def test_it_reads_back_what_was_saved(db):
    store = SessionStore()
    store["answer"] = 42
    store.save()
    assert SessionStore(store.session_key)["answer"] == 42


def test_an_expired_session_is_not_read_and_its_key_is_dropped(db):
    store = SessionStore()
    store["answer"] = 42
    store.save()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.get("answer") is None
    assert expired.session_key is None  # as Django's store: a new key is made on saving


def test_an_unknown_key_reads_an_empty_session(db):
    assert dict(SessionStore("x" * 32).items()) == {}
