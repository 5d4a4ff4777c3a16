"""Geometry for the server-rendered SVG charts (sparklines and the developments chart).

Pure functions from publication times to coordinates; the templates only
draw what these return, so the charts need no JavaScript and no CDN.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tracker.domain.report import EARLIEST_PUBLISHED, MAX_AHEAD, Report
from tracker.domain.vocabulary import Kind

#: Labels under the developments chart at most (drawn larger on a phone, they must not collide).
X_LABELS = 5


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    points: str  # SVG polyline points
    area: str  # SVG path closing the line to the baseline
    total: int


def sparkline(counts: Sequence[int], *, width: int = 120, height: int = 28) -> Sparkline:
    """A line through reports-per-period counts (oldest period first)."""
    total = sum(counts)
    if not total:
        return Sparkline(width, height, "", "", 0)
    values = list(counts) if len(counts) > 1 else [0, *counts]
    top, pad, n = max(values), 2, len(values)
    xs = [pad + i * (width - 2 * pad) / (n - 1) for i in range(n)]
    ys = [height - pad - c / top * (height - 2 * pad) for c in values]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    area = f"M{xs[0]:.1f},{height - pad} L" + " L".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    area += f" L{xs[-1]:.1f},{height - pad} Z"
    return Sparkline(width, height, points, area, total)


@dataclass(frozen=True)
class Segment:
    kind: Kind
    count: int
    y: float
    height: float


@dataclass(frozen=True)
class Bar:
    label: str
    x: float
    width: float
    total: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Tick:
    label: str
    position: float


@dataclass(frozen=True)
class KindChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    unit: str
    bars: tuple[Bar, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    kinds: tuple[Kind, ...]
    total: int


def _unit(span_days: int) -> str:
    """The bar width that keeps a chart to a few hundred bars at most, whatever the dates."""
    if span_days <= 45:
        return "day"
    if span_days <= 365:
        return "week"
    if span_days <= 3660:
        return "month"
    return "year"


def _bucket(day: date, unit: str) -> date:
    if unit == "week":
        return max(date.min, day - timedelta(days=day.weekday()))
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def _next(day: date, unit: str) -> date | None:
    """The next bucket, or None past the calendar's end (year 9999)."""
    try:
        if unit == "week":
            return day + timedelta(days=7)
        if unit == "month":
            return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        if unit == "year":
            return day.replace(year=day.year + 1)
        return day + timedelta(days=1)
    except (OverflowError, ValueError):
        return None


def _label(day: date, unit: str) -> str:
    if unit == "year":
        return str(day.year)
    if unit == "month":
        return day.strftime("%b %Y")
    return f"{day.day} {day.strftime('%b')}"


def kind_chart(reports: Sequence[Report], *, width: int = 640, height: int = 220) -> KindChart:
    """Active reports per day (week, month for long stories), stacked by each
    report's first kind. A report said to be published more than a day after
    the tracker recorded it carries an implausible date: it is left out, so
    the chart spans the story's real days."""
    points = [(r.published_at, r.kinds[0]) for r in reports if r.active and plausibly_dated(r)]
    return kind_chart_of_points(points, width=width, height=height)


def plausibly_dated(report: Report) -> bool:
    """Published no later than a day after it was recorded (no report comes from the future)."""
    return report.published_at <= report.recorded_at + MAX_AHEAD


def kind_chart_of_points(points: Sequence[tuple[datetime, Kind]], *, width: int = 640, height: int = 220) -> KindChart:
    """The chart from (published_at, first kind) of each active report. Dates
    the domain no longer accepts (before 1900, more than a day ahead), which
    older stores may hold, are left out rather than stretching the axis."""
    left, top, right, bottom = 40, 10, 8, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    latest = datetime.now(UTC) + MAX_AHEAD
    points = [(at, kind) for at, kind in points if EARLIEST_PUBLISHED <= at <= latest]
    if not points:
        return KindChart(width, height, left, top, plot_w, plot_h, "day", (), (), (), (), 0)
    days = [published_at.date() for published_at, _kind in points]
    unit = _unit((max(days) - min(days)).days)
    counts: dict[date, Counter[Kind]] = {}
    for (_published_at, kind), day in zip(points, days):
        counts.setdefault(_bucket(day, unit), Counter())[kind] += 1
    slots = []
    cursor: date | None = _bucket(min(days), unit)
    while cursor is not None and cursor <= max(counts):
        slots.append(cursor)
        cursor = _next(cursor, unit)
    peak = max(sum(c.values()) for c in counts.values())
    step = plot_w / len(slots)
    bar_w = max(1.0, min(step * 0.72, 48.0))
    order = list(Kind)
    bars = []
    for index, slot in enumerate(slots):
        tally = counts.get(slot, Counter())
        y = float(top + plot_h)
        segments = []
        for kind in sorted(tally, key=order.index):
            h = tally[kind] / peak * plot_h
            y -= h
            segments.append(Segment(kind, tally[kind], round(y, 1), round(h, 1)))
        bars.append(
            Bar(
                label=_label(slot, unit),
                x=round(left + index * step + (step - bar_w) / 2, 1),
                width=round(bar_w, 1),
                total=sum(tally.values()),
                segments=tuple(segments),
            )
        )
    tick_values = sorted({0, peak, *([peak // 2] if peak >= 4 else [])})
    y_ticks = tuple(Tick(str(v), round(top + plot_h - v / peak * plot_h, 1)) for v in tick_values)
    every = -(-len(slots) // X_LABELS)  # at most X_LABELS labels: legible on a phone too
    x_ticks = tuple(Tick(bar.label, round(bar.x + bar.width / 2, 1)) for i, bar in enumerate(bars) if i % every == 0)
    kinds = tuple(k for k in order if any(k in c for c in counts.values()))
    return KindChart(width, height, left, top, plot_w, plot_h, unit, tuple(bars), y_ticks, x_ticks, kinds, len(points))
