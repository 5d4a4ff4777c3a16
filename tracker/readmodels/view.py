"""The materialised views of stories, written with their tracking record.

:class:`StoryViews` is a tracking recorder (the eventsourcing-sqlalchemy
projection pattern): a batch of events and the position it reaches are
written in one transaction, and the position only moves from the value the
batch started at, so every event is applied exactly once even when several
processes catch up at the same time or one dies half-way. On SQLite the
transaction takes the write lock before it reads the position (``BEGIN
IMMEDIATE``): a deferred one read the position and the stories outside any
snapshot, and two processes then applied the same events.

A batch that fails for a reason about its events is applied again
carefully (:mod:`.poison`): batch by batch under savepoints, halving a
failing one until the poisoned event is found, which is recorded and
skipped with the rest of its story. That costs only when an error occurs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Tracking
from eventsourcing_sqlalchemy.recorders import SQLAlchemyTrackingRecorder
from sqlalchemy import and_, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from tracker.domain.state import Fact, Facts, fact_candidates
from tracker.domain.story import Story
from tracker.readmodels.bulk import execute_many, insert_rows, placeholder, update_rows
from tracker.readmodels.poison import (
    Poisoning,
    PoisonSuspected,
    Undecodable,
    Unprojected,
    clean_text,
    is_transient,
    reason_of,
)
from tracker.readmodels.tables import ViewTables
from tracker.sql import driver_cursor

log = logging.getLogger("tracker.readmodels")

_WORDS_ONLY = re.compile(r"[^\w]+")
#: The writing connection's SQLite page cache while the views are rebuilt.
REBUILD_PAGE_CACHE_KIB = 32768


class ProjectionError(Exception):
    """An event the read models cannot apply; names the notification id."""


class PositionMoved(Exception):
    """Another process applied these events first; re-read the position."""


def order_text(published_at: datetime, seq: int) -> str:
    """(published_at, seq) as text that sorts the same way, for SQL maxima."""
    moment = utc(published_at).replace(tzinfo=None)  # type: ignore[union-attr]
    return f"{moment.isoformat(' ', 'microseconds')}|{seq:010d}"


def parse_order_text(text: str) -> tuple[datetime, int]:
    published, seq = text.split("|")
    return datetime.fromisoformat(published + "+00:00"), int(seq)


def utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass
class _StoryState:
    row: dict[str, Any]
    is_new: bool
    facts: Facts = field(default_factory=Facts)
    dirty_facts: set[str] = field(default_factory=set)
    # Facts whose latest report was retracted or reclassified: found again
    # from the candidate rows when the batch is written.
    recompute: set[str] = field(default_factory=set)


class StoryViews(SQLAlchemyTrackingRecorder):
    """Read models of stories: list, timeline, facts (stances and questions),
    version index, story-level history and full-text search."""

    def __init__(self, datastore: Any, tables: ViewTables, **kwargs: Any) -> None:
        super().__init__(datastore, tracking_table_name="readmodel_tracking", **kwargs)
        self.view_tables = tables
        self.dialect = datastore.engine.dialect.name
        #: Set while the views are rebuilt from zero (:meth:`rebuild_mode`).
        self.rebuilding = False
        self.rebuild_page_cache_kib = REBUILD_PAGE_CACHE_KIB
        #: Stories stopped at a poisoned event -> its notification id, as
        #: last read (None: not yet); refreshed whenever a batch fails.
        self._stopped: dict[str, int] | None = None
        #: Whether a poisoned event found is logged (a shadow rebuild that
        #: only compares, or a command that names them itself, says False).
        self.log_poison = True

    @contextmanager
    def rebuild_mode(self, page_cache_kib: int = REBUILD_PAGE_CACHE_KIB) -> Iterator[None]:
        """While views are rebuilt from zero: on SQLite the writing connection
        gets a page cache of ``page_cache_kib`` and the search index is left
        alone, to be filled at the end in one statement from the reports
        (FTS5 builds faster in one pass)."""
        self.rebuilding, self.rebuild_page_cache_kib = True, page_cache_kib
        try:
            yield
        finally:
            self.rebuilding, self.rebuild_page_cache_kib = False, REBUILD_PAGE_CACHE_KIB

    # -- position ---------------------------------------------------------------

    def position(self) -> int:
        """The last notification applied (one indexed Core query: every
        command asks it while waiting to read its own write)."""
        record = self.tracking_record_cls
        query = select(func.max(record.notification_id)).where(
            record.application_name == self.view_tables.tracking_name
        )
        with self.datastore.engine.connect() as conn:  # type: ignore[union-attr]
            return conn.execute(query).scalar() or 0

    def _begin(self, session: Session) -> None:
        """Starts the write: on SQLite takes the write lock now, before the
        position and the stories are read, so that another process catching
        up waits for this one instead of applying the same events from a
        position it read before this one moved it."""
        if self.dialect != "sqlite":
            return
        if self.rebuilding:
            session.execute(text(f"PRAGMA cache_size = -{int(self.rebuild_page_cache_kib)}"))
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")

    def _lock_position(self, session: Session) -> int | None:
        record = self.tracking_record_cls
        query = select(record.notification_id).where(record.application_name == self.view_tables.tracking_name)
        if self.dialect == "postgresql":
            query = query.with_for_update()
        return session.execute(query).scalar_one_or_none()

    def _move_position(self, session: Session, start: int, end: int) -> None:
        record = self.tracking_record_cls
        if start == 0 and self._lock_position(session) is None:
            session.add(record(application_name=self.view_tables.tracking_name, notification_id=end))
            session.flush()  # a concurrent first batch fails here on the primary key
            return
        moved = session.execute(
            update(record)
            .where(and_(record.application_name == self.view_tables.tracking_name, record.notification_id == start))
            .values(notification_id=end)
        )
        if moved.rowcount != 1:
            raise PositionMoved(f"read models moved past {start} while applying up to {end}")

    def reset_position(self) -> None:
        record = self.tracking_record_cls
        with self.transaction(commit=True) as session:
            session.execute(delete(record).where(record.application_name == self.view_tables.tracking_name))
        self._stopped = None

    # -- applying -------------------------------------------------------------

    def apply_batch(self, start: int, events: Sequence[tuple[int, DomainEventProtocol[Any]]]) -> None:
        """Applies ``events`` (notification id, domain event), which follow
        notification ``start``, and moves the position, all in one transaction."""
        if events:
            self.apply_batches(start, iter([events]), max_events=1)

    def apply_batches(
        self,
        start: int,
        batches: Iterator[Sequence[tuple[int, DomainEventProtocol[Any]]]],
        *,
        max_events: int,
        on_batch: Callable[[int, int], None] | None = None,
        counting: bool = False,
        careful: bool = False,
    ) -> int:
        """Applies batches taken from ``batches`` until ``max_events`` are
        applied or it runs out, and moves the position, in one transaction;
        returns the new position. A rebuild passes many batches per
        transaction: a story's rows then share pages, and fewer commits
        write each page fewer times. When ``batches`` itself fails (the log
        cannot be read) the batches before it are committed and the error is
        raised. With ``counting`` the position counts the events applied
        instead of being the last one's notification id (views built story
        by story, whose ids do not increase).

        A batch failing for a reason about its events rolls the transaction
        back and raises :class:`PoisonSuspected`; the caller reads the same
        batches again and passes ``careful``: each batch is then applied
        under a savepoint, a failing one halved until its poisoned events
        are found, recorded and skipped with the rest of their stories."""
        failure: BaseException | None = None
        position = start
        with self.transaction(commit=True) as session:
            self._begin(session)
            current = self._lock_position(session) or 0
            if current != start:
                raise PositionMoved(f"read models are at {current}, not {start}")
            fresh = careful or self._stopped is None
            stopped = self._read_stopped(session) if fresh else self._stopped
            work = None if careful else _Batch(self, session)
            held: list[dict[str, Any]] = []
            applied = 0
            while applied < max_events:
                try:
                    events = next(batches, None)
                except Exception as error:
                    failure = error
                    break
                if not events:
                    break
                if work is None:
                    held += self._apply_carefully(session, list(events), stopped)
                else:
                    if stopped and not fresh and any(str(e.originator_id) in stopped for _, e in events):
                        stopped, fresh = self._read_stopped(session), True  # cached: make sure
                    live = self._hold_back(events, stopped, held) if stopped else events
                    self._guarded(start, lambda live=live: work.apply(live))
                applied += len(events)
                position = start + applied if counting else events[-1][0]
                if on_batch is not None:
                    on_batch(len(events), position)
            if position != start:
                if work is not None:
                    self._guarded(start, work.finish)
                if held:
                    insert_rows(session, self.view_tables.unprojected, held)
                self._move_position(session, start, position)
        self._stopped = stopped
        if failure is not None:
            raise failure
        return position

    @staticmethod
    def _guarded(start: int, step: Callable[[], None]) -> None:
        try:
            step()
        except Exception as error:
            if isinstance(error, PositionMoved) or is_transient(error):
                raise
            raise PoisonSuspected(start, error) from error

    def _read_stopped(self, session: Session) -> dict[str, int]:
        """The stories stopped at a poisoned event, read in the transaction."""
        u = self.view_tables.unprojected
        rows = session.execute(select(u.c.story_id, u.c.notification_id).where(u.c.held_by.is_(None)))
        return {story_id: notification_id for story_id, notification_id in rows}

    @staticmethod
    def _hold_back(
        events: Sequence[tuple[int, Any]], stopped: dict[str, int], held: list[dict[str, Any]]
    ) -> list[tuple[int, Any]]:
        """The events of stories not stopped; the others go to ``held``."""
        live = []
        for notification_id, event in events:
            poisoned = stopped.get(str(event.originator_id))
            if poisoned is None:
                live.append((notification_id, event))
            else:
                held.append(_unprojected_row(notification_id, event, f"held back by event {poisoned}", poisoned))
        return live

    def _apply_carefully(
        self, session: Session, events: list[tuple[int, Any]], stopped: dict[str, int]
    ) -> list[dict[str, Any]]:
        """Applies ``events`` under savepoints, halving any part that fails
        until the poisoned event is alone; returns the rows recording the
        poisoned and held-back events. One batch that applies costs what it
        always does; a poisoned one about twice that."""
        rows: list[dict[str, Any]] = []

        def attempt(part: list[tuple[int, Any]]) -> None:
            live = self._hold_back(part, stopped, rows)
            if not live:
                return
            savepoint = session.begin_nested()
            try:
                work = _Batch(self, session)
                work.apply(live)
                work.finish()
            except Exception as error:
                savepoint.rollback()
                if is_transient(error):
                    raise
                if len(live) > 1:
                    middle = len(live) // 2
                    attempt(live[:middle])
                    attempt(live[middle:])
                    return
                notification_id, event = live[0]
                reason = reason_of(error)
                stopped[str(event.originator_id)] = notification_id
                rows.append(_unprojected_row(notification_id, event, reason, None))
                if self.log_poison:
                    log.warning(
                        "read models: event %s of story %s could not be projected: %s; "
                        "the story's views stop at the version before it",
                        notification_id,
                        event.originator_id,
                        reason,
                    )
            else:
                savepoint.commit()

        attempt(events)
        return rows

    # -- what the views do not show ---------------------------------------------

    def unprojected(self, notification_id: int) -> Unprojected | None:
        """Why an event is not in the views (poisoned or held back), if it is not."""
        u = self.view_tables.unprojected
        with self.datastore.engine.connect() as conn:  # type: ignore[union-attr]
            row = conn.execute(select(u).where(u.c.notification_id == notification_id)).mappings().first()
        return None if row is None else Unprojected(**row)

    def poisonings(self) -> list[Poisoning]:
        """Every poisoned event, in log order, with the events it holds back."""
        u = self.view_tables.unprojected
        held = select(u.c.held_by, func.count().label("held")).where(u.c.held_by.is_not(None)).group_by(u.c.held_by)
        counts = held.subquery()
        query = (
            select(u, func.coalesce(counts.c.held, 0).label("held_back"))
            .outerjoin(counts, counts.c.held_by == u.c.notification_id)
            .where(u.c.held_by.is_(None))
            .order_by(u.c.notification_id)
        )
        with self.datastore.engine.connect() as conn:  # type: ignore[union-attr]
            rows = conn.execute(query).mappings().all()
        return [
            Poisoning(Unprojected(**{k: v for k, v in row.items() if k != "held_back"}), row["held_back"])
            for row in rows
        ]

    # Used by the library's ProjectionRunner (PostgreSQL subscriptions).
    def apply_event(self, domain_event: DomainEventProtocol[Any], tracking: Tracking) -> None:
        with self.transaction(commit=True) as session:
            self._begin(session)
            current = self._lock_position(session) or 0
            if tracking.notification_id <= current:
                return  # already applied by another process: exactly once
            work = _Batch(self, session)
            work.apply([(tracking.notification_id, domain_event)])
            work.finish()
            self._move_position(session, current, tracking.notification_id)


def _unprojected_row(notification_id: int, event: Any, reason: str, held_by: int | None) -> dict[str, Any]:
    return {
        "notification_id": notification_id,
        "story_id": str(event.originator_id),
        "version": event.originator_version,
        "topic": clean_text(event.topic if isinstance(event, Undecodable) else getattr(event, "TOPIC", ""), 200),
        "reason": reason,
        "held_by": held_by,
    }


class _Batch:
    """In-memory working set of one transaction: each batch of events is
    applied in memory and its rows written with a few executemany statements;
    the stories and their facts are loaded once and written at the end."""

    def __init__(self, views: StoryViews, session: Session) -> None:
        self.views = views
        self.t = views.view_tables
        self.session = session
        self.stories: dict[str, _StoryState] = {}
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
        for notification_id, event, story_id in keyed:
            try:
                self._apply(event, story_id, notification_id)
            except Exception as error:
                raise ProjectionError(
                    f"cannot apply notification {notification_id} "
                    f"({type(event).__name__} of story {event.originator_id}): {error!r}"
                ) from error
        self._flush_rows()

    # -- loading ------------------------------------------------------------

    def _preload(self, story_ids: set[str]) -> None:
        if not story_ids:
            return
        t = self.t
        rows = self.session.execute(select(t.stories).where(t.stories.c.story_id.in_(story_ids))).mappings()
        loaded = []
        for row in rows:
            self.stories[row["story_id"]] = _StoryState(dict(row), is_new=False)
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
        for start in range(0, len(wanted), 400):
            chunk = wanted[start : start + 400]
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

    def _report(self, story_id: str, report_id: str) -> dict[str, Any]:
        key = (story_id, report_id)
        if key in self.new_reports:
            return self.new_reports[key]
        try:
            return self.changed_reports[key]
        except KeyError:
            raise ProjectionError(f"report {report_id!r} of story {story_id} is not in the read models") from None

    # -- events ---------------------------------------------------------------

    def _apply(self, event: Any, story_id: str, notification_id: int) -> None:
        if isinstance(event, Undecodable):
            raise ProjectionError(f"topic {clean_text(event.topic, 120)!r} does not decode ({event.error})")
        recorded_at = utc(event.timestamp)
        self.versions.append(
            {
                "story_id": story_id,
                "version": event.originator_version,
                "recorded_at": recorded_at,
                "event_type": type(event).__name__,
            }
        )
        if isinstance(event, Story.Opened):
            row = {
                "story_id": story_id,
                "slug": event.slug,
                "title": event.title,
                "summary": event.summary,
                "status": "developing",
                "rules": event.rules,
                "version": 1,
                "report_count": 0,
                "report_total": 0,
                "last_report_id": None,
                "last_published_at": None,
                "last_recorded_at": recorded_at,
                "opened_at": recorded_at,
                "updated_at": recorded_at,
            }
            self.stories[story_id] = _StoryState(row, is_new=True)
            self._story_changed(row)
            return
        state = self.stories[story_id]
        story = state.row
        if event.originator_version != story["version"] + 1:
            raise ProjectionError(f"version {event.originator_version} follows {story['version']}")
        story["version"] = event.originator_version
        story["updated_at"] = story["last_recorded_at"] = recorded_at
        if isinstance(event, Story.ReportAdded):
            self._report_added(state, event, recorded_at, notification_id)
        elif isinstance(event, Story.ReportCorrected):
            report = self._report(story_id, event.report_id)
            for name, (_old, new) in event.changes.items():
                report[name] = new
            report["corrections"] = [
                *report["corrections"],
                {
                    "version": event.originator_version,
                    "recorded_at": recorded_at.isoformat(),
                    "reason": event.reason,
                    "by": event.by,
                    "changes": event.changes,
                },
            ]
            self._index(report)
        elif isinstance(event, Story.ReportRetracted):
            report = self._report(story_id, event.report_id)
            report["retracted_version"] = event.originator_version
            report["retracted_at"] = recorded_at
            report["retraction_reason"] = event.reason
            self._retract_fact_rows(report, event.originator_version)
            story["report_count"] -= 1
            state.recompute |= self._facts_held_by(state, event.report_id)
        elif isinstance(event, Story.ReportReclassified):
            report = self._report(story_id, event.report_id)
            report["reclassifications"] = [
                *report["reclassifications"],
                {
                    "version": event.originator_version,
                    "previous": {
                        "kinds": report["kinds"],
                        "parties": report["parties"],
                        "classified_by": report["classified_by"],
                        "evidence": report["evidence"],
                        "speakers": report["speakers"],
                    },
                },
            ]
            report["kinds"] = list(event.kinds)
            report["parties"] = list(event.parties)
            report["classified_by"] = event.by
            report["evidence"] = list(event.evidence)
            if event.speakers is not None:
                report["speakers"] = list(event.speakers)
            self._close_fact_rows(report, event.originator_version)
            candidates = self._add_fact_rows(report, event.originator_version)
            self._index(report)
            state.recompute |= self._facts_held_by(state, event.report_id)
            if report["retracted_version"] is None:
                order = (utc(report["published_at"]), report["seq"])
                state.dirty_facts |= state.facts.add(order, report["report_id"], (), (), candidates)
        elif isinstance(event, Story.Retitled):
            story["title"] = event.title
            self._story_changed(story)
        elif isinstance(event, Story.StatusChanged):
            story["status"] = event.status
            self._story_changed(story)
        elif isinstance(event, Story.RulesChanged):
            story["rules"] = event.rules
            self._story_changed(story)
        else:
            raise ProjectionError(f"no read model handles {type(event).TOPIC!r}")

    def _report_added(self, state: _StoryState, event: Any, recorded_at: datetime, notification_id: int) -> None:
        """The report's row id is its event's notification id: the same in
        an incremental projection, a rebuild and a rebuild split by story."""
        story = state.row
        story["report_total"] += 1
        story["report_count"] += 1
        published_at = utc(event.published_at)
        row = {
            "id": notification_id,
            "story_id": story["story_id"],
            "report_id": event.report_id,
            "seq": story["report_total"],
            "headline": event.headline,
            "summary": event.summary,
            "url": event.url,
            "outlet": event.outlet,
            "attribution": event.attribution,
            "parties": list(event.parties),
            "kinds": list(event.kinds),
            "origin_kind": event.origin.get("kind", ""),
            "origin_ref": event.origin.get("ref", ""),
            "origin_feed": event.origin.get("feed", ""),
            "published_at": published_at,
            "recorded_at": recorded_at,
            "version_added": event.originator_version,
            "corrections": [],
            "reclassifications": [],
            "retracted_version": None,
            "retracted_at": None,
            "retraction_reason": "",
            "classified_by": event.classified_by,
            "evidence": list(event.evidence),
            "speakers": list(event.speakers),
        }
        self.new_reports[(story["story_id"], event.report_id)] = row
        candidates = self._add_fact_rows(row, event.originator_version)
        self._index(row)
        changed = state.facts.add((published_at, row["seq"]), row["report_id"], (), (), candidates)
        state.dirty_facts |= changed

    def _add_fact_rows(self, report: dict[str, Any], version: int) -> list[tuple[str, str]]:
        ord_ = order_text(report["published_at"], report["seq"])
        rows = self.new_fact_rows.setdefault(report["id"], [])
        candidates = fact_candidates(report["kinds"], report["parties"], report["speakers"])
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

    def _close_fact_rows(self, report: dict[str, Any], version: int) -> None:
        for row in self.new_fact_rows.get(report["id"], ()):
            if row["version_to"] is None:
                row["version_to"] = version
        self.fact_row_updates.append(("version_to", report["story_id"], report["id"], version))

    def _retract_fact_rows(self, report: dict[str, Any], version: int) -> None:
        for row in self.new_fact_rows.get(report["id"], ()):
            row["retracted_version"] = version
        self.fact_row_updates.append(("retracted_version", report["story_id"], report["id"], version))

    def _story_changed(self, story: dict[str, Any]) -> None:
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

    def _index(self, report: dict[str, Any]) -> None:
        self.search_upserts[report["id"]] = report

    # -- writing ----------------------------------------------------------------

    def _flush_rows(self) -> None:
        """Writes the batch's event rows and clears them: reports, versions,
        candidate rows, story changes, search; the facts the batch's
        retractions and reclassifications unseated are found again."""
        t = self.t
        s = self.session
        mark = placeholder(s)
        insert_rows(s, t.reports, list(self.new_reports.values()))
        update_rows(s, t.reports, ["id"], list(self.changed_reports.values()))
        insert_rows(s, t.versions, self.versions)
        fr = t.fact_rows
        # story_id, the primary key's first column, finds the report's rows.
        execute_many(
            s,
            f"UPDATE {fr.name} SET version_to = {mark} WHERE story_id = {mark} AND row_id = {mark} AND version_to IS NULL",
            [
                (version, story, row_id)
                for column, story, row_id, version in self.fact_row_updates
                if column == "version_to"
            ],
        )
        execute_many(
            s,
            f"UPDATE {fr.name} SET retracted_version = {mark} WHERE story_id = {mark} AND row_id = {mark}",
            [
                (version, story, row_id)
                for column, story, row_id, version in self.fact_row_updates
                if column != "version_to"
            ],
        )
        new_fact_rows = [row for rows in self.new_fact_rows.values() for row in rows]
        insert_rows(s, fr, new_fact_rows)
        self._add_fact_keys({(row["story_id"], row["fact_key"]) for row in new_fact_rows})
        if self.story_changes:
            s.execute(insert(t.story_changes), self.story_changes)
        self._write_search()
        for state in self.stories.values():
            if state.recompute:
                self._recompute(state)
                state.recompute = set()
        self.new_reports, self.changed_reports, self.search_upserts, self.new_fact_rows = {}, {}, {}, {}
        self.versions, self.story_changes, self.fact_row_updates = [], [], []

    def finish(self) -> None:
        """Writes the stories and the facts that changed, once per transaction."""
        t = self.t
        s = self.session
        mark = placeholder(s)
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
        facts = t.facts
        execute_many(s, f"DELETE FROM {facts.name} WHERE story_id = {mark} AND fact_key = {mark}", stale_facts)
        insert_rows(s, facts, fresh_facts)
        insert_rows(s, t.stories, [st.row for st in self.stories.values() if st.is_new])
        update_rows(s, t.stories, ["story_id"], [st.row for st in self.stories.values() if not st.is_new])

    def _add_fact_keys(self, pairs: set[tuple[str, str]]) -> None:
        if not pairs:
            return
        table = self.t.fact_keys
        if self.views.dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert  # type: ignore[assignment]
        self.session.execute(
            dialect_insert(table).on_conflict_do_nothing(),
            [{"story_id": story_id, "fact_key": key} for story_id, key in sorted(pairs)],
        )

    def _fact_rows(self, state: _StoryState, keys: Iterable[str]) -> list[dict[str, Any]]:
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

    @staticmethod
    def _facts_held_by(state: _StoryState, report_id: str) -> set[str]:
        return {key for key, fact in state.facts.latest.items() if fact.report_id == report_id}

    def _recompute(self, state: _StoryState) -> None:
        """After a retraction or reclassification: the latest live candidate of
        each fact that report held, read backwards along the primary key
        (the candidate rows of this batch are already written)."""
        fr = self.t.fact_rows
        mark = placeholder(self.session)
        story_id = state.row["story_id"]
        with driver_cursor(self.session.connection()) as cursor:
            for key in sorted(state.recompute):
                cursor.execute(
                    f"SELECT ord, report_id, kind FROM {fr.name} WHERE story_id = {mark} AND fact_key = {mark}"
                    " AND version_to IS NULL AND retracted_version IS NULL ORDER BY ord DESC LIMIT 1",
                    (story_id, key),
                )
                found = cursor.fetchone()
                if found is None:
                    state.facts.latest.pop(key, None)
                else:
                    state.facts.latest[key] = Fact(parse_order_text(found[0]), found[1], found[2])
        state.dirty_facts |= state.recompute

    def _write_search(self) -> None:
        if not self.search_upserts or (self.views.rebuilding and self.views.dialect == "sqlite"):
            return
        name = self.t.search_name
        rows = [
            {
                "id": r["id"],
                "headline": r["headline"],
                "summary": r["summary"],
                "outlet": r["outlet"],
                "parties": " ".join(r["parties"]),
            }
            for r in self.search_upserts.values()
        ]
        if self.views.dialect == "sqlite":
            new_ids = {r["id"] for r in self.new_reports.values()}
            old = [{"id": r["id"]} for r in rows if r["id"] not in new_ids]
            if old:
                self.session.execute(text(f"DELETE FROM {name} WHERE rowid = :id"), old)
            execute_many(
                self.session,
                f"INSERT INTO {name} (rowid, headline, summary, outlet, parties) VALUES (?, ?, ?, ?, ?)",
                [(r["id"], r["headline"], r["summary"], r["outlet"], r["parties"]) for r in rows],
            )
        else:
            # PostgreSQL's parser keeps "Character.AI" as one host-name token;
            # split on punctuation as SQLite's unicode61 tokenizer does.
            columns: dict[str, list[Any]] = {c: [] for c in ("id", "headline", "summary", "outlet", "parties")}
            for row in rows:
                columns["id"].append(row["id"])
                for column in ("headline", "summary", "outlet", "parties"):
                    columns[column].append(_WORDS_ONLY.sub(" ", row[column]))
            # One statement for the whole batch, the rows passed as arrays.
            execute_many(
                self.session,
                f"INSERT INTO {name} (id, document) SELECT u.id, "
                "setweight(to_tsvector('simple', u.h), 'A') || to_tsvector('simple', u.s || ' ' || u.o || ' ' || u.p) "
                "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[]) AS u(id, h, s, o, p) "
                "ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document",
                [tuple(columns.values())],
            )
