"""Exceptions the services of every app raise and every page and API call knows how to show."""

from __future__ import annotations


class StaleEditError(Exception):
    """Someone else saved the record after this edit started."""
