"""The read models' SQL tables, defined once and instantiable under a prefix.

The live views use the prefix ``rm_`` on :data:`tracker.sql.metadata`;
``tracker replay --verify`` builds a second set under ``rmv_`` and compares.
Full-text search is FTS5 on SQLite and a tsvector with a GIN index on
PostgreSQL, created next to the other tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.engine import Engine

from tracker import sql
from tracker.readmodels.search_index import create_search, drop_search

#: Bump a view's number when its table or content changes: start-up and
#: ``tracker replay`` rebuild the read models from the event log.
VIEW_VERSIONS: dict[str, int] = {
    "stories": 1,
    "story_changes": 1,
    "reports": 7,  # 7: reclassifications say who and when; corrections of dates and parties
    "facts": 2,
    "versions": 2,
    "search": 2,
    "fact_rows": 8,
}

_DEFERRED = (
    "reports_published",
    "reports_story_version",
    "reports_story_published_retracted",
    "versions_story_recorded",
)

_BIG = BigInteger().with_variant(Integer(), "sqlite")


@dataclass(frozen=True)
class ViewTables:
    prefix: str
    tracking_name: str
    metadata: MetaData
    meta: Table
    stories: Table
    story_changes: Table
    reports: Table
    facts: Table
    versions: Table
    fact_rows: Table
    fact_keys: Table
    unprojected: Table

    @property
    def search_name(self) -> str:
        return f"{self.prefix}search"

    @property
    def deferred_indexes(self) -> list[Index]:
        """Indexes the projection never reads through: a replay from zero
        drops them and builds each once at the end (one sort instead of a
        million scattered B-tree inserts)."""
        wanted = {self.prefix + name for name in _DEFERRED}
        return [index for table in self.all for index in table.indexes if index.name in wanted]

    @property
    def all(self) -> list[Table]:
        return [
            self.stories,
            self.story_changes,
            self.reports,
            self.facts,
            self.versions,
            self.fact_rows,
            self.fact_keys,
            self.unprojected,
        ]


def define(metadata: MetaData, prefix: str, tracking_name: str, *, by_story: bool = False) -> ViewTables:
    """The views' tables. ``by_story`` is the layout of a part of a rebuild,
    written story by story: its reports keep their id in a unique index
    instead of as the row key, so that rows are appended in the order they
    come instead of inserted all over the table (notification ids do not
    increase in story order)."""
    stories = Table(
        f"{prefix}stories",
        metadata,
        Column("story_id", String(36), primary_key=True),
        Column("slug", String(120), nullable=False, unique=True),
        Column("title", Text, nullable=False),
        Column("summary", Text, nullable=False),
        Column("status", String(20), nullable=False),
        Column("rules", JSON, nullable=False),
        Column("version", Integer, nullable=False),
        Column("report_count", Integer, nullable=False),
        Column("report_total", Integer, nullable=False),
        Column("last_report_id", String(200)),
        Column("last_published_at", DateTime(timezone=True)),
        Column("last_recorded_at", DateTime(timezone=True)),
        Column("opened_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    story_changes = Table(
        f"{prefix}story_changes",
        metadata,
        Column("story_id", String(36), primary_key=True),
        Column("version", Integer, primary_key=True),
        Column("title", Text, nullable=False),
        Column("summary", Text, nullable=False),
        Column("status", String(20), nullable=False),
        Column("rules", JSON, nullable=False),
    )
    reports = Table(
        f"{prefix}reports",
        metadata,
        Column("id", _BIG, primary_key=not by_story, autoincrement=False, nullable=False),
        Column("story_id", String(36), nullable=False),
        Column("report_id", String(200), nullable=False),
        Column("seq", Integer, nullable=False),
        Column("headline", Text, nullable=False),
        Column("summary", Text, nullable=False),
        Column("url", Text, nullable=False),
        Column("outlet", Text, nullable=False),
        Column("attribution", Text, nullable=False),
        Column("parties", JSON, nullable=False),
        Column("kinds", JSON, nullable=False),
        Column("origin_kind", String(20), nullable=False),
        Column("origin_ref", Text, nullable=False),
        Column("origin_feed", Text, nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("version_added", Integer, nullable=False),
        Column("corrections", JSON, nullable=False),
        Column("reclassifications", JSON, nullable=False),
        Column("retracted_version", Integer),
        Column("retracted_at", DateTime(timezone=True)),
        Column("retraction_reason", Text, nullable=False),
        Column("classified_by", Text, nullable=False),
        Column("evidence", JSON, nullable=False),
        Column("speakers", JSON, nullable=False),
        Column("reading", JSON),  # Reading.to_dict(); NULL for reports recorded before readings
        Column("cluster_lead", String(200)),  # the lead this report's text is a copy of; NULL: independent
        Column("clusterings", JSON, nullable=False),  # [{"version", "lead"}]: cluster_lead as of any version
        Index(f"{prefix}reports_story_report", "story_id", "report_id", unique=True),
        *([Index(f"{prefix}reports_id", "id", unique=True)] if by_story else []),
        Index(f"{prefix}reports_published", "story_id", "published_at", "seq", "version_added"),
        # Covering indexes for counting reports as of a version or a date.
        Index(f"{prefix}reports_story_version", "story_id", "version_added", "retracted_version"),
        Index(f"{prefix}reports_story_published_retracted", "story_id", "published_at", "retracted_version"),
    )
    facts = Table(
        f"{prefix}facts",
        metadata,
        Column("story_id", String(36), primary_key=True),
        Column("fact_key", String(260), primary_key=True),
        Column("report_id", String(200), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=False),
        Column("seq", Integer, nullable=False),
        Column("kind", String(40), nullable=False),
    )
    versions = Table(
        f"{prefix}versions",
        metadata,
        Column("story_id", String(36), primary_key=True),
        Column("version", Integer, primary_key=True),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("event_type", String(60), nullable=False),
        Index(f"{prefix}versions_story_recorded", "story_id", "recorded_at"),
        sqlite_with_rowid=False,  # one B-tree per row, not a table and its key's index
    )
    # Every fact each report is a candidate for, with the versions it held
    # from/to (reclassification) and its retraction: time travel asks SQL for
    # the latest candidate per fact instead of folding thousands of reports.
    fact_rows = Table(
        f"{prefix}fact_rows",
        metadata,
        # Clustered by story, fact and order, so "the latest per fact" reads
        # one contiguous range (WITHOUT ROWID on SQLite).
        Column("story_id", String(36), primary_key=True),
        Column("fact_key", String(260), primary_key=True),
        Column("ord", String(40), primary_key=True),  # "published_at|seq", sortable as text
        Column("version_from", Integer, primary_key=True),
        Column("row_id", _BIG, nullable=False),  # the report's id in the reports table
        Column("report_id", String(200), nullable=False),
        Column("kind", String(40), nullable=False),
        Column("version_to", Integer),
        Column("retracted_version", Integer),
        # No index on row_id: a retraction or reclassification finds its
        # report's rows by story_id, the key's first column (a few ms in a
        # 10,000-report story), and a replay saves building one.
        sqlite_with_rowid=False,
    )
    fact_keys = Table(
        f"{prefix}fact_keys",
        metadata,
        Column("story_id", String(36), primary_key=True),
        Column("fact_key", String(260), primary_key=True),
    )
    # Events the views could not apply (see ``view.py``, poisoned events):
    # the poisoned event itself (held_by NULL) and every later event of its
    # story, held back so the story's views stop at the version before it.
    # No timestamps: a clean rebuild records the same rows.
    unprojected = Table(
        f"{prefix}unprojected",
        metadata,
        Column("notification_id", _BIG, primary_key=True, autoincrement=False),
        Column("story_id", String(36), nullable=False),
        Column("version", Integer, nullable=False),
        Column("topic", Text, nullable=False),
        Column("reason", Text, nullable=False),
        Column("held_by", _BIG),
        Index(f"{prefix}unprojected_story", "story_id"),
    )
    meta = Table(
        f"{prefix}meta",
        metadata,
        Column("view", String(60), primary_key=True),
        Column("version", Integer, nullable=False),
    )
    return ViewTables(
        prefix=prefix,
        tracking_name=tracking_name,
        metadata=metadata,
        meta=meta,
        stories=stories,
        story_changes=story_changes,
        reports=reports,
        facts=facts,
        versions=versions,
        fact_rows=fact_rows,
        fact_keys=fact_keys,
        unprojected=unprojected,
    )


LIVE = define(sql.metadata, "rm_", "Newsroom")


def create_all(engine: Engine, tables: ViewTables) -> None:
    with engine.begin() as conn:
        tables.metadata.create_all(conn, tables=[tables.meta, *tables.all], checkfirst=True)
    create_deferred_indexes(engine, tables)  # and the search table


def drop_deferred_indexes(engine: Engine, tables: ViewTables) -> None:
    with engine.begin() as conn:
        for index in tables.deferred_indexes:
            index.drop(conn, checkfirst=True)
        if conn.dialect.name == "postgresql":  # the search's GIN index
            conn.execute(text(f"DROP INDEX IF EXISTS {tables.search_name}_gin"))


def create_deferred_indexes(engine: Engine, tables: ViewTables) -> None:
    """Builds any deferred index that is missing (a replay that was stopped
    before its end left them out), and the search table with its index."""
    with engine.begin() as conn:
        for index in tables.deferred_indexes:
            index.create(conn, checkfirst=True)
        create_search(conn, tables)


def drop_all(engine: Engine, tables: ViewTables) -> None:
    """Drops every view. On SQLite built with SECURE_DELETE (Debian's) a drop
    would first overwrite every page of the views with zeros, ten times the
    drop itself; views only repeat what the event log holds, so not here."""
    with engine.begin() as conn:
        secure = conn.exec_driver_sql("PRAGMA secure_delete").scalar() if conn.dialect.name == "sqlite" else None
        if secure:
            conn.exec_driver_sql("PRAGMA secure_delete = OFF")
        try:
            drop_search(conn, tables)
            for table in reversed([tables.meta, *tables.all]):
                table.drop(conn, checkfirst=True)
        finally:
            if secure:
                conn.exec_driver_sql(f"PRAGMA secure_delete = {int(secure)}")
