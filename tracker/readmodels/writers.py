"""Row writers: how a working set's rows reach the database, one per dialect.

Both write a batch's rows with a few executemany statements (PostgreSQL's
inserts go by COPY, see :mod:`.bulk`); they differ in the upsert of fact
keys and in the search index (FTS5 rows on SQLite, left alone while the
views are rebuilt and filled in one statement at the end; tsvectors from
arrays in one statement on PostgreSQL).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tracker.domain.state import Fact
from tracker.readmodels.bulk import execute_many, insert_rows, placeholder, update_rows
from tracker.readmodels.tables import ViewTables
from tracker.readmodels.values import parse_order_text
from tracker.sql import driver_cursor

if TYPE_CHECKING:
    from tracker.readmodels.batch import StoryState, WorkingSet

_WORDS_ONLY = re.compile(r"[^\w]+")
_SEARCHED = ("headline", "summary", "outlet", "parties")


class RowWriter:
    """Writes a working set's rows in one session; the dialect's subclass
    writes the fact keys and the search index."""

    def __init__(self, session: Session, tables: ViewTables, *, rebuilding: bool = False) -> None:
        self.session = session
        self.t = tables
        #: Whether the search index is left alone (filled once at the end of a rebuild).
        self.search_deferred = False
        self.mark = placeholder(session)

    def write_rows(self, work: WorkingSet) -> None:
        """A batch's event rows: reports, versions, candidate rows, story changes, search."""
        t, s, mark = self.t, self.session, self.mark
        insert_rows(s, t.reports, list(work.new_reports.values()))
        update_rows(s, t.reports, ["id"], list(work.changed_reports.values()))
        insert_rows(s, t.versions, work.versions)
        fr = t.fact_rows
        updates = work.fact_row_updates
        # story_id, the primary key's first column, finds the report's rows.
        execute_many(
            s,
            f"UPDATE {fr.name} SET version_to = {mark} WHERE story_id = {mark} AND row_id = {mark} AND version_to IS NULL",
            [(version, story, row_id) for column, story, row_id, version in updates if column == "version_to"],
        )
        execute_many(
            s,
            f"UPDATE {fr.name} SET retracted_version = {mark} WHERE story_id = {mark} AND row_id = {mark}",
            [(version, story, row_id) for column, story, row_id, version in updates if column != "version_to"],
        )
        new_fact_rows = [row for rows in work.new_fact_rows.values() for row in rows]
        insert_rows(s, fr, new_fact_rows)
        pairs = {(row["story_id"], row["fact_key"]) for row in new_fact_rows}
        if pairs:
            self.add_fact_keys(sorted(pairs))
        if work.story_changes:
            s.execute(insert(t.story_changes), work.story_changes)
        if work.search_upserts and not self.search_deferred:
            rows = [
                {
                    "id": r["id"],
                    "headline": r["headline"],
                    "summary": r["summary"],
                    "outlet": r["outlet"],
                    "parties": " ".join(r["parties"]),
                }
                for r in work.search_upserts.values()
            ]
            self.write_search(rows, {r["id"] for r in work.new_reports.values()})

    def write_stories(
        self,
        stale_facts: Sequence[tuple[str, str]],
        fresh_facts: Sequence[dict[str, Any]],
        new_stories: Sequence[dict[str, Any]],
        stored_stories: Sequence[dict[str, Any]],
    ) -> None:
        """The transaction's stories and the facts that changed."""
        t, s = self.t, self.session
        execute_many(
            s, f"DELETE FROM {t.facts.name} WHERE story_id = {self.mark} AND fact_key = {self.mark}", stale_facts
        )
        insert_rows(s, t.facts, fresh_facts)
        insert_rows(s, t.stories, new_stories)
        update_rows(s, t.stories, ["story_id"], stored_stories)

    def recompute(self, state: StoryState) -> None:
        """After a retraction or reclassification: the latest live candidate of
        each fact that report held, read backwards along the primary key
        (the candidate rows of this batch are already written)."""
        fr, mark = self.t.fact_rows, self.mark
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

    def add_fact_keys(self, pairs: Sequence[tuple[str, str]]) -> None:
        raise NotImplementedError

    def write_search(self, rows: list[dict[str, Any]], new_ids: set[int]) -> None:
        raise NotImplementedError


class SQLiteRowWriter(RowWriter):
    def __init__(self, session: Session, tables: ViewTables, *, rebuilding: bool = False) -> None:
        super().__init__(session, tables, rebuilding=rebuilding)
        self.search_deferred = rebuilding  # FTS5 builds faster in one pass

    def add_fact_keys(self, pairs: Sequence[tuple[str, str]]) -> None:
        self.session.execute(
            sqlite.insert(self.t.fact_keys).on_conflict_do_nothing(),
            [{"story_id": story_id, "fact_key": key} for story_id, key in pairs],
        )

    def write_search(self, rows: list[dict[str, Any]], new_ids: set[int]) -> None:
        name = self.t.search_name
        old = [{"id": r["id"]} for r in rows if r["id"] not in new_ids]
        if old:
            self.session.execute(text(f"DELETE FROM {name} WHERE rowid = :id"), old)
        execute_many(
            self.session,
            f"INSERT INTO {name} (rowid, headline, summary, outlet, parties) VALUES (?, ?, ?, ?, ?)",
            [(r["id"], r["headline"], r["summary"], r["outlet"], r["parties"]) for r in rows],
        )


class PostgresRowWriter(RowWriter):
    def add_fact_keys(self, pairs: Sequence[tuple[str, str]]) -> None:
        self.session.execute(
            postgresql.insert(self.t.fact_keys).on_conflict_do_nothing(),
            [{"story_id": story_id, "fact_key": key} for story_id, key in pairs],
        )

    def write_search(self, rows: list[dict[str, Any]], new_ids: set[int]) -> None:
        # PostgreSQL's parser keeps "Character.AI" as one host-name token;
        # split on punctuation as SQLite's unicode61 tokenizer does.
        columns: dict[str, list[Any]] = {c: [] for c in ("id", *_SEARCHED)}
        for row in rows:
            columns["id"].append(row["id"])
            for column in _SEARCHED:
                columns[column].append(_WORDS_ONLY.sub(" ", row[column]))
        # One statement for the whole batch, the rows passed as arrays.
        execute_many(
            self.session,
            f"INSERT INTO {self.t.search_name} (id, document) SELECT u.id, "
            "setweight(to_tsvector('simple', u.h), 'A') || to_tsvector('simple', u.s || ' ' || u.o || ' ' || u.p) "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[]) AS u(id, h, s, o, p) "
            "ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document",
            [tuple(columns.values())],
        )


def writer_for(session: Session, tables: ViewTables, *, rebuilding: bool = False) -> RowWriter:
    """The row writer for the session's database."""
    dialect = session.get_bind().dialect.name
    cls = SQLiteRowWriter if dialect == "sqlite" else PostgresRowWriter
    return cls(session, tables, rebuilding=rebuilding)
