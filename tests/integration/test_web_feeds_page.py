"""The feeds page through Flask's test client: true intervals, the check
subscribing makes, remove after a confirmation and restore, file: feeds'
warnings, OPML import and export (hostile files refused)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from feed_server import WIRE, serve_feed
from flask import Flask
from flask.testing import FlaskClient
from web_testing import PASSWORD, login, open_web_runtime, post_form, token

from tracker.accounts import Accounts
from tracker.bootstrap import Runtime
from tracker.ingest.service import Ingestion
from tracker.ingest.store import IngestStore


@pytest.fixture
def loopback_runtime(sqlite_url: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = open_web_runtime(
        sqlite_url,
        tmp_path / "data",
        TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES="true",
        TRACKER_FETCH_FILE_ROOT=str(tmp_path),
    )
    Accounts(runtime.engine).add_user("edna", PASSWORD, "editor")
    Accounts(runtime.engine).add_user("vic", PASSWORD, "viewer")
    yield runtime
    runtime.close()


@pytest.fixture
def site(loopback_runtime: Runtime) -> Flask:
    from web import create_app

    return create_app(runtime=loopback_runtime)


@pytest.fixture
def edna(site: Flask) -> FlaskClient:
    client = site.test_client()
    login(client, "edna")
    return client


def feeds_page(client: FlaskClient) -> str:
    return client.get("/feeds").get_data(as_text=True)


def row_of(page: str, feed_id: int) -> str:
    return page.split(f'id="feed-{feed_id}"', 1)[1].split("</tr>", 1)[0]


def upload(client: FlaskClient, body: bytes, name: str = "feeds.opml"):
    return client.post(
        "/feeds/import",
        data={"csrf_token": token(client, "/feeds"), "opml": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )


def test_a_just_subscribed_feed_shows_the_check_that_subscribing_made(edna, loopback_runtime) -> None:
    with serve_feed() as url:
        added = post_form(edna, "/feeds", {"url": url, "name": "Loopback Wire", "interval_minutes": "5"})
    assert added.status_code == 302
    feed = IngestStore(loopback_runtime.engine).feed_by_url(url)
    assert feed is not None and feed.last_checked_at is not None and feed.last_success_at == feed.last_checked_at
    row = row_of(feeds_page(edna), feed.id)
    assert "Not checked yet" not in row and 'class="health health-ok"' in row
    assert "every 5 min" in row and ">never<" not in row


def test_intervals_are_the_ones_the_poller_keeps_down_to_the_demo_wires_seconds(edna, loopback_runtime) -> None:
    store = IngestStore(loopback_runtime.engine)
    demo = store.add_feed("http://127.0.0.1:9/follow-ups.xml", name="Demo wire", interval=3, source="demo")
    slow = store.add_feed("https://news.example/slow.xml", interval=5400)
    default = store.add_feed("https://news.example/default.xml")
    tiny = store.add_feed("https://news.example/tiny.xml", interval=20)  # below poll.min_interval_seconds
    page = feeds_page(edna)
    assert "every 3 s" in row_of(page, demo.id) and "every 1 min" not in row_of(page, demo.id)
    assert "every 1 h 30 min" in row_of(page, slow.id)
    assert "every 15 min" in row_of(page, default.id)
    assert "every 1 min" in row_of(page, tiny.id)  # the poller lifts it to the minimum


def test_remove_asks_first_then_keeps_who_and_when_and_restore_brings_the_feed_back(edna, loopback_runtime) -> None:
    store = IngestStore(loopback_runtime.engine)
    feed = store.add_feed("https://news.example/wire.xml", name="Example Wire", interval=1200, source="web")
    asked = edna.get(f"/feeds/{feed.id}/remove")
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Remove Example Wire?" in text and "every 20 min" in text
    assert store.feed_by_url(feed.url) is not None  # asking removes nothing
    removed = post_form(edna, f"/feeds/{feed.id}/remove", {})
    assert removed.status_code == 302 and store.feed_by_url(feed.url) is None
    page = feeds_page(edna)
    assert "<title>Feeds · Newsroom Tracker</title>" in page and page.count('id="removed"') == 1
    recent = page.split('id="removed"', 1)[1]
    assert "Example Wire" in recent and "removed by edna" in recent
    removal_id = int(recent.split('id="removal-', 1)[1].split('"', 1)[0])
    restored = post_form(edna, f"/feeds/removed/{removal_id}/restore", {})
    assert restored.status_code == 302
    back = store.feed_by_url(feed.url)
    assert back is not None and (back.id, back.name, back.interval_seconds, back.source) == (
        feed.id,
        "Example Wire",
        1200,
        "web",
    )
    assert 'id="removed"' not in feeds_page(edna)
    again = post_form(edna, f"/feeds/removed/{removal_id}/restore", {})
    assert again.status_code == 404 and "restored already" in again.get_data(as_text=True)


def test_a_feed_subscribed_again_meanwhile_is_not_restored_twice(edna, loopback_runtime) -> None:
    store = IngestStore(loopback_runtime.engine)
    feed = store.add_feed("https://news.example/wire.xml", name="Example Wire")
    assert post_form(edna, f"/feeds/{feed.id}/remove", {}).status_code == 302
    removal_id = int(feeds_page(edna).split('id="removal-', 1)[1].split('"', 1)[0])
    store.add_feed(feed.url, name="Subscribed again")
    clash = post_form(edna, f"/feeds/removed/{removal_id}/restore", {})
    assert clash.status_code == 409 and "already subscribed" in clash.get_data(as_text=True)
    assert [f.name for f in store.list_feeds()] == ["Subscribed again"]


def test_removing_and_restoring_need_an_editor_a_token_and_a_known_feed(site, edna, loopback_runtime) -> None:
    feed = IngestStore(loopback_runtime.engine).add_feed("https://news.example/wire.xml")
    viewer = site.test_client()
    login(viewer, "vic")
    assert viewer.get(f"/feeds/{feed.id}/remove").status_code == 403
    assert site.test_client().get(f"/feeds/{feed.id}/remove").status_code == 302  # to the login page
    assert edna.post(f"/feeds/{feed.id}/remove", data={}).status_code == 400  # no CSRF token
    assert edna.get("/feeds/999/remove").status_code == 404
    assert post_form(edna, "/feeds/999/remove", {}).status_code == 404
    assert post_form(edna, "/feeds/removed/999/restore", {}).status_code == 404
    assert IngestStore(loopback_runtime.engine).feed_by_url(feed.url) is not None


def test_a_file_feed_shows_no_content_type_warning_and_the_help_says_what_the_cli_takes(
    edna, loopback_runtime, tmp_path
) -> None:
    path = tmp_path / "wire.xml"
    path.write_text(WIRE, encoding="utf-8")
    with Ingestion(loopback_runtime, concurrency=1) as service:  # the command line's: file: allowed
        view = service.add_feed(path.as_uri(), name="Disk wire")
        summary = service.poll_feed_now(view.id)
        assert (summary.fetched, summary.failed, summary.items_new) == (1, 0, 2)
        assert service.feed(view.id).last_warning == ""
    IngestStore(loopback_runtime.engine).update_feed(view.id, last_warning="content type: no Content-type specified")
    page = feeds_page(edna)
    assert "Content-type" not in row_of(page, view.id)  # a warning an older poll stored is not shown either
    assert "file: addresses under fetch.file_root" in page and "tracker feed add" in page


def test_an_opml_list_is_imported_without_fetching_and_never_names_a_server_file(edna, loopback_runtime) -> None:
    body = b"""<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
      <outline text="Wires"><outline text="Example &amp; Co" xmlUrl="https://news.example/a.xml"/></outline>
      <outline text="B" xmlUrl="https://news.example/b.xml"/>
      <outline text="Secrets" xmlUrl="file:///etc/passwd"/></body></opml>"""
    done = upload(edna, body)
    assert done.status_code == 302
    store = IngestStore(loopback_runtime.engine)
    assert [(f.url, f.name, f.source) for f in store.list_feeds()] == [
        ("https://news.example/a.xml", "Example & Co", "opml"),
        ("https://news.example/b.xml", "B", "opml"),
    ]
    page = feeds_page(edna)
    assert "Imported 2 feeds; 0 already subscribed; 1 refused." in page and "file:///etc/passwd" in page
    assert "root:" not in page
    assert "Imported 0 feeds; 2 already subscribed; 1 refused." in (upload(edna, body), feeds_page(edna))[1]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml><body/></opml>',
            "DOCTYPE",
        ),
        (b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><opml/>', "DOCTYPE"),
        (b"<opml><body><outline xmlUrl='https://x.example/a'>", "not well-formed XML"),
        (b"<rss version='2.0'><channel/></rss>", "the root element is &lt;rss&gt;"),
        (b"<opml><body><outline text='no feed here'/></body></opml>", "lists no feeds"),
        (b"   ", "the file is empty"),
        (b"<opml><body>" + b"<!-- padding -->" * 40000 + b"</body></opml>", "the limit is 524,288"),
    ],
    ids=["external-entity", "entity-expansion", "truncated", "not-opml", "no-feeds", "empty", "oversized"],
)
def test_a_hostile_or_broken_opml_file_is_refused_beside_the_field(edna, loopback_runtime, body, says) -> None:
    refused = upload(edna, body)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="opml-error"' in page
    assert says.lower() in page.lower()
    assert IngestStore(loopback_runtime.engine).list_feeds() == []


def test_an_import_without_a_file_or_token_or_editor_is_refused(site, edna) -> None:
    missing = edna.post("/feeds/import", data={"csrf_token": token(edna, "/feeds")}, content_type="multipart/form-data")
    assert missing.status_code == 400 and "Choose an OPML file" in missing.get_data(as_text=True)
    assert edna.post("/feeds/import", data={"opml": (io.BytesIO(b"<opml/>"), "f.opml")}).status_code == 400
    viewer = site.test_client()
    login(viewer, "vic")
    assert viewer.post("/feeds/import", data={}).status_code in (400, 403)


def test_the_subscriptions_export_as_an_opml_download_that_imports_back(edna, loopback_runtime) -> None:
    store = IngestStore(loopback_runtime.engine)
    store.add_feed("https://news.example/a.xml", name='Feed "A" & <co>')
    exported = edna.get("/feeds/export.opml")
    assert exported.status_code == 200 and exported.mimetype == "text/x-opml"
    assert "attachment" in exported.headers["Content-Disposition"]
    text = exported.get_data(as_text=True)
    assert "text='Feed \"A\" &amp; &lt;co&gt;'" in text
    for feed in store.list_feeds():
        store.remove_feed(feed.id)
    assert upload(edna, text.encode()).status_code == 302
    assert [f.name for f in store.list_feeds()] == ['Feed "A" & <co>']
