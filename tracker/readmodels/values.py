"""How the views store moments and orderings (shared by writers and queries)."""

from __future__ import annotations

from datetime import datetime

from tracker.moments import utc

__all__ = ["order_text", "parse_order_text", "utc"]


def order_text(published_at: datetime, seq: int) -> str:
    """(published_at, seq) as text that sorts the same way, for SQL maxima."""
    moment = utc(published_at).replace(tzinfo=None)
    return f"{moment.isoformat(' ', 'microseconds')}|{seq:010d}"


def parse_order_text(text: str) -> tuple[datetime, int]:
    published, seq = text.split("|")
    return datetime.fromisoformat(published + "+00:00"), int(seq)
