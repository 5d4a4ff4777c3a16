"""The in-memory working set of one transaction.

Each batch of events is applied in memory by the projection
(:mod:`.handlers`) and its rows written by the dialect's row writer
(:mod:`.writers`) with a few executemany statements; the stories and their
facts are loaded once and written when the transaction ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.domain import DomainEventProtocol
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tracker.domain.report import reading_of
from tracker.domain.state import Fact, Facts, fact_candidates
from tracker.domain.story import Story
from tracker.readmodels.errors import ProjectionError
from tracker.readmodels.handlers import StoryProjection
from tracker.readmodels.tables import ViewTables
from tracker.readmodels.values import order_text, utc
from tracker.readmodels.writers import writer_for

#: Stored reports looked up per statement (two bound parameters each).
REPORTS_PER_LOOKUP = 400


@dataclass
class StoryState:
    row: dict[str, Any]
    is_new: bool
    facts: Facts = field(default_factory=Facts)
    dirty_facts: set[str] = field(default_factory=set)
    # Facts whose latest report was retracted or reclassified: found again
    # from the candidate rows when the batch is written.
    recompute: set[str] = field(default_factory=set)

    def facts_held_by(self, report_id: str) -> set[str]:
        return {key for key, fact in self.facts.latest.items() if fact.report_id == report_id}


class WorkingSet:
    """The rows one transaction changes: the stories and their facts (loaded
    once, written at :meth:`finish`) and each batch's event rows (written
    at the end of :meth:`apply`)."""

    def __init__(self, tables: ViewTables, session: Session, *, rebuilding: bool = False) -> None:
        self.t = tables
        self.session = session
        self.writer = writer_for(session, tables, rebuilding=rebuilding)
        self.projection = StoryProjection(self)
        self.stories: dict[str, StoryState] = {}
        self._clear_rows()

    def _clear_rows(self) -> None:
        self.new_reports: dict[tuple[str, str], dict[str, Any]] = {}
        self.changed_reports: dict[tuple[str, str], dict[str, Any]] = {}
        self.versions: list[dict[str, Any]] = []
        self.story_changes: list[dict[str, Any]] = []
        self.search_upserts: dict[int, dict[str, Any]] = {}
        self.new_fact_rows: dict[int, list[dict[str, Any]]] = {}
        self.fact_row_updates: list[tuple[str, str, int, int]] = []  # (column, story, row, version)

    def apply(self, events: Iterable[tuple[int, DomainEventProtocol[Any]]]) -> None:
        """Applies one batch and writes its rows (not yet the stories and facts)."""
        keyed = [(notification_id, event, str(event.originator_id)) for notification_id, event in events]
        self._preload({story_id for _, _, story_id in keyed} - self.stories.keys())
        self._preload_reports(
            {
                (story_id, event.report_id)
                for _, event, story_id in keyed
                if not isinstance(event, Story.ReportAdded) and hasattr(event, "report_id")
            }
        )
        apply = self.projection.apply
        for notification_id, event, story_id in keyed:
            try:
                apply(event, story_id, notification_id)
            except Exception as error:
                raise ProjectionError(
                    f"cannot apply notification {notification_id} "
                    f"({type(event).__name__} of story {event.originator_id}): {error!r}"
                ) from error
        self.writer.write_rows(self)
        for state in self.stories.values():
            if state.recompute:
                self.writer.recompute(state)
                state.recompute = set()
        self._clear_rows()

    def finish(self) -> None:
        """Writes the stories and the facts that changed, once per transaction."""
        stale_facts: list[tuple[str, str]] = []
        fresh_facts: list[dict[str, Any]] = []
        for state in self.stories.values():
            if state.dirty_facts:
                if not state.is_new:
                    stale_facts += [(state.row["story_id"], key) for key in state.dirty_facts]
                fresh_facts += self._fact_rows(state, [k for k in state.dirty_facts if k in state.facts.latest])
            last = state.facts.latest.get("last")
            state.row["last_report_id"] = last.report_id if last else None
            state.row["last_published_at"] = last.order[0] if last else None
        self.writer.write_stories(
            stale_facts,
            fresh_facts,
            [st.row for st in self.stories.values() if st.is_new],
            [st.row for st in self.stories.values() if not st.is_new],
        )

    # -- loading ------------------------------------------------------------

    def _preload(self, story_ids: set[str]) -> None:
        if not story_ids:
            return
        t = self.t
        rows = self.session.execute(select(t.stories).where(t.stories.c.story_id.in_(story_ids))).mappings()
        loaded = []
        for row in rows:
            self.stories[row["story_id"]] = StoryState(dict(row), is_new=False)
            loaded.append(row["story_id"])
        if loaded:
            f = t.facts
            query = select(f.c.story_id, f.c.fact_key, f.c.report_id, f.c.published_at, f.c.seq, f.c.kind)
            for story_id, key, report_id, published_at, seq, kind in self.session.execute(
                query.where(f.c.story_id.in_(loaded))
            ):
                self.stories[story_id].facts.latest[key] = Fact((utc(published_at), seq), report_id, kind)

    def _preload_reports(self, keys: set[tuple[str, str]]) -> None:
        """The stored reports the batch's corrections, retractions and
        reclassifications change, in one indexed join per 400 of them
        (reports added in the same batch are not found, and need not be)."""
        t = self.t.reports
        wanted = sorted(keys)
        for start in range(0, len(wanted), REPORTS_PER_LOOKUP):
            chunk = wanted[start : start + REPORTS_PER_LOOKUP]
            params: dict[str, str] = {}
            for number, (story_id, report_id) in enumerate(chunk):
                params[f"s{number}"], params[f"r{number}"] = story_id, report_id
            pairs = ", ".join(f"(:s{n}, :r{n})" for n in range(len(chunk)))
            query = text(
                f"WITH wanted(story_id, report_id) AS (VALUES {pairs}) SELECT {t.name}.* FROM wanted "
                f"JOIN {t.name} ON {t.name}.story_id = wanted.story_id AND {t.name}.report_id = wanted.report_id"
            ).columns(*t.columns)
            for row in self.session.execute(query, params).mappings():
                self.changed_reports[(row["story_id"], row["report_id"])] = dict(row)

    # -- what the handlers change --------------------------------------------

    def open_story(self, story_id: str, row: dict[str, Any]) -> None:
        self.stories[story_id] = StoryState(row, is_new=True)
        self.story_changed(row)

    def report(self, story_id: str, report_id: str) -> dict[str, Any]:
        key = (story_id, report_id)
        if key in self.new_reports:
            return self.new_reports[key]
        try:
            return self.changed_reports[key]
        except KeyError:
            raise ProjectionError(f"report {report_id!r} of story {story_id} is not in the read models") from None

    def add_fact_rows(self, report: dict[str, Any], version: int) -> list[tuple[str, str]]:
        ord_ = order_text(report["published_at"], report["seq"])
        rows = self.new_fact_rows.setdefault(report["id"], [])
        candidates = fact_candidates(reading_of(report))
        for key, kind in candidates:
            rows.append(
                {
                    "row_id": report["id"],
                    "report_id": report["report_id"],
                    "fact_key": key,
                    "version_from": version,
                    "story_id": report["story_id"],
                    "ord": ord_,
                    "kind": kind,
                    "version_to": None,
                    "retracted_version": None,
                }
            )
        return candidates

    def close_fact_rows(self, report: dict[str, Any], version: int) -> None:
        for row in self.new_fact_rows.get(report["id"], ()):
            if row["version_to"] is None:
                row["version_to"] = version
        self.fact_row_updates.append(("version_to", report["story_id"], report["id"], version))

    def retract_fact_rows(self, report: dict[str, Any], version: int) -> None:
        for row in self.new_fact_rows.get(report["id"], ()):
            row["retracted_version"] = version
        self.fact_row_updates.append(("retracted_version", report["story_id"], report["id"], version))

    def story_changed(self, story: dict[str, Any]) -> None:
        self.story_changes.append(
            {
                "story_id": story["story_id"],
                "version": story["version"],
                "title": story["title"],
                "summary": story["summary"],
                "status": story["status"],
                "rules": story["rules"],
            }
        )

    def index(self, report: dict[str, Any]) -> None:
        self.search_upserts[report["id"]] = report

    @staticmethod
    def _fact_rows(state: StoryState, keys: Iterable[str]) -> list[dict[str, Any]]:
        story_id = state.row["story_id"]
        rows = []
        for key in keys:
            fact = state.facts.latest[key]
            rows.append(
                {
                    "story_id": story_id,
                    "fact_key": key,
                    "report_id": fact.report_id,
                    "published_at": fact.order[0],
                    "seq": fact.order[1],
                    "kind": fact.kind,
                }
            )
        return rows
