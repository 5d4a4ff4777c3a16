"""The feeds page and the suggestions inbox, on a real RSS feed served on loopback."""

from __future__ import annotations

import html
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from feed_server import WIRE, serve_feed
from flask import Flask
from web_testing import PASSWORD, SEED, event_count, login, open_web_runtime, post_form, run_queued_jobs

from tracker.accounts import Accounts
from tracker.bootstrap import Runtime
from tracker.seed import load_seed, seed_files


@pytest.fixture
def loopback_runtime(sqlite_url: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = open_web_runtime(
        sqlite_url,
        tmp_path / "data",
        TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES="true",
        TRACKER_FETCH_FILE_ROOT=str(tmp_path),
    )
    for path in seed_files():
        load_seed(runtime.newsroom, path)
    Accounts(runtime.engine).add_user("edna", PASSWORD, "editor")
    yield runtime
    runtime.close()


@pytest.fixture
def site(loopback_runtime: Runtime) -> Flask:
    from web import create_app

    return create_app(runtime=loopback_runtime)


def subscribe_and_poll(client, url: str) -> None:
    """Subscribes, asks for a poll now and lets the worker's job step carry it out."""
    assert (
        post_form(client, "/feeds", {"url": url, "name": "Loopback Wire", "interval_minutes": "5"}).status_code == 302
    )
    page = client.get("/feeds").get_data(as_text=True)
    feed_id = page.split('id="feed-')[1].split('"')[0]
    assert post_form(client, f"/feeds/{feed_id}/poll", {}, follow_redirects=False).status_code == 302
    assert run_queued_jobs(client.application.extensions["tracker.runtime"]) == 1


def test_an_editor_subscribes_polls_and_sees_the_feeds_health(site) -> None:
    client = site.test_client()
    login(client, "edna")
    with serve_feed() as url:
        subscribe_and_poll(client, url)
    page = client.get("/feeds").get_data(as_text=True)
    assert "Loopback Wire" in page and url in page
    assert 'class="health health-ok"' in page and "every 5 min" in page
    assert "Checked Loopback Wire: 2 new items, 0 reports added to stories, 1 suggested." in page


def test_adding_a_bad_or_duplicate_feed_is_named_beside_the_address(site) -> None:
    client = site.test_client()
    login(client, "edna")
    bad = post_form(client, "/feeds", {"url": "ftp://example.com/feed", "name": "", "interval_minutes": ""})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="url-error"' in page and 'value="ftp://example.com/feed"' in page
    with serve_feed("this is not a feed") as url:
        rejected = post_form(client, "/feeds", {"url": url, "name": "", "interval_minutes": ""})
        assert rejected.status_code == 400 and "cannot subscribe" in rejected.get_data(as_text=True)
    with serve_feed() as url:
        assert post_form(client, "/feeds", {"url": url, "name": "", "interval_minutes": ""}).status_code == 302
        again = post_form(client, "/feeds", {"url": url, "name": "", "interval_minutes": ""})
        assert again.status_code == 409 and "already subscribed" in again.get_data(as_text=True)


def test_a_failing_feed_shows_its_error_and_failure_count(site) -> None:
    client = site.test_client()
    login(client, "edna")
    with serve_feed() as url:
        assert post_form(client, "/feeds", {"url": url, "name": "Flaky", "interval_minutes": ""}).status_code == 302
    page = client.get("/feeds").get_data(as_text=True)
    feed_id = page.split('id="feed-')[1].split('"')[0]
    post_form(client, f"/feeds/{feed_id}/poll", {})  # the server is gone now
    run_queued_jobs(site.extensions["tracker.runtime"])
    page = client.get("/feeds").get_data(as_text=True)
    assert 'class="health health-failing"' in page and "1 failure in a row" in page
    assert 'class="error-text"' in page


def test_removing_a_feed_keeps_its_reports(site) -> None:
    client = site.test_client()
    login(client, "edna")
    with serve_feed() as url:
        subscribe_and_poll(client, url)
    page = client.get("/feeds").get_data(as_text=True)
    feed_id = page.split('id="feed-')[1].split('"')[0]
    assert post_form(client, f"/feeds/{feed_id}/remove", {}).status_code == 302
    assert (
        "Loopback Wire" not in client.get("/feeds").get_data(as_text=True).split("</h1>", 1)[1].split("Add a feed")[0]
    )
    assert client.post(f"/feeds/{feed_id}/remove", data={}).status_code == 400  # no CSRF token


def test_a_weak_match_waits_in_the_inbox_with_its_title_as_text_and_accepting_adds_it(site, loopback_runtime) -> None:
    client = site.test_client()
    login(client, "edna")
    with serve_feed() as url:
        subscribe_and_poll(client, url)
    inbox = client.get(f"/stories/{SEED}/suggestions").get_data(as_text=True)
    assert "adds voice calls to its chatbots" in inbox and "Gardening" not in inbox
    assert "<script>alert" not in inbox and "&lt;script&gt;alert(&#39;wire&#39;)&lt;/script&gt;" in inbox
    suggestion_id = inbox.split('id="suggestion-')[1].split('"')[0]
    before = event_count(loopback_runtime)
    accepted = post_form(client, f"/stories/{SEED}/suggestions/{suggestion_id}/accept", {})
    assert accepted.status_code == 302 and "#report-" in accepted.headers["Location"]
    assert event_count(loopback_runtime) == before + 1
    story = client.get(f"/stories/{SEED}").get_data(as_text=True)
    assert (
        "&lt;script&gt;alert(&#39;wire&#39;)&lt;/script&gt; adds voice calls" in story and "<script>alert" not in story
    )
    twice = post_form(client, f"/stories/{SEED}/suggestions/{suggestion_id}/accept", {}, follow_redirects=True)
    assert "already been decided" in twice.get_data(as_text=True)
    assert event_count(loopback_runtime) == before + 1


def test_a_rejected_suggestion_leaves_the_inbox_and_the_timeline_alone(site, loopback_runtime) -> None:
    client = site.test_client()
    login(client, "edna")
    with serve_feed() as url:
        subscribe_and_poll(client, url)
    inbox = client.get(f"/stories/{SEED}/suggestions").get_data(as_text=True)
    suggestion_id = inbox.split('id="suggestion-')[1].split('"')[0]
    before = event_count(loopback_runtime)
    assert post_form(client, f"/stories/{SEED}/suggestions/{suggestion_id}/reject", {}).status_code == 302
    inbox = client.get(f"/stories/{SEED}/suggestions").get_data(as_text=True)
    assert 'id="suggestion-' not in inbox and "rejected</span>" in inbox
    assert event_count(loopback_runtime) == before


def test_viewers_see_feeds_and_suggestions_but_cannot_change_them(site, loopback_runtime) -> None:
    Accounts(loopback_runtime.engine).add_user("vic", PASSWORD, "viewer")
    client = site.test_client()
    login(client, "vic")
    assert client.get("/feeds").status_code == 200 and "Add a feed" not in client.get("/feeds").get_data(as_text=True)
    assert client.get(f"/stories/{SEED}/suggestions").status_code == 200
    assert post_form(client, "/feeds", {"url": "http://127.0.0.1:1/x"}).status_code == 403
    assert post_form(client, f"/stories/{SEED}/suggestions/s-1/accept", {}).status_code == 403
    assert site.test_client().get("/stories/no-such-story/suggestions").status_code == 404


LINK_PAYLOAD = "&amp;lt;a href=&quot;http://evil.example/&quot;&amp;gt;click here&amp;lt;/a&amp;gt; to claim"


def test_the_web_refuses_file_urls_without_reading_them_even_under_the_file_root(site, tmp_path) -> None:
    client = site.test_client()
    login(client, "edna")
    wire = tmp_path / "wire.xml"
    wire.write_text(WIRE, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe")  # read, it would hang the request
    answers = {}
    for url in (
        wire.as_uri(),
        (tmp_path / "pipe").as_uri(),
        "file:///etc/shadow",
        "file:///no/such/file",
        "file:///dev/zero",
        "gopher://example.com/feed",
    ):
        reply = post_form(client, "/feeds", {"url": url, "name": "", "interval_minutes": ""})
        page = reply.get_data(as_text=True)
        assert reply.status_code == 400 and "only http and https feeds can be added here" in page
        answers[url] = page.split('id="url-error"')[1].split("</")[0].replace(html.escape(url, quote=True), "URL")
    assert len({answer for url, answer in answers.items() if url.startswith("file:")}) == 1
    assert "Loopback Wire" not in client.get("/feeds").get_data(as_text=True)


@pytest.mark.parametrize("minutes", ["99999999999999999999", "9999999999", "43201"])
def test_an_enormous_interval_is_refused_beside_its_field(site, minutes) -> None:
    client = site.test_client()
    login(client, "edna")
    with serve_feed() as url:
        reply = post_form(client, "/feeds", {"url": url, "name": "", "interval_minutes": minutes})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400 and 'id="interval_minutes-error"' in page and "above the maximum" in page
    assert url not in client.get("/feeds").get_data(as_text=True)


def test_markup_hidden_in_double_escaped_entities_is_shown_as_text(site) -> None:
    client = site.test_client()
    login(client, "edna")
    body = WIRE.replace("Character.AI confirmed that users can now talk to characters.", LINK_PAYLOAD)
    with serve_feed(body) as url:
        subscribe_and_poll(client, url)
    inbox = client.get(f"/stories/{SEED}/suggestions").get_data(as_text=True)
    assert 'href="http://evil.example/"' not in inbox
    assert "&lt;a href=&#34;http://evil.example/&#34;&gt;click here&lt;/a&gt; to claim" in inbox
    suggestion_id = inbox.split('id="suggestion-')[1].split('"')[0]
    assert post_form(client, f"/stories/{SEED}/suggestions/{suggestion_id}/accept", {}).status_code == 302
    story = site.test_client().get(f"/stories/{SEED}").get_data(as_text=True)
    assert (
        'href="http://evil.example/"' not in story
        and "&lt;a href=&#34;http://evil.example/&#34;&gt;click here" in story
    )
