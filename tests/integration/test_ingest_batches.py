"""Archiving several feeds in one transaction, and cycles big enough to parse in worker processes.

On SQLite and PostgreSQL: a batch writes each feed only while its claim
holds, a revised item becomes pending again with its new text, and a cycle
over many feeds (parsed in the parse processes) archives every item once.
"""

from __future__ import annotations

import dataclasses
import gc
from datetime import UTC

import pytest
from loopback import LoopbackServer, Reply
from sqlalchemy import select, update

from tracker.ingest.cycle import Cycle
from tracker.ingest.parser import parse_feed
from tracker.ingest.reports import report_fields
from tracker.ingest.service import Ingestion
from tracker.ingest.store import Document, IngestStore
from tracker.ingest.tables import feeds, items
from tracker.ingest.tracking import tracked
from tracker.seed import load_seed, seed_files
from tracker.tuning import Tuning

PARSE_POOL_THRESHOLD = Tuning().parse_pool_threshold


def rss(feed: int, count: int, summary: str = "Talks continue.") -> bytes:
    entries = "".join(
        f"<item><title>Character.AI partnership with Meta, part {feed}-{n}</title>"
        f"<link>https://wire.example/{feed}/{n}?utm_source=rss</link>"
        f"<guid>item-{feed}-{n}</guid><description>{summary}</description>"
        f"<pubDate>Mon, 03 Jun 2024 10:00:00 GMT</pubDate></item>"
        for n in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>F{feed}</title>{entries}</channel></rss>'.encode()


def document(claim, body: bytes) -> Document:
    parsed = parse_feed(body, {}, claim.feed.url)
    return Document(claim, parsed.items, f"Feed {claim.feed.id}", {"body_hash": "h"}, {"title": parsed.title})


def test_a_batch_writes_only_the_feeds_whose_claim_still_holds(runtime):
    store = IngestStore(runtime.engine)
    for n in range(3):
        store.add_feed(f"https://wire.example/{n}.xml", source="test")
    claims = store.claim_due("poller-a", limit=3, lease_seconds=60)
    lost = claims[1]
    with runtime.engine.begin() as conn:  # its lease lapsed and another poller took it
        conn.execute(update(feeds).where(feeds.c.id == lost.feed.id).values(claim_token="someone-else"))

    outcome = store.store_documents([document(c, rss(n, 2)) for n, c in enumerate(claims)])

    assert outcome == [(2, 0), None, (2, 0)]
    with runtime.engine.connect() as conn:
        archived = sorted(r[0] for r in conn.execute(select(items.c.feed_id)))
        states = {r.id: r for r in conn.execute(select(feeds))}
    assert archived == sorted([claims[0].feed.id] * 2 + [claims[2].feed.id] * 2)
    assert states[lost.feed.id].claim_token == "someone-else" and states[lost.feed.id].items_total == 0
    for kept in (claims[0], claims[2]):
        assert states[kept.feed.id].claim_token is None and states[kept.feed.id].items_total == 2
        assert states[kept.feed.id].body_hash == "h"


def test_pending_items_are_read_by_feed_and_by_age_and_processed_ones_are_left_out(runtime):
    from datetime import datetime, timedelta

    store = IngestStore(runtime.engine)
    for n in range(3):
        store.add_feed(f"https://wire.example/{n}.xml", source="test")
    claims = store.claim_due("poller-a", limit=3, lease_seconds=60)
    earlier = datetime(2024, 6, 3, 10, 0, tzinfo=UTC)
    later = earlier + timedelta(hours=1)
    store.store_documents([document(claims[0], rss(0, 2))], now=earlier)
    store.store_documents([document(claims[1], rss(1, 3)), document(claims[2], rss(2, 1))], now=later)
    first, second, third = (c.feed.id for c in claims)

    assert len(store.pending_items()) == 6
    assert {i.feed_id for i in store.pending_items(feed_ids=[second, third])} == {second, third}
    assert [i.feed_id for i in store.pending_items(feed_id=third)] == [third]
    assert store.pending_items(feed_ids=[]) == []
    stale = store.pending_items(stale_before=earlier + timedelta(minutes=30))
    assert [i.feed_id for i in stale] == [first, first]  # archived before the cut
    assert stale[0].first_seen_at == earlier and stale[0].published_at == datetime(2024, 6, 3, 10, tzinfo=UTC)
    assert stale[0].title == "Character.AI partnership with Meta, part 0-0"
    store.mark_processed(i.id for i in stale)
    assert {i.feed_id for i in store.pending_items()} == {second, third}
    assert len(store.pending_items(limit=2)) == 2


def test_a_revised_item_is_rewritten_and_pending_again_and_an_unchanged_one_is_left(runtime):
    store = IngestStore(runtime.engine)
    store.add_feed("https://wire.example/r.xml", source="test")
    (claim,) = store.claim_due("poller-a", limit=1, lease_seconds=60)
    assert store.store_documents([document(claim, rss(7, 2))]) == [(2, 0)]
    store.mark_processed(i.id for i in store.pending_items(limit=10))
    (claim,) = store.claim_due("poller-a", limit=1, lease_seconds=60)
    revised = rss(7, 2).replace(
        b"part 7-0</title><link>https://wire.example/7/0?utm_source=rss</link>"
        b"<guid>item-7-0</guid><description>Talks continue.",
        b"part 7-0</title><link>https://wire.example/7/0?utm_source=rss</link>"
        b"<guid>item-7-0</guid><description>Talks collapsed overnight.",
    )

    assert store.store_documents([document(claim, revised)]) == [(0, 1)]

    (pending,) = store.pending_items(limit=10)
    assert pending.title.endswith("part 7-0") and pending.revision == 2 and pending.revised_at is not None
    assert pending.summary == "Talks collapsed overnight." and pending.link_key == "//wire.example/7/0"
    assert [i.title for i in store.search("collapsed")] == ["Character.AI partnership with Meta, part 7-0"]


@pytest.fixture
def loopback_runtime(runtime):
    runtime.settings = dataclasses.replace(runtime.settings, fetch_allow_private_addresses=True)
    load_seed(runtime.newsroom, seed_files()[0])
    return runtime


def test_a_cycle_over_more_feeds_than_the_pool_threshold_archives_and_appends_every_item_once(
    loopback_runtime, monkeypatch
):
    count = PARSE_POOL_THRESHOLD + 8
    with LoopbackServer() as server, Ingestion(loopback_runtime) as ingestion:
        for n in range(count):
            ingestion.store.add_feed(server.route(f"/f{n}", Reply(200, rss(n, 2))), source="test")
        collecting: list[bool] = []
        matched = Cycle.process_items

        def watched(*args, **kwargs):
            collecting.append(gc.isenabled())
            return matched(*args, **kwargs)

        monkeypatch.setattr(Cycle, "process_items", watched)
        assert gc.isenabled()
        first = ingestion.poll_all_now()
        assert collecting and not any(collecting)  # the cyclic collector was paused while the cycle ran...
        assert gc.isenabled()  # ...and runs again after it
        # the read models hold every report the cycle appended when it returns
        assert loopback_runtime.projector.position() == loopback_runtime.newsroom.recorder.max_notification_id()
        again = ingestion.poll_all_now()
        assert ingestion.orchestrator.parse_pool.started
    assert (first.feeds_checked, first.fetched, first.failed, first.items_new) == (count, count, 0, 2 * count)
    assert first.reports_appended == 2 * count
    assert (again.items_new, again.reports_appended) == (0, 0)
    assert ingestion.store.pending_items(limit=10) == []
    reports = [
        r
        for r in loopback_runtime.newsroom.story("meta-xai-court-character-ai").reports
        if r.origin.kind.value == "feed"
    ]
    assert loopback_runtime.catalog.story("meta-xai-court-character-ai") == loopback_runtime.newsroom.story(
        "meta-xai-court-character-ai"
    )
    assert len(reports) == 2 * count and len({r.report_id for r in reports}) == 2 * count
    assert all(f.items_total == 2 and f.health == "ok" for f in ingestion.list_feeds())


def test_a_big_cycle_matches_and_reads_in_the_parse_processes_as_the_cycle_thread_would(loopback_runtime, monkeypatch):
    import tracker.ingest.readings as readings_module
    from tracker.domain.rules import match

    count = PARSE_POOL_THRESHOLD + 8
    summaries = [
        "Talks continue.",
        "Meta declined to comment.",
        "xAI confirmed the talks.",
        "No agreement has been reached.",
    ]
    on_cycle_thread = []
    timed_read = readings_module.timed_read
    monkeypatch.setattr(readings_module, "timed_read", lambda *a, **k: on_cycle_thread.append(a) or timed_read(*a, **k))
    with LoopbackServer() as server, Ingestion(loopback_runtime) as ingestion:
        for n in range(count):
            ingestion.store.add_feed(server.route(f"/f{n}", Reply(200, rss(n, 2, summaries[n % 4]))), source="test")
        first = ingestion.poll_all_now()
        story = tracked(loopback_runtime.newsroom, "meta-xai-court-character-ai")
        archived = [i for chunk in ingestion.store.iter_archive() for i in chunk]
    assert first.reports_appended == 2 * count
    # at least the feeds claimed after the first batch went to the parse processes
    assert len(on_cycle_thread) <= 2 * (count - 8)
    # every appended item was read once, wherever that was, and what it cost is in the summary
    assert first.items_read == 2 * count and first.read_seconds > 0
    reports = {r.report_id: r for r in loopback_runtime.newsroom.story("meta-xai-court-character-ai").reports}
    kinds_seen = set()
    for item in archived:
        expected = report_fields(story, item, match(story.rules, item.title, item.summary, item.content))
        report = reports[item.report_id]
        assert [k.value for k in report.kinds] == expected["kinds"]
        assert list(report.parties) == expected["parties"]
        assert list(report.classification_evidence) == expected["evidence"]
        # the stored reading leaves its evidence to the event (classification_evidence, checked above)
        assert report.reading == dataclasses.replace(expected["reading"], evidence=())
        assert report.classified_by == "reader/3"
        kinds_seen.update(expected["kinds"])
    assert {"declined_to_comment", "confirmed", "no_agreement"} <= kinds_seen


def test_a_big_cycle_where_nothing_changed_starts_no_parse_processes(loopback_runtime):
    count = PARSE_POOL_THRESHOLD + 4
    with LoopbackServer() as server:
        with Ingestion(loopback_runtime) as first:
            for n in range(count):
                first.store.add_feed(server.route(f"/f{n}", Reply(200, rss(n, 2))), source="test")
            assert first.poll_all_now().items_new == 2 * count
            assert first.orchestrator.parse_pool.started
        with Ingestion(loopback_runtime) as again:  # a fresh poller: the same bodies again
            summary = again.poll_all_now()
            assert not again.orchestrator.parse_pool.started
    assert (summary.feeds_checked, summary.items_new, summary.failed) == (count, 0, 0)
