"""How the views store moments and orderings (shared by writers and queries)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


def order_text(published_at: datetime, seq: int) -> str:
    """(published_at, seq) as text that sorts the same way, for SQL maxima."""
    moment = utc(published_at).replace(tzinfo=None)
    return f"{moment.isoformat(' ', 'microseconds')}|{seq:010d}"


def parse_order_text(text: str) -> tuple[datetime, int]:
    published, seq = text.split("|")
    return datetime.fromisoformat(published + "+00:00"), int(seq)


@overload
def utc(moment: datetime) -> datetime: ...
@overload
def utc(moment: None) -> None: ...
def utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
