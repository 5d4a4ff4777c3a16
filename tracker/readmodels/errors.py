"""The read models' own errors, imported by every module that raises them."""

from __future__ import annotations


class ProjectionError(Exception):
    """An event the read models cannot apply; names the notification id."""


class PositionMoved(Exception):
    """Another process applied these events first; re-read the position."""
