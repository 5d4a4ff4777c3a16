"""What the feeds page says about a feed: its true interval in words, and its
warnings without the ones that are not true of it.

The web's own settings are not the poller's: ``tracker worker --demo``
lowers the minimum interval for its demo wire, so the stored interval of a
demo feed, not the web's minimum, is what it is polled at. A ``file:`` feed
has no HTTP headers, so a "no Content-type" warning is only the absence of
a header, never a flaw of the feed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tracker.config import MAX_INTERVAL_SECONDS, Settings
from tracker.ingest.demo import DEMO_INTERVAL
from tracker.ingest.service import FeedView

DEMO_SOURCE = "demo"
_NO_HEADER = "content type: no content-type specified"


@dataclass(frozen=True)
class FeedRow:
    feed: FeedView
    interval_seconds: int
    interval_text: str  # "every 20 s", "every 5 min", "every 1 h 30 min"
    warnings: tuple[str, ...]


def duration_text(seconds: int) -> str:
    """A whole number of seconds in the largest units that say it exactly (at most two)."""
    parts = []
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}{'s' if unit == 'day' and count != 1 else ''}")
    return " ".join(parts[:2]) or "0 s"


def true_interval(feed: FeedView, settings: Settings, stored: int | None = None) -> int:
    """The seconds between checks the poller keeps for ``feed``."""
    floor = settings.poll_min_interval_seconds
    if feed.source == DEMO_SOURCE:
        floor = min(floor, DEMO_INTERVAL)
    wanted = stored or settings.poll_interval_seconds
    return min(MAX_INTERVAL_SECONDS, max(floor, wanted))


def shown_warnings(feed: FeedView) -> tuple[str, ...]:
    parts = tuple(p.strip() for p in feed.last_warning.split("; ") if p.strip())
    if feed.url.lower().startswith("file:"):
        parts = tuple(p for p in parts if p.lower() != _NO_HEADER)
    return parts


def feed_rows(
    feeds: Iterable[FeedView], settings: Settings, stored: dict[int, int | None] | None = None
) -> list[FeedRow]:
    """Each feed with its interval and warnings as the page shows them (``stored``: intervals as subscribed)."""
    rows = []
    for feed in feeds:
        raw = (stored or {}).get(feed.id, feed.interval_seconds)
        seconds = true_interval(feed, settings, raw)
        rows.append(FeedRow(feed, seconds, f"every {duration_text(seconds)}", shown_warnings(feed)))
    return rows
