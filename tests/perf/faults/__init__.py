"""Fault scenarios: `make faults` (``python -m tests.perf.faults``).

Each scenario breaks one thing under a running system and checks what the people using it see:
a Celery worker killed in the middle of a scoring task, the broker down while partners submit,
the database restarted under gunicorn, two officers saving the same partnership.

Nothing shared is touched: ``stack`` starts a private PostgreSQL cluster and a private Redis on
free ports of 127.0.0.1 in a temporary directory, then gunicorn and Celery workers pointed at
them; ``scenarios`` breaks and mends those. Everything started is stopped at the end.
"""
