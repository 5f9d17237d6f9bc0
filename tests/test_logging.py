from __future__ import annotations

import logging

from config.logging_filters import RedactInvitationTokens


def test_invitation_tokens_are_redacted_from_log_lines():
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"GET /r/%s/ HTTP/1.1" 302 0', ("abc123",), None
    )
    RedactInvitationTokens().filter(record)
    assert record.getMessage() == '"GET /r/[redacted]/ HTTP/1.1" 302 0'


def test_every_configured_handler_redacts_tokens():
    """The loggers that see request paths only write through handlers with the filter."""
    for name in ("", "django.server", "django.request"):
        # pytest adds its own capturing handlers to the root logger; those are not ours.
        handlers = [
            h
            for h in logging.getLogger(name).handlers
            if not type(h).__module__.startswith("_pytest")
        ]
        assert handlers, name
        for handler in handlers:
            assert any(isinstance(f, RedactInvitationTokens) for f in handler.filters), name


def test_the_code_and_state_of_a_staff_sign_in_are_redacted_from_log_lines():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"GET %s HTTP/1.1" 302 0',
        ("/accounts/oidc/callback/?code=SplxlOBe&state=af0ifjsl&iss=https%3A%2F%2Fidp",),
        None,
    )
    RedactInvitationTokens().filter(record)
    assert record.getMessage() == (
        '"GET /accounts/oidc/callback/?code=[redacted]&state=[redacted]'
        '&iss=https%3A%2F%2Fidp HTTP/1.1" 302 0'
    )
