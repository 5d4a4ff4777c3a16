"""The stories index's sparkline with its scale: reports per equal period of
the story's life, and the words that say what the line measures (title and
aria-label), since a line without a scale says nothing.

Dates outside what the tracker accepts as plausible (before 1900, more than
a day ahead) are left out, as the developments chart leaves them out: one
typo must not stretch the line over decades.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from tracker.domain.report import EARLIEST_PUBLISHED, MAX_AHEAD
from web.charts import Sparkline, sparkline

BUCKETS = 12


@dataclass(frozen=True)
class Activity:
    line: Sparkline
    label: str  # "14 reports from 25 May 2024 to 3 Jun 2024; each point is 18 hours, the highest holds 5"
    first: datetime | None
    last: datetime | None
    peak: int


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment.strftime('%b %Y')}"


def period_text(seconds: float) -> str:
    """A period in the unit a reader would use: minutes, hours or days (rounded)."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size * (2 if unit != "minute" else 1):
            count = round(seconds / size)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    count = max(1, round(seconds))
    return f"{count} second{'' if count == 1 else 's'}"


def activity(published: Iterable[datetime], *, buckets: int = BUCKETS, now: datetime | None = None) -> Activity:
    latest = (now or datetime.now(UTC)) + MAX_AHEAD
    moments = sorted(m for m in published if EARLIEST_PUBLISHED <= m <= latest)
    counts = [0] * buckets
    if not moments:
        return Activity(sparkline(counts), "No reports yet", None, None, 0)
    first, last = moments[0], moments[-1]
    span = (last - first).total_seconds()
    for moment in moments:
        index = min(buckets - 1, int((moment - first).total_seconds() / (span or 1.0) * buckets))
        counts[index] += 1
    total, peak = len(moments), max(counts)
    reports = f"{total} report{'' if total == 1 else 's'}"
    if span == 0:
        label = f"{reports}, all on {_day(first)}"
    else:
        label = (
            f"{reports} from {_day(first)} to {_day(last)}; each point is {period_text(span / buckets)}, "
            f"the highest holds {peak}"
        )
    return Activity(sparkline(counts), label, first, last, peak)
