"""What the tools' entry points share: Django set up as manage.py does it, output and errors as
the management commands they used to be printed them.

Nothing here imports Django's settings or apps: a tool parses its arguments first (so --help
needs no database), then sets Django up, then imports what needs it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from django.core.management.base import CommandError


class Output:
    """Lines on stdout, as a management command's self.stdout.write printed them; flushed, so
    the progress lines show as they happen."""

    def write(self, line: str = "") -> None:
        print(line, flush=True)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.apps import apps

    if not apps.ready:  # already set up when the test suite calls an entry point
        django.setup()


def parser(module: str, description: str) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(prog=f"python -m {module}", description=description)


def run(
    arguments: argparse.ArgumentParser,
    command: Callable[[argparse.Namespace, Output], None],
    argv: Sequence[str] | None = None,
) -> int:
    """Parse, set Django up, run the command; a CommandError is printed on stderr as
    "CommandError: <message>" and makes the exit status 1, as manage.py did."""
    args = arguments.parse_args(argv)
    setup_django()
    try:
        command(args, Output())
    except CommandError as error:
        sys.stderr.write(f"CommandError: {error}\n")
        return error.returncode
    return 0
