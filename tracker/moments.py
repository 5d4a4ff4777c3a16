"""Moments: the clock, times as the tracker keeps them (UTC), and times typed
by people (ISO 8601 dates and times, always time-zone aware)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import overload

from tracker.domain.errors import InvalidField


def parse_moment(text: str, field: str = "moment", *, end_of_day: bool = False) -> datetime:
    """'2024-05-25' (midnight UTC, or the day's last microsecond with
    ``end_of_day``), '2024-05-25T10:00', '2024-05-25T10:00+01:00' or '...Z'.
    A time without a zone is taken as UTC."""
    raw = (text or "").strip()
    if not raw:
        raise InvalidField(field, "must not be empty")
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=UTC)
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InvalidField(
            field, f"{text!r} is not an ISO 8601 date or time (e.g. 2024-05-25 or 2024-05-25T14:30Z)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def now_utc() -> datetime:
    """The clock, in UTC."""
    return datetime.now(UTC)


@overload
def utc(moment: datetime) -> datetime: ...
@overload
def utc(moment: None) -> None: ...
def utc(moment: datetime | None) -> datetime | None:
    """A moment in UTC; a naive one (SQLite gives them back so) is taken as UTC already."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
