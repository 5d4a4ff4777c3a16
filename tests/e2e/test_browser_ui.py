"""The web UI in a real browser: Debian's chromium driven by Playwright, against
the app served by a real HTTP server on 127.0.0.1 (a free port).

Screenshots of the main pages go to test-output/screenshots/. With CI=true a
missing chromium fails the tests instead of skipping them.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from feed_server import serve_feed

from tracker.accounts import Accounts
from tracker.bootstrap import Runtime, open_runtime
from tracker.config import PROJECT_ROOT, load_settings
from tracker.seed import load_seed, seed_files

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SHOTS = PROJECT_ROOT / "test-output" / "screenshots"
SEED = "meta-xai-court-character-ai"
PASSWORD = "correct horse battery"
SCRIPT_TITLE = "Character.AI <script>window.pwned=1</script> adds voice calls to its chatbots"
WIRE = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback Wire</title><link>http://127.0.0.1/</link><description>w</description>
  <item><title>Character.AI &amp;lt;script&amp;gt;window.pwned=1&amp;lt;/script&amp;gt; adds voice calls to its chatbots</title>
    <link>http://127.0.0.1/voice</link><guid>wire-voice</guid>
    <description>Users can now talk to characters out loud.</description>
    <pubDate>Mon, 03 Jun 2024 09:00:00 GMT</pubDate></item>
</channel></rss>"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    settings = load_settings(
        {
            "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.sqlite3'}",
            "TRACKER_DATA_DIR": str(tmp_path / "data"),
            "TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES": "true",
        }
    )
    runtime = open_runtime(settings)
    for path in seed_files():
        load_seed(runtime.newsroom, path)
    Accounts(runtime.engine).add_user("edna", PASSWORD, "editor")
    yield runtime
    runtime.close()


@pytest.fixture
def site(runtime: Runtime) -> Iterator[str]:
    from werkzeug.serving import make_server

    from web import create_app

    server = make_server("127.0.0.1", 0, create_app(runtime=runtime), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def wire() -> Iterator[str]:
    with serve_feed(WIRE) as url:
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.csp_violations = []
    page.dialogs = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_violations.append(m.text))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


def shot(page: Any, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def sign_in(page: Any, site: str) -> None:
    page.goto(f"{site}/login")
    shot(page, "login")
    page.fill("#name", "edna")
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Signed in as edna")


def test_an_editor_adds_a_report_sees_it_on_the_timeline_and_travels_back_to_before_it(page, site, runtime) -> None:
    sign_in(page, site)
    shot(page, "index")
    page.click(f"a[href='/stories/{SEED}']")
    version_before = runtime.newsroom.story(SEED).version
    page.click("text=Add a report")
    page.fill("#headline", "Meta confirms it held talks with Character.AI")
    page.fill("#published_at", "next tuesday")  # a mistake first: the form says so and keeps the rest
    page.fill("#outlet", "Reuters")
    page.check("input[value=confirmed]")
    page.fill("#parties", "Meta, Character.AI")
    page.click("main form.form-card button[type=submit]")
    assert "is not an ISO 8601 date or time" in page.inner_text("#published_at-error")
    assert page.input_value("#outlet") == "Reuters" and page.is_checked("input[value=confirmed]")
    shot(page, "add-report-error")
    page.fill("#published_at", "2024-06-03T09:30Z")
    page.click("main form.form-card button[type=submit]")
    page.wait_for_selector("text=Report added to the timeline.")
    timeline = page.inner_text(".timeline")
    assert "Meta confirms it held talks with Character.AI" in timeline
    shot(page, "story")

    page.fill("#version", str(version_before))
    page.click(".timetravel button[type=submit]")
    page.wait_for_selector(".banner-past")
    assert f"version={version_before}" in page.url
    assert "Meta confirms it held talks with Character.AI" not in page.inner_text(".timeline")
    shot(page, "story-time-travel")

    page.goto(f"{site}/stories/{SEED}?as_of=2024-06-02&mode=reported")
    assert "Meta confirms it held talks" not in page.inner_text(".timeline")
    assert page.is_checked("input[name=mode][value=reported]")
    page.click("text=Back to now")
    assert "Meta confirms it held talks" in page.inner_text(".timeline")
    assert not page.csp_violations


def run_queued_jobs(runtime: Runtime) -> int:
    """The worker's job step, in-process (what `tracker worker` runs every few seconds)."""
    from tracker.ingest.service import Ingestion
    from tracker.ingest.worker import Poller
    from tracker.jobs import Jobs

    with Ingestion(runtime, concurrency=2) as ingestion:
        return Poller(ingestion, tick=60, jobs=Jobs(runtime.engine)).run_jobs()


