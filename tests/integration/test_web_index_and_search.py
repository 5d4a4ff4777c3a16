"""The stories index (status filter, waiting suggestions, a sparkline with its
scale) and search (marked words, kind badges, date or relevance order, the wire
archive), on an SQLite file and on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from feed_server import serve_feed
from flask.testing import FlaskClient
from web_testing import SEED

from tracker.bootstrap import Runtime
from tracker.ingest.service import Ingestion
from tracker.seed import load_seed, seed_files


@pytest.fixture
def client(runtime: Runtime) -> Iterator[FlaskClient]:
    from web import create_app

    for path in seed_files():
        load_seed(runtime.newsroom, path)
    yield create_app(runtime=runtime).test_client()


def poll_loopback_wire(runtime: Runtime) -> None:
    """The loopback wire's two items enter the archive; the voice-calls one waits in the seed story's inbox."""
    with serve_feed() as url:
        parts = urlsplit(url)
        with Ingestion(runtime, allowed_origins=[(parts.hostname or "", parts.port or 0)], concurrency=1) as service:
            feed = service.add_feed(url, name="Loopback Wire")
            summary = service.poll_feed_now(feed.id)
    assert (summary.items_new, summary.suggested) == (2, 1)


def story_row(page: str, slug: str) -> str:
    return page.split(f'id="story-{slug}"', 1)[1].split("</li>", 1)[0]


def test_the_index_counts_waiting_suggestions_per_story_and_links_to_the_inbox(client, runtime) -> None:
    runtime.newsroom.open_story(title="Regulators look at chip deal", slug="chips")
    poll_loopback_wire(runtime)
    page = client.get("/").get_data(as_text=True)
    seed = story_row(page, SEED)
    assert f'<a href="/stories/{SEED}/suggestions">1 suggestion waiting</a>' in seed
    assert "waiting" not in story_row(page, "chips").split("<dl", 1)[0]
    assert '<dt>Waiting</dt><dd class="num">0</dd>' in story_row(page, "chips")


def test_the_heading_says_which_stories_are_listed_and_the_filter_keeps_to_a_status(client, runtime) -> None:
    runtime.newsroom.open_story(title="Regulators look at chip deal", slug="chips")
    runtime.newsroom.change_status("chips", "quiet", by="edna")
    everything = client.get("/").get_data(as_text=True)
    assert (
        "<h1>All stories</h1>" in everything and 'id="story-chips"' in everything and f'id="story-{SEED}"' in everything
    )
    developing = client.get("/?status=developing").get_data(as_text=True)
    assert "<h1>Developing stories</h1>" in developing and "Only developing stories (1 of 2)" in developing
    assert f'id="story-{SEED}"' in developing and 'id="story-chips"' not in developing
    assert 'href="/?status=developing" aria-current="page"' in developing
    quiet = client.get("/?status=quiet").get_data(as_text=True)
    assert 'id="story-chips"' in quiet and f'id="story-{SEED}"' not in quiet
    concluded = client.get("/?status=concluded").get_data(as_text=True)
    assert "No concluded stories." in concluded


def test_an_unknown_status_is_refused_by_name(client) -> None:
    refused = client.get("/?status=<b>shouting</b>")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "There is no status “&lt;b&gt;shouting&lt;/b&gt;”" in page
    assert "developing, quiet, concluded" in page


def test_the_sparkline_states_its_scale_in_its_title_and_label(client, runtime) -> None:
    report_id = runtime.newsroom.add_report(
        SEED, headline="Meta confirms it held talks", published_at=datetime(2024, 6, 6, tzinfo=UTC), kinds=["confirmed"]
    )
    row = story_row(client.get("/").get_data(as_text=True), SEED)
    scale = "10 reports from 25 May 2024 to 6 Jun 2024; each point is 24 hours, the highest holds 9"
    assert f'aria-label="Reports over time: {scale}"' in row and f"<title>{scale}</title>" in row
    runtime.newsroom.retract_report(SEED, report_id, reason="wrong story", by="edna")
    retracted = story_row(client.get("/").get_data(as_text=True), SEED)
    assert "<title>9 reports, all on 25 May 2024</title>" in retracted  # a retracted report leaves the line
    runtime.newsroom.open_story(title="Empty one", slug="empty")
    assert "no reports" in story_row(client.get("/").get_data(as_text=True), "empty")


def test_search_marks_the_words_found_and_badges_each_reports_kinds(client) -> None:
    page = client.get("/search?q=declin").get_data(as_text=True)
    hit = page.split('<li class="hit', 1)[1].split("</li>", 1)[0]
    assert "Character.AI and Meta <mark>decline</mark> to comment" in hit  # the last word as a prefix
    assert '<span class="badge kind-declined_to_comment">' in hit
    assert '<span class="badge badge-open">report</span>' in hit


def test_search_sorts_by_date_or_relevance(client, runtime) -> None:
    runtime.newsroom.add_report(
        SEED,
        headline="Deal talks stall, people say",
        published_at=datetime(2024, 6, 3, 9, tzinfo=UTC),
        kinds=["talks_held"],
    )
    runtime.newsroom.add_report(
        SEED,
        headline="Talks talks talks: Meta and Character.AI talks",
        published_at=datetime(2024, 5, 27, 9, tzinfo=UTC),
        kinds=["talks_held"],
    )
    by_date = client.get("/search?q=talks&order=date").get_data(as_text=True)
    headlines = re.findall(r"<h3><a [^>]*>(.*?)</a></h3>", by_date)
    days = re.findall(r"</a> · (\d+ \w+ 2024) ·", by_date)
    assert headlines[0].startswith("Deal <mark>talks</mark> stall") and days[:2] == ["3 Jun 2024", "27 May 2024"]
    assert "(newest first)" in by_date and 'value="date" selected' in by_date
    best = client.get("/search?q=talks&order=relevance").get_data(as_text=True)
    assert re.findall(r"<h3><a [^>]*>(.*?)</a></h3>", best)[0].startswith("<mark>Talks</mark> <mark>talks</mark>")
    assert sorted(headlines) == sorted(re.findall(r"<h3><a [^>]*>(.*?)</a></h3>", best))


def test_the_wire_archive_is_searched_only_when_asked_with_its_items_marked(client, runtime) -> None:
    poll_loopback_wire(runtime)
    reports_only = client.get("/search?q=gardening").get_data(as_text=True)
    assert "Gardening" not in reports_only and "0 reports matching" in reports_only
    both = client.get("/search?q=gardening&archive=1").get_data(as_text=True)
    archive = both.split('id="archive"', 1)[1]
    assert "1 wire item in the archive" in archive and "<mark>Gardening</mark> tips for June" in archive
    assert '<span class="badge badge-context">wire item</span> Loopback Wire' in archive
    voice = client.get("/search?q=voice+calls&archive=on").get_data(as_text=True).split('id="archive"', 1)[1]
    assert "&lt;script&gt;alert(&#39;wire&#39;)&lt;/script&gt; adds <mark>voice</mark> <mark>calls</mark>" in voice
    assert "<script>alert" not in voice


def test_bad_search_input_is_refused_with_what_was_wrong(client) -> None:
    order = client.get("/search?q=meta&order=loudest")
    assert order.status_code == 400 and "Sort by relevance or date, not “loudest”." in order.get_data(as_text=True)
    long = client.get("/search?q=" + "x" * 300 + "&archive=1")
    assert long.status_code == 400 and "at most 200 characters" in long.get_data(as_text=True)
    assert client.get("/search?q=%00%01&archive=1").status_code in (200, 400)
    empty = client.get("/search?q=&archive=1")
    assert empty.status_code == 200 and 'id="archive"' not in empty.get_data(as_text=True)
