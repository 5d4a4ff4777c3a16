"""The archive's bulk statements on SQLite and PostgreSQL: many rows at once,
each archived once, all marked processed, and decisions found by item through an index."""

from __future__ import annotations

from sqlalchemy import func, select, text

from tracker.ingest.parser import parse_feed
from tracker.ingest.store import Document, IngestStore
from tracker.ingest.tables import items
from tracker.sql import ROWS_PER_INSERT, create_schema


def rss(count: int) -> bytes:
    entries = "".join(
        f"<item><title>Character.AI and Meta, part {n}</title><link>https://wire.example/{n}</link>"
        f"<guid>item-{n}</guid><description>Talks continue.</description></item>"
        for n in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{entries}</channel></rss>'.encode()


def archive(store: IngestStore, body: bytes) -> list:
    (claim,) = store.claim_due("poller-a", limit=1, lease_seconds=60)
    parsed = parse_feed(body, {}, claim.feed.url)
    return store.store_documents([Document(claim, parsed.items, "Feed", {"body_hash": "h"}, {"title": "F"})])


def test_a_feed_of_more_items_than_one_insert_holds_archives_each_once_and_marks_all_processed(runtime) -> None:
    store = IngestStore(runtime.engine)
    store.add_feed("https://wire.example/big.xml", source="test")
    count = 2 * ROWS_PER_INSERT + 7
    assert archive(store, rss(count)) == [(count, 0)]
    with runtime.engine.connect() as conn:
        titles = [r[0] for r in conn.execute(select(items.c.title).order_by(items.c.id))]
    assert titles == [f"Character.AI and Meta, part {n}" for n in range(count)]
    pending = store.pending_items(limit=count + 10)
    assert len(pending) == count
    store.mark_processed(i.id for i in pending)
    assert store.pending_items() == []
    with runtime.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(items).where(items.c.pending)).scalar() == 0


def test_decisions_are_looked_up_by_item_through_an_index_also_in_a_store_made_before_it(runtime) -> None:
    engine = runtime.engine
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_ingest_decisions_item"))  # as a store made before the index was
    create_schema(engine)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            names = [r[1] for r in conn.execute(text("PRAGMA index_list(ingest_decisions)"))]
            plan = " ".join(
                str(r[-1])
                for r in conn.execute(text("EXPLAIN QUERY PLAN SELECT * FROM ingest_decisions WHERE item_id IN (1, 2)"))
            )
            assert "ix_ingest_decisions_item" in plan, plan
        else:
            names = [
                r[0]
                for r in conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'ingest_decisions'"))
            ]
    assert "ix_ingest_decisions_item" in names
