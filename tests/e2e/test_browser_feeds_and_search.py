"""The feeds page and search in Debian's chromium: remove after a confirmation
and restore, an OPML import (a hostile file refused beside the field), search
with marked words, kind badges, date order and the wire archive."""

from __future__ import annotations

from typing import Any

import pytest
from test_browser_ui import browser, page, run_queued_jobs, runtime, shot, sign_in, site, wire

from tracker.bootstrap import Runtime

pytestmark = pytest.mark.browser

__all__ = ["browser", "page", "runtime", "site", "wire"]  # the fixtures, shared with test_browser_ui

GOOD_OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>desk</title></head><body>
  <outline text="Wires"><outline text="Example Wire" xmlUrl="https://news.example/wire.xml"/>
  <outline text="Other Wire" xmlUrl="https://other.example/rss"/></outline></body></opml>"""
HOSTILE_OPML = b"""<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&secret;" xmlUrl="https://x.example/a"/></body></opml>"""


def subscribe(page: Any, site: str, url: str) -> None:
    page.goto(f"{site}/feeds")
    page.fill("#url", url)
    page.fill("#name", "Loopback Wire")
    page.click(".add-feed button[type=submit]")
    page.wait_for_selector("text=Subscribed to Loopback Wire.")


def test_an_editor_removes_a_feed_only_after_confirming_and_restores_it(page, site, wire) -> None:
    sign_in(page, site)
    subscribe(page, site, wire)
    row = page.locator("table.feeds tbody tr").first
    assert "Not checked yet" not in row.inner_text() and "OK" in row.inner_text()  # subscribing checked it
    row.get_by_role("link", name="Remove Loopback Wire…").click()
    page.wait_for_selector("h1:has-text('Remove Loopback Wire?')")
    shot(page, "feed-remove-confirm")
    page.click("text=Keep it")
    assert page.locator("table.feeds tbody tr").count() == 1  # keeping it removed nothing
    page.get_by_role("link", name="Remove Loopback Wire…").click()
    page.click("button:has-text('Remove the feed')")
    page.wait_for_selector("text=Unsubscribed from Loopback Wire.")
    assert page.locator("table.feeds").count() == 0
    removed = page.inner_text("#removed")
    assert "Loopback Wire" in removed and "removed by edna" in removed
    shot(page, "feeds-recently-removed")
    page.get_by_role("button", name="Restore Loopback Wire").click()
    page.wait_for_selector("text=Restored Loopback Wire")
    assert "Loopback Wire" in page.inner_text("table.feeds") and page.locator("#removed").count() == 0
    assert not page.csp_violations and not page.dialogs


def test_an_editor_imports_an_opml_list_and_a_hostile_one_is_refused_beside_the_field(page, site, tmp_path) -> None:
    sign_in(page, site)
    page.goto(f"{site}/feeds")
    page.set_input_files("#opml", files=[{"name": "desk.opml", "mimeType": "text/x-opml", "buffer": GOOD_OPML}])
    page.click(".import-opml button[type=submit]")
    page.wait_for_selector("text=Imported 2 feeds; 0 already subscribed; 0 refused.")
    table = page.inner_text("table.feeds")
    assert "Example Wire" in table and "Other Wire" in table and "via opml" in table
    page.set_input_files("#opml", files=[{"name": "evil.opml", "mimeType": "text/x-opml", "buffer": HOSTILE_OPML}])
    page.click(".import-opml button[type=submit]")
    page.wait_for_selector("#opml-error")
    assert "DOCTYPE" in page.inner_text("#opml-error") and "root:" not in page.content()
    shot(page, "feeds-opml-refused")
    with page.expect_download() as download:
        page.click("text=Export these subscriptions as OPML")
    exported = download.value.path().read_text(encoding="utf-8")
    assert 'xmlUrl="https://news.example/wire.xml"' in exported and 'xmlUrl="https://other.example/rss"' in exported
    assert not page.csp_violations


def test_search_marks_the_words_found_sorts_by_date_and_searches_the_wire_archive(page, site, wire, runtime) -> None:
    rt: Runtime = runtime
    sign_in(page, site)
    subscribe(page, site, wire)
    page.click("text=Poll now")
    page.wait_for_selector("text=Polling Loopback Wire now is queued")
    assert run_queued_jobs(rt) == 1
    page.goto(f"{site}/search")
    page.fill("#q", "declin")
    page.select_option("#order", "date")
    page.click("main form[role=search] button[type=submit]")
    page.wait_for_selector(".hit mark")
    assert "order=date" in page.url
    assert page.locator(".hit mark").first.inner_text() == "decline"
    assert page.locator(".hit .badge.kind-declined_to_comment").count() >= 1
    shot(page, "search-marked")
    page.fill("#q", "voice calls")
    page.check("input[name=archive]")
    page.click("main form[role=search] button[type=submit]")
    page.wait_for_selector("#archive .hit")
    archive = page.locator("#archive .hit").first
    assert [m.inner_text() for m in archive.locator("mark").all()] == ["voice", "calls"]
    assert "<script>window.pwned=1</script>" in archive.inner_text() and "wire item" in archive.inner_text().lower()
    assert page.evaluate("window.pwned") is None
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the search page is {width}px wide on a 390px screen"
    shot(page, "search-archive-phone")
    assert not page.csp_violations


def test_the_pages_this_adds_have_no_serious_or_critical_accessibility_violations(page, site, wire, runtime) -> None:
    from test_browser_accessibility import audit

    sign_in(page, site)
    subscribe(page, site, wire)
    page.click("text=Poll now")
    assert run_queued_jobs(runtime) == 1
    feed_id = page.locator("table.feeds tbody tr").first.get_attribute("id").removeprefix("feed-")
    pages = {
        "remove feed confirmation": f"/feeds/{feed_id}/remove",
        "index filtered": "/?status=developing",
        "search with the archive": "/search?q=character&archive=1&order=date",
        "suggestions with marks": "/stories/meta-xai-court-character-ai/suggestions",
    }
    problems = audit(page, site, pages)
    page.goto(f"{site}/feeds/{feed_id}/remove")
    page.click("button:has-text('Remove the feed')")
    problems += audit(page, site, {"feeds with recently removed": "/feeds"})
    assert not problems, "\n".join(problems)
