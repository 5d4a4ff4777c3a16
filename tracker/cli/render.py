"""Plain-text rendering of query results for the terminal."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.application import HistoryEntry, StorySummary, StoryView
from tracker.domain.report import Report


def _day(moment: object) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "-"  # type: ignore[attr-defined]


def _stamp(moment: object) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z") if moment else "-"  # type: ignore[attr-defined]


def stories_table(summaries: Iterable[StorySummary]) -> str:
    rows = list(summaries)
    if not rows:
        return "No stories yet. Open one with `tracker open --title ...` or load the seed with `tracker seed`."
    lines = [f"{'SLUG':<36} {'STATUS':<10} {'REPORTS':>7}  LAST DEVELOPMENT"]
    for s in rows:
        lines.append(f"{s.slug:<36} {s.status:<10} {s.report_count:>7}  {s.last_development}")
    return "\n".join(lines)


def report_line(report: Report) -> list[str]:
    kinds = ", ".join(k.value for k in report.kinds)
    mark = "  [RETRACTED] " if report.retracted else "  "
    lines = [
        f"{mark}{_day(report.published_at)}  {report.headline}  ({report.report_id})",
        f"      {report.outlet or 'unknown outlet'}; {report.attribution or 'no attribution'}"
        f"; kinds: {kinds}; parties: {', '.join(report.parties) or '-'}",
        f"      published {_stamp(report.published_at)}, recorded {_stamp(report.recorded_at)}",
    ]
    for correction in report.corrections:
        changed = ", ".join(correction.changes)
        lines.append(f"      corrected {_stamp(correction.recorded_at)} ({changed}): {correction.reason}")
    if report.retracted:
        lines.append(f"      retracted {_stamp(report.retracted_at)}: {report.retraction_reason}")
    return lines


def story_text(view: StoryView) -> str:
    lines = [f"{view.title}  [{view.status}]  slug: {view.slug}  version {view.version}"]
    if view.as_of is not None:
        lines.append(f"As of {_stamp(view.as_of)} ({view.mode} mode)")
    if view.summary:
        lines.append(view.summary)
    lines.append("")
    lines.append("Where the parties stand:")
    for stance in view.state.stances:
        kinds = ", ".join(k.label for k in stance.kinds)
        lines.append(f"  {stance.party}: {kinds} - {stance.headline} ({stance.outlet or 'unknown outlet'})")
    if not view.state.stances:
        lines.append("  (no parties named yet)")
    lines.append("Open questions:")
    for question in view.state.open_questions:
        lines.append(f"  - {question.question} (since {_day(question.since)})")
    if not view.state.open_questions:
        lines.append("  (none)")
    last = view.state.last_development
    lines.append(f"Last development: {last.headline if last else '-'}")
    lines.append("")
    lines.append(f"Timeline ({view.report_count} reports):")
    for report in view.reports:
        lines.extend(report_line(report))
    return "\n".join(lines)


def history_text(entries: Iterable[HistoryEntry]) -> str:
    lines = [f"{'VER':>5}  {'RECORDED':<27} {'EVENT':<20} PAYLOAD"]
    for e in entries:
        payload = ", ".join(f"{k}={v!r}" for k, v in e.payload.items())
        if len(payload) > 120:
            payload = payload[:117] + "..."
        lines.append(f"{e.version:>5}  {e.recorded_at.isoformat():<27} {e.event_type:<20} {payload}")
    return "\n".join(lines)
