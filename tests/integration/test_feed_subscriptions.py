"""Removed feeds kept with who and when and restored as they were; waiting
counts; the archive's newest-first search: on an SQLite file and on PostgreSQL."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from feed_server import serve_feed

from tracker.ingest.inbox_counts import waiting_counts
from tracker.ingest.service import Ingestion
from tracker.ingest.store import DuplicateFeed, IngestStore, UnknownFeed
from tracker.ingest.subscriptions import Subscriptions, UnknownRemoval
from tracker.seed import load_seed, seed_files


def test_a_removed_feed_is_restored_with_its_id_name_interval_and_validators(runtime) -> None:
    store, subs = IngestStore(runtime.engine), Subscriptions(runtime.engine)
    feed = store.add_feed("https://news.example/wire.xml", name="Wire", interval=1200, source="web")
    store.update_feed(feed.id, etag='"v7"', items_total=12, last_warning="encoding: tolerated")
    removed = subs.remove(feed.id, "edna")
    assert (removed.removed_by, removed.display_name) == ("edna", "Wire") and store.feed_by_url(feed.url) is None
    assert [r.id for r in subs.recent()] == [removed.id]
    back = subs.restore(removed.id, "rita")
    assert (back.id, back.name, back.interval_seconds, back.etag, back.items_total, back.source) == (
        feed.id,
        "Wire",
        1200,
        '"v7"',
        12,
        "web",
    )
    assert back.added_at == feed.added_at and back.next_check_at >= removed.removed_at  # checked again at once
    assert subs.recent() == []
    with pytest.raises(UnknownRemoval):
        subs.restore(removed.id, "rita")


def test_a_restore_takes_a_new_id_when_the_old_one_is_taken_and_refuses_a_url_subscribed_again(runtime) -> None:
    store, subs = IngestStore(runtime.engine), Subscriptions(runtime.engine)
    first = store.add_feed("https://news.example/a.xml", name="A")
    gone = subs.remove(first.id, "edna")
    with runtime.engine.begin() as conn:  # another feed under the old id (SQLite reuses freed row ids)
        from tracker.ingest.tables import feeds

        conn.execute(feeds.insert().values({**_row(store, "https://news.example/b.xml"), "id": first.id}))
    restored = subs.restore(gone.id, "edna")
    assert restored.id != first.id and restored.url == first.url
    again = subs.remove(restored.id, "edna")
    store.add_feed(first.url, name="A again")
    with pytest.raises(DuplicateFeed):
        subs.restore(again.id, "edna")
    assert [r.id for r in subs.recent()] == [again.id]  # the refused restore left the removal waiting
    with pytest.raises(UnknownFeed):
        subs.remove(9999, "edna")


def _row(store: IngestStore, url: str) -> dict[str, object]:
    """A feed row's values, for a feed that never went through add_feed."""
    made = store.add_feed(url)
    store.remove_feed(made.id)
    return {
        "url": url,
        "name": "",
        "title": "",
        "source": "cli",
        "added_at": made.added_at,
        "etag": "",
        "last_modified": "",
        "body_hash": "",
        "last_error": "",
        "last_warning": "",
        "consecutive_failures": 0,
        "next_check_at": made.next_check_at,
        "items_total": 0,
    }


def test_the_subscribing_check_is_recorded_once_as_the_first_check(runtime) -> None:
    store, subs = IngestStore(runtime.engine), Subscriptions(runtime.engine)
    feed = store.add_feed("https://news.example/wire.xml")
    subs.mark_checked(feed.id)
    checked = store.feed(feed.id)
    assert checked.last_checked_at is not None and checked.last_success_at == checked.last_checked_at
    subs.mark_checked(feed.id)  # a later call never moves a real check
    assert store.feed(feed.id).last_checked_at == checked.last_checked_at


def test_waiting_counts_and_the_archive_search_agree_with_a_poll(runtime) -> None:
    for path in seed_files():
        load_seed(runtime.newsroom, path)
    assert waiting_counts(runtime.engine) == {}
    with serve_feed() as url:
        parts = urlsplit(url)
        with Ingestion(runtime, allowed_origins=[(parts.hostname or "", parts.port or 0)], concurrency=1) as service:
            service.poll_feed_now(service.add_feed(url).id)
            assert waiting_counts(runtime.engine) == {"meta-xai-court-character-ai": 1}
            assert [i.headline for i in service.search_archive("garden")] == ["Gardening tips for June"]
            newest = service.search_archive("june wire")  # no item holds both words
            assert newest == ()
            assert [i.item_id for i in service.search_archive("")] == sorted(
                (i.item_id for i in service.search_archive("")), reverse=True
            )


def test_an_opml_list_is_subscribed_in_one_go_listing_what_was_skipped_or_refused(runtime) -> None:
    from tracker.ingest.opml_import import import_outlines

    store = IngestStore(runtime.engine)
    store.add_feed("https://news.example/old.xml", name="Old")
    outlines = "".join(
        f'<outline text="{name}" xmlUrl="{url}"/>'
        for name, url in [
            ("Old", "https://news.example/old.xml"),
            ("New", "https://news.example/new.xml"),
            ("New again", "https://news.example/new.xml"),
            ("Disk", "file:///etc/passwd"),
            ("Gopher", "gopher://news.example/"),
        ]
        + [(f"Bulk {i}", f"https://bulk{i}.example/rss") for i in range(600)]  # more than one IN chunk
    )
    result = import_outlines(runtime.engine, f"<opml><body>{outlines}</body></opml>")
    assert result.added[0] == "https://news.example/new.xml" and len(result.added) == 601
    assert set(result.skipped) == {"https://news.example/old.xml", "https://news.example/new.xml"}
    assert [line.split(":", 1)[0] for line in result.invalid] == ["file", "gopher"]
    assert store.feed_by_url("https://news.example/new.xml").name == "New"  # the first listing names it
    assert store.feed_by_url("https://news.example/new.xml").source == "opml"
    assert len(store.list_feeds()) == 602
    again = import_outlines(runtime.engine, f"<opml><body>{outlines}</body></opml>")
    assert again.added == () and len(again.skipped) == 603  # 602 subscribed, one listed twice


def test_a_feed_removed_and_an_opml_imported_through_the_service_as_the_cli_does_are_kept_and_bulk(runtime) -> None:
    with Ingestion(runtime) as service:
        view = service.add_feed("https://news.example/wire.xml", "Wire", check=False)
        assert service.remove_feed(view.id, by="cli:ops").url == view.url
        (removal,) = Subscriptions(runtime.engine).recent()
        assert (removal.feed_id, removal.removed_by, removal.url) == (view.id, "cli:ops", view.url)
        outlines = "".join(f'<outline text="F{n}" xmlUrl="https://news.example/{n}.xml"/>' for n in range(300))
        opml = f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}<outline xmlUrl="gopher://x"/></body></opml>'
        imported = service.import_opml(opml)
        assert len(imported.added) == 300 and [v.name for v in imported.added[:2]] == ["F0", "F1"]
        assert len(imported.invalid) == 1 and imported.skipped == ()
        assert service.import_opml(opml).skipped == tuple(f"https://news.example/{n}.xml" for n in range(300))
