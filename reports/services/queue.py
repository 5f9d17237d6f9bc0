"""The coalescing behind every "do this soon" of the reports app (scoring a round, refreshing an
instrument's reliability): many requests, one queued task."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import QuerySet

logger = logging.getLogger(__name__)


def enqueue_once(
    flagged: QuerySet[Any], *, flag: str, task: Any, task_arg: int, delay: float, what: str
) -> None:
    # The conditional UPDATE is the coalescing: of all concurrent callers, exactly one sees the
    # flag False and flips it; the others know a task that has not started yet will read what
    # they committed too.
    if not flagged.filter(**{flag: False}).update(**{flag: True}):
        return
    try:
        task.apply_async(args=[task_arg], countdown=delay)
    except Exception:
        # Broker down (or, with eager tasks, the task itself failed). Clear the flag so the next
        # request tries again; score_stale_rounds catches up meanwhile.
        flagged.update(**{flag: False})
        logger.warning("Could not queue %s", what, exc_info=True)
