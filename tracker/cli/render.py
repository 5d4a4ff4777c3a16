"""Plain-text rendering of query results for the terminal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from tracker.application import HistoryEntry, StorySummary, StoryView
from tracker.application.event_names import describe
from tracker.domain.report import Report
from tracker.domain.threads import StoryState, describe_matter


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
    mark = "  [RETRACTED] " if report.retracted else "  [context] " if report.reading.relevance == "context" else "  "
    lines = [
        f"{mark}{_day(report.published_at)}  {report.headline}  ({report.report_id})",
        f"      {report.outlet or 'unknown outlet'}; {report.attribution or 'no attribution'}"
        f"; kinds: {kinds}; parties: {', '.join(report.parties) or '-'}",
        f"      published {_stamp(report.published_at)}, recorded {_stamp(report.recorded_at)}",
    ]
    reading = report.reading
    said = [f"{r.a} – {r.b}: {r.kind.label}" for r in reading.relations]
    said += [
        f"{st.speaker}: {st.kind.label}" + (f" on {describe_matter(st.about)}" if st.about else "")
        for st in reading.statements
    ]
    if said:
        lines.append(f"      reads: {'; '.join(said)}")
    for correction in report.corrections:
        changed = ", ".join(correction.changes)
        lines.append(f"      corrected {_stamp(correction.recorded_at)} ({changed}): {correction.reason}")
    if report.retracted:
        lines.append(f"      retracted {_stamp(report.retracted_at)}: {report.retraction_reason}")
    return lines


def state_lines(state: StoryState) -> list[str]:
    """Threads, open questions, parties and party suggestions, one item a line."""
    lines = ["Threads:"]
    for thread in state.threads:
        trail = " -> ".join(t.kind.label for t in thread.transitions)
        lines.append(
            f"  {thread.label}: {thread.status.label} since {_day(thread.since)} ({thread.report_id})"
            + (f"  [{trail}]" if len(thread.transitions) > 1 else "")
        )
    if not state.threads:
        lines.append("  (none yet)")
    lines.append("Open questions:")
    for question in state.open_questions:
        lines.append(f"  - {question.question} (since {_day(question.since)}, {question.report_id})")
    if not state.open_questions:
        lines.append("  (none)")
    principal = [p.name for p in state.parties if p.role == "principal"]
    mentioned = [p.name for p in state.parties if p.role == "mentioned"]
    lines.append(f"Parties: {', '.join(principal) or '-'}")
    if mentioned:
        lines.append(f"  mentioned: {', '.join(mentioned)}")
    if state.party_suggestions:
        lines.append("Party suggestions:")
        for suggestion in state.party_suggestions:
            related = f", in relations with {', '.join(suggestion.related)}" if suggestion.related else ""
            lines.append(
                f"  {suggestion.name}: in {suggestion.reports} report{'s' if suggestion.reports != 1 else ''}{related}"
            )
    return lines


def story_text(view: StoryView) -> str:
    lines = [f"{view.title}  [{view.status}]  slug: {view.slug}  version {view.version}"]
    if view.as_of is not None:
        lines.append(f"As of {_stamp(view.as_of)} ({view.mode} mode)")
    if view.summary:
        lines.append(view.summary)
    lines.append("")
    lines.extend(state_lines(view.state))
    last = view.state.last_development
    lines.append(f"Last development: {last.headline if last else '-'}")
    lines.append("")
    lines.append(f"Timeline ({view.report_count} reports):")
    for report in view.reports:
        lines.extend(report_line(report))
    return "\n".join(lines)


def history_text(entries: Iterable[HistoryEntry]) -> str:
    """One event a line, named in plain words with who caused it; each column as
    wide as its widest value, so RECORDED lines up."""
    rows = []
    for e in entries:
        payload = ", ".join(f"{k}={v!r}" for k, v in e.payload.items() if k != "by")
        if len(payload) > 120:
            payload = payload[:117] + "..."
        what, who = describe(e)  # plain words, as the history page says them; --json keeps the stored names
        rows.append((str(e.version), _utc(e.recorded_at), what, who or "-", payload))
    header = ("VER", "RECORDED (UTC)", "EVENT", "BY", "PAYLOAD")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = []
    for row in [header, *rows]:
        version, recorded, event, by, payload = row
        lines.append(
            f"{version:>{widths[0]}}  {recorded:<{widths[1]}}  {event:<{widths[2]}}  {by:<{widths[3]}}  {payload}".rstrip()
        )
    return "\n".join(lines)


def _utc(moment: datetime) -> str:
    """A stored moment in UTC to the second: one width for every row."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")
