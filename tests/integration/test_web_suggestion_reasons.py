"""The suggestions inbox says why in plain words and marks the matched words, escaping everything else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from feed_server import serve_feed
from flask import Flask
from web_testing import PASSWORD, SEED, login, open_web_runtime, post_form, run_queued_jobs

from tracker.accounts import Accounts
from tracker.bootstrap import Runtime
from tracker.seed import load_seed, seed_files

HOSTILE = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile Wire</title><link>http://127.0.0.1/</link><description>w</description>
  <item><title>Character.AI &amp;lt;mark&amp;gt;fake&amp;lt;/mark&amp;gt; &amp;amp; friends plan a party</title>
    <link>http://127.0.0.1/p</link><guid>hostile-1</guid>
    <description>Nothing about &amp;lt;b&amp;gt;anyone&amp;lt;/b&amp;gt; else, said Character AI.</description>
    <pubDate>Mon, 03 Jun 2024 09:00:00 GMT</pubDate></item>
</channel></rss>"""


@pytest.fixture
def site(sqlite_url: str, tmp_path: Path) -> Iterator[Flask]:
    from web import create_app

    runtime = open_web_runtime(sqlite_url, tmp_path / "data", TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES="true")
    for path in seed_files():
        load_seed(runtime.newsroom, path)
    Accounts(runtime.engine).add_user("edna", PASSWORD, "editor")
    yield create_app(runtime=runtime)
    runtime.close()


def polled_inbox(site: Flask, body: str | None = None) -> str:
    client = site.test_client()
    login(client, "edna")
    with serve_feed(*([body] if body else [])) as url:
        assert post_form(client, "/feeds", {"url": url, "name": "Wire", "interval_minutes": ""}).status_code == 302
        feed_id = client.get("/feeds").get_data(as_text=True).split('id="feed-')[1].split('"')[0]
        post_form(client, f"/feeds/{feed_id}/poll", {})
        runtime: Runtime = site.extensions["tracker.runtime"]
        assert run_queued_jobs(runtime) == 1
    return client.get(f"/stories/{SEED}/suggestions").get_data(as_text=True)


def test_a_suggestion_says_why_in_plain_words_and_marks_the_matched_words(site) -> None:
    inbox = polled_inbox(site)
    item = inbox.split('class="suggestion"', 1)[1].split("</article>", 1)[0]
    reason = item.split('class="small suggestion-reason">', 1)[1].split("</p>", 1)[0]
    assert reason.endswith(
        "Mentions Character.AI in the headline, but none of: Meta, xAI, Elon Musk, Musk, Mark Zuckerberg, Zuckerberg …"
    )
    assert "all_of" not in reason and "[rules" not in reason
    assert "<mark>Character.AI</mark> &lt;script&gt;alert(&#39;wire&#39;)&lt;/script&gt; adds voice calls" in item
    assert '<div class="report-summary"><mark>Character.AI</mark> confirmed' in item
    assert "all_of[0] &#34;Character.AI&#34; (title)" in item.split("<details", 1)[1]  # the stored reason is kept


def test_markup_in_a_suggested_item_stays_text_around_the_marks(site) -> None:
    item = polled_inbox(site, HOSTILE).split('class="suggestion"', 1)[1].split("</article>", 1)[0]
    assert "<mark>Character.AI</mark> &lt;mark&gt;fake&lt;/mark&gt; &amp; friends plan" in item
    assert "<mark>fake" not in item and "<b>" not in item
    assert "&lt;b&gt;anyone&lt;/b&gt; else, said <mark>Character AI</mark>." in item
