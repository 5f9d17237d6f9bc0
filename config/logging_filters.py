"""Keep invitation tokens out of every log line (the dev server logs request paths)."""

from __future__ import annotations

import logging
import re

TOKEN_IN_PATH = re.compile(r"/r/[^/\s\"']+")


class RedactInvitationTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/r/" in message:
            record.msg = TOKEN_IN_PATH.sub("/r/[redacted]", message)
            record.args = ()
        return True
