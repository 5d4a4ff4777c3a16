"""A feed subscription and its polling policy.

The next-check policy is a method of the feed (as in miniflux): after a
success the feed waits its interval — longer if the server's Cache-Control
or Expires says the document stays fresh longer (capped at the backoff
cap); after a failure it backs off exponentially (interval x 2^(n-1),
capped at ``poll.max_backoff_seconds``), longer if a 429/503 asked for it
with Retry-After (within the same cap). A failing feed is never dropped:
it keeps being retried at the capped interval and its health says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tracker.config import MAX_INTERVAL_SECONDS, Settings
from tracker.moments import utc

__all__ = ["MAX_INTERVAL_SECONDS", "Feed", "check_interval"]


def check_interval(interval: object, settings: Settings, name: str = "interval") -> int:
    """A feed's interval in seconds, within poll.min_interval_seconds .. 30 days; ValueError naming ``name`` otherwise."""
    if isinstance(interval, bool) or not isinstance(interval, int) or interval <= 0:
        raise ValueError(f"{name}: expected a whole number of seconds, got {interval!r}")
    if interval < settings.poll_min_interval_seconds:
        raise ValueError(
            f"{name}: {interval} s is below the minimum of {settings.poll_min_interval_seconds} s "
            "(poll.min_interval_seconds)"
        )
    if interval > MAX_INTERVAL_SECONDS:
        raise ValueError(f"{name}: {interval} s is above the maximum of {MAX_INTERVAL_SECONDS} s (30 days)")
    return interval


def _later(now: datetime, seconds: float) -> datetime:
    """``now`` plus ``seconds``, never more than the longest interval (no overflow on odd stored values)."""
    return now + timedelta(seconds=min(max(0.0, seconds), float(MAX_INTERVAL_SECONDS)))


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    name: str
    title: str
    source: str
    interval_seconds: int | None
    added_at: datetime
    etag: str
    last_modified: str
    body_hash: str
    last_checked_at: datetime | None
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    last_warning: str
    consecutive_failures: int
    next_check_at: datetime
    items_total: int

    @classmethod
    def from_row(cls, row: Any) -> Feed:
        data = row._mapping
        return cls(
            id=data["id"],
            url=data["url"],
            name=data["name"],
            title=data["title"],
            source=data["source"],
            interval_seconds=data["interval_seconds"],
            added_at=utc(data["added_at"]),
            etag=data["etag"],
            last_modified=data["last_modified"],
            body_hash=data["body_hash"],
            last_checked_at=utc(data["last_checked_at"]),
            last_success_at=utc(data["last_success_at"]),
            last_error=data["last_error"],
            last_error_at=utc(data["last_error_at"]),
            last_warning=data["last_warning"],
            consecutive_failures=data["consecutive_failures"],
            next_check_at=utc(data["next_check_at"]),
            items_total=data["items_total"],
        )

    @property
    def display_name(self) -> str:
        return self.name or self.title or self.url

    def interval(self, settings: Settings) -> int:
        wanted = self.interval_seconds or settings.poll_interval_seconds
        return min(MAX_INTERVAL_SECONDS, max(settings.poll_min_interval_seconds, wanted))

    def next_check_after_success(
        self, now: datetime, settings: Settings, *, fresh_for: float | None = None
    ) -> datetime:
        delay = float(self.interval(settings))
        if fresh_for is not None and fresh_for > delay:
            delay = min(fresh_for, float(settings.poll_max_backoff_seconds))
        return _later(now, delay)

    def next_check_after_failure(
        self, now: datetime, settings: Settings, *, failures: int, retry_after: float | None = None
    ) -> datetime:
        cap = float(settings.poll_max_backoff_seconds)
        base = float(self.interval(settings))
        delay = min(cap, base * (2 ** max(0, min(failures - 1, 30))))
        if retry_after is not None:
            delay = max(delay, min(retry_after, cap))
        delay = max(delay, float(settings.poll_min_interval_seconds))
        return _later(now, delay)
