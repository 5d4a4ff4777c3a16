"""The ingestion tables: feeds (with health and claims), the wire archive,
per-story decisions (appended, suggested, accepted, rejected) and the rules
each story was last matched with.

Uniqueness in the database, not in memory, is what makes ingestion
exactly-once: an item is stored once per feed (``feed_id, identity_key``),
a story decides once per item (``story_slug, item_id``), and the report an
item creates has an id derived from feed and item identity, so the story
aggregate itself refuses a second one.

A column added later is added to an existing database when the schema is
created (``tracker init``, every start): see :func:`_add_item_content`.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, ProgrammingError

from tracker.sql import metadata

feeds = Table(
    "ingest_feeds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", String(2000), nullable=False, unique=True),
    Column("name", String(300), nullable=False, default=""),
    Column("title", String(300), nullable=False, default=""),
    Column("source", String(20), nullable=False, default="cli"),
    Column("interval_seconds", Integer, nullable=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("etag", String(1000), nullable=False, default=""),
    Column("last_modified", String(200), nullable=False, default=""),
    Column("body_hash", String(64), nullable=False, default=""),
    Column("last_checked_at", DateTime(timezone=True), nullable=True),
    Column("last_success_at", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=False, default=""),
    Column("last_error_at", DateTime(timezone=True), nullable=True),
    Column("last_warning", Text, nullable=False, default=""),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("next_check_at", DateTime(timezone=True), nullable=False),
    Column("claimed_by", String(100), nullable=True),
    Column("claim_token", String(40), nullable=True),
    Column("claim_expires_at", DateTime(timezone=True), nullable=True),
    Column("items_total", Integer, nullable=False, default=0),
)
Index("ix_ingest_feeds_due", feeds.c.next_check_at)

items = Table(
    "ingest_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("feed_id", Integer, nullable=False),
    Column("feed_url", String(2000), nullable=False),
    Column("feed_name", String(300), nullable=False, default=""),
    Column("identity", Text, nullable=False),
    Column("identity_key", String(40), nullable=False),
    Column("report_id", String(64), nullable=False),
    Column("guid", Text, nullable=False, default=""),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False, default=""),
    Column("link", Text, nullable=False, default=""),
    Column("link_key", Text, nullable=False, default=""),
    Column("authors", Text, nullable=False, default=""),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Column("content_hash", String(40), nullable=False),
    Column("revision", Integer, nullable=False, default=1),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    Column("revised_at", DateTime(timezone=True), nullable=True),
    Column("search_text", Text, nullable=False, default=""),
    Column("pending", Boolean, nullable=False, default=True),
    # the full text (content:encoded) when the feed gives more than the summary
    Column("content", Text, nullable=False, default="", server_default=""),
    # identity beyond feed + GUID (see identity.py): the link as compared, the content fingerprint,
    # and the item this one is a copy of (another feed's, or the same article under two GUIDs)
    Column("link_id", String(32), nullable=False, default="", server_default=""),
    Column("fingerprint", String(32), nullable=False, default="", server_default=""),
    Column("original_id", Integer, nullable=True),
    UniqueConstraint("feed_id", "identity_key", name="uq_ingest_items_feed_identity"),
)
Index("ix_ingest_items_pending", items.c.feed_id, items.c.pending)
Index("ix_ingest_items_link_id", items.c.link_id)
Index("ix_ingest_items_fingerprint", items.c.fingerprint)

#: Columns added after the first release: (name, DDL type and default), see :func:`_add_item_content`.
ADDED_ITEM_COLUMNS = (
    ("content", "TEXT NOT NULL DEFAULT ''"),
    ("link_id", "VARCHAR(32) NOT NULL DEFAULT ''"),
    ("fingerprint", "VARCHAR(32) NOT NULL DEFAULT ''"),
    ("original_id", "INTEGER"),
)

#: Each change of an archived item's identity, for inspection: its link changed
#: (same GUID), its GUID changed (same link or fingerprint), or it arrived as a
#: copy through another feed. ``old_key`` (the old identity's key) keeps an old
#: GUID known: the item is not new when it shows up again.
identity_changes = Table(
    "ingest_identity_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", Integer, nullable=False),
    Column("feed_id", Integer, nullable=False),
    Column("feed_url", String(2000), nullable=False),
    # link-changed | guid-changed | copy
    Column("kind", String(20), nullable=False),
    Column("old_identity", Text, nullable=False, default=""),
    Column("new_identity", Text, nullable=False, default=""),
    Column("old_key", String(40), nullable=False, default=""),
    Column("old_link", Text, nullable=False, default=""),
    Column("new_link", Text, nullable=False, default=""),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)
Index("ix_ingest_identity_changes_alias", identity_changes.c.feed_id, identity_changes.c.old_key)
Index("ix_ingest_identity_changes_item", identity_changes.c.item_id)

decisions = Table(
    "ingest_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("suggestion_id", String(40), nullable=False, unique=True),
    Column("story_slug", String(120), nullable=False),
    Column("item_id", Integer, nullable=False),
    # appended | suggested | accepted | rejected | duplicate | withdrawn
    Column("outcome", String(20), nullable=False),
    Column("strength", String(10), nullable=False),
    Column("rules_digest", String(20), nullable=False, default=""),
    Column("story_version", Integer, nullable=False, default=0),
    Column("explanation", Text, nullable=False, default=""),
    Column("report_id", String(200), nullable=False, default=""),
    Column("content_hash", String(40), nullable=False, default=""),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(200), nullable=False, default=""),
    UniqueConstraint("story_slug", "item_id", name="uq_ingest_decisions_story_item"),
)
Index("ix_ingest_decisions_story", decisions.c.story_slug, decisions.c.outcome)
#: The decisions on a batch of items, whatever the story (each cycle looks them up).
Index("ix_ingest_decisions_item", decisions.c.item_id)

story_rules = Table(
    "ingest_story_rules",
    metadata,
    Column("story_slug", String(120), primary_key=True),
    Column("rules_digest", String(20), nullable=False),
    Column("matched_at", DateTime(timezone=True), nullable=False),
)


@event.listens_for(metadata, "after_create")
def _add_item_content(_target: object, connection: Connection, **_kw: object) -> None:
    """Archives made before items kept their full content, link ids and
    fingerprints get the columns and their indexes, and the items already
    archived get their keys (idempotent; several workers starting at once
    may race here: a column another one added is left as it is)."""
    inspector = inspect(connection)
    if inspector.has_table(decisions.name):  # made before it was indexed by item
        connection.execute(text(f"CREATE INDEX IF NOT EXISTS ix_{decisions.name}_item ON {decisions.name} (item_id)"))
    if not inspector.has_table(items.name):
        return
    present = {column["name"] for column in inspector.get_columns(items.name)}
    added = [name for name, ddl in ADDED_ITEM_COLUMNS if name not in present and _add_column(connection, name, ddl)]
    if "link_id" not in added:
        return
    for name in ("link_id", "fingerprint"):
        connection.execute(text(f"CREATE INDEX IF NOT EXISTS ix_{items.name}_{name} ON {items.name} ({name})"))
    from tracker.ingest.store.identities import backfill_identities  # the store imports these tables

    backfill_identities(connection)


def _add_column(connection: Connection, name: str, ddl: str) -> bool:
    """Adds a column to the archive; False when another worker added it meanwhile."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"ALTER TABLE {items.name} ADD COLUMN IF NOT EXISTS {name} {ddl}"))
        return True
    try:
        connection.execute(text(f"ALTER TABLE {items.name} ADD COLUMN {name} {ddl}"))
    except (OperationalError, ProgrammingError) as error:
        if "duplicate column" not in str(error).lower():
            raise
        return False
    return True