def test_a_suggested_feed_item_with_a_script_title_shows_as_text_and_can_be_accepted(page, site, wire, runtime) -> None:
    sign_in(page, site)
    page.goto(f"{site}/feeds")
    page.fill("#url", wire)
    page.fill("#name", "Loopback Wire")
    page.click(".add-feed button[type=submit]")
    page.wait_for_selector("text=Subscribed to Loopback Wire.")
    page.click("text=Poll now")
    page.wait_for_selector("text=Polling Loopback Wire now is queued")
    assert run_queued_jobs(runtime) == 1  # the worker carries it out
    page.reload()
    page.wait_for_selector("text=Checked Loopback Wire")
    shot(page, "feeds")

    page.goto(f"{site}/stories/{SEED}/suggestions")
    suggestion = page.locator(".suggestion").first
    assert suggestion.locator("h2").inner_text() == SCRIPT_TITLE  # the tag is text on the page
    assert page.evaluate("window.pwned") is None and not page.dialogs
    shot(page, "suggestions")
    suggestion.locator("text=Accept").click()
    page.wait_for_selector("text=Suggestion accepted")
    assert re.search(r"#report-", page.url)
    assert SCRIPT_TITLE in page.inner_text(".timeline")
    assert page.evaluate("window.pwned") is None and not page.dialogs
    assert not page.csp_violations


def test_the_other_pages_render_and_the_story_page_fits_a_phone(page, site) -> None:
    page.goto(f"{site}/stories/{SEED}/history")
    assert "Report added" in page.inner_text("table.events")
    shot(page, "history")
    page.goto(f"{site}/stories/{SEED}/changes?since=2001-01-01")
    assert "New reports" in page.inner_text("main")
    shot(page, "changes")
    page.goto(f"{site}/search?q=declined")
    assert "Character.AI and Meta decline to comment" in page.inner_text("main")
    shot(page, "search")
    response = page.goto(f"{site}/stories/no-such-story")
    assert response.status == 404 and "Not found" in page.inner_text("h1")
    shot(page, "not-found")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}/stories/{SEED}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the story page is {width}px wide on a 390px screen"
    shot(page, "story-phone", full_page=False)
    assert not page.csp_violations


def test_the_story_state_fits_the_first_screen_of_a_laptop_and_a_suggested_party_can_be_added(page, site) -> None:
    sign_in(page, site)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{site}/stories/{SEED}")
    state = page.locator(".story-state")
    box = state.bounding_box()
    assert box["y"] + box["height"] <= 768, f"the state ends at {box['y'] + box['height']}px, below the first screen"
    assert state.evaluate("e => getComputedStyle(e).position") == "static"  # no sticky panel over the timeline
    for heading in ("Threads", "Open questions", "Key developments", "Parties"):
        assert heading.lower() in state.inner_text().lower(), heading
    assert page.locator(".thread").count() >= 1 and page.locator(".thread .badge").first.is_visible()
    shot(page, "story-state-1366", full_page=False)
    suggestion = page.locator(".party-suggestions li").first
    name = suggestion.locator("strong").inner_text()
    suggestion.locator("text=Add as a party").click()
    page.wait_for_selector(f"text={name} is now a party of the story.")
    assert name not in page.locator(".party-suggestions strong").all_inner_texts()
    assert name in page.locator(".party-list").inner_text()
    assert not page.csp_violations
