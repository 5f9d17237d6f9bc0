"""Keep invitation tokens, and the code and state of a sign-in through the council's identity
provider, out of every log line (the dev server logs request paths)."""

from __future__ import annotations

import logging
import re

TOKEN_IN_PATH = re.compile(r"/r/[^/\s\"']+")
SIGN_IN_PARAMETER = re.compile(r"([?&](?:code|state|session_state)=)[^&\s\"']+")


class RedactInvitationTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = message
        if "/r/" in redacted:
            redacted = TOKEN_IN_PATH.sub("/r/[redacted]", redacted)
        if "code=" in redacted or "state=" in redacted:
            redacted = SIGN_IN_PARAMETER.sub(r"\1[redacted]", redacted)
        if redacted != message:
            record.msg = redacted
            record.args = ()
        return True
