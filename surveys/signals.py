"""What the surveys app tells the apps above it, without importing them.

Surveys sits beneath reports: it must not know that a submission is scored, only say that a
round's submitted answers changed. The reports app listens (``ReportsConfig.ready``) and queues
the round's rescoring (and, when a round closes, the publication of an anonymous round's results).
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``round_id`` inside the transaction that submitted, entered or changed a round's
# answers. Receivers that queue work must wait for the commit (transaction.on_commit).
round_answers_changed = Signal()

# Sent with ``round_id`` inside the transaction that closed a round early (a round also closes
# by date, which the reports app's beat catch-up notices): an anonymous round publishes then.
round_closed = Signal()

# Sent with ``round_id`` inside the transaction that deleted a round's responses (retention):
# whatever the apps above derived from those answers goes too, but for what readers keep.
round_responses_deleted = Signal()
