"""What the surveys app tells the apps above it, without importing them.

Surveys sits beneath reports: it must not know that a submission is scored, only say that a
round's submitted answers changed. The reports app listens (``ReportsConfig.ready``) and queues
the round's rescoring.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``round_id`` inside the transaction that submitted, entered or changed a round's
# answers. Receivers that queue work must wait for the commit (transaction.on_commit).
round_answers_changed = Signal()
