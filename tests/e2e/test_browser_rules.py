"""The tracking rules form in a real browser (Debian's chromium driven by Playwright):
every key shown, a rule set that would track everything refused beside its
field, a preview of what new rules would do to the wire archive before saving,
and an unchanged save that appends nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from feed_server import serve_feed
from test_browser_ui import SEED, browser, page, runtime, shot, sign_in, site  # noqa: F401

from tracker.bootstrap import Runtime
from tracker.ingest.service import Ingestion
from tracker.jobs import JobKind, Jobs

pytestmark = pytest.mark.browser

CHARACTER = "Character.AI, Character AI, CharacterAI, Character Technologies"
VOICE = "Character.AI agrees voice licensing terms with Google for its chatbots"  # weak under the seed rules
TEACHERS = "Character.AI updates its app for teachers"
OFFICE = "C.AI opens an office in London"


def _item(guid: str, title: str, hour: int) -> str:
    return (
        f"<item><title>{title}</title><link>http://127.0.0.1/{guid}</link><guid>{guid}</guid>"
        f"<description>An item of the small wire.</description>"
        f"<pubDate>Mon, 03 Jun 2024 {hour:02d}:00:00 GMT</pubDate></item>"
    )


WIRE = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Small Wire</title>'
    "<link>http://127.0.0.1/</link><description>w</description>"
    + _item("voice", VOICE, 9)
    + _item("teachers", TEACHERS, 10)
    + _item("garden", "Gardening tips for June", 11)
    + _item("office", OFFICE, 12)
    + "</channel></rss>"
)


@pytest.fixture
def archived(runtime: Runtime) -> Iterator[Runtime]:
    """The seed story with a small wire archive polled once: two weak matches in its inbox."""
    with serve_feed(WIRE) as url, Ingestion(runtime, concurrency=2) as service:
        feed = service.add_feed(url, "Small Wire")
        service.poll_feed_now(feed.id)
        assert len(service.suggestions(SEED)) == 2
    yield runtime


def events(runtime: Runtime) -> int:
    return runtime.newsroom.recorder.max_notification_id() or 0


def test_an_editor_previews_new_rules_over_the_archive_then_saves_them_and_an_unchanged_save_appends_nothing(
    page: Any,
    site: str,
    archived: Runtime,
) -> None:
    sign_in(page, site)
    page.goto(f"{site}/stories/{SEED}/rules")
    assert page.input_value("#all_of") == CHARACTER  # every alias, not only the ones spelled apart
    assert "Character.AI = Character AI, CharacterAI, Character Technologies" in page.input_value("#parties")
    assert page.input_value("#min_any") == "1" and page.input_value("#auto_append") == "yes"
    shot(page, "rules-form")

    before = events(archived)
    page.fill("#all_of", "")
    page.click("button[name=save]")
    assert "is empty" in page.inner_text("#all_of-error")
    assert page.is_visible("text=Match anything that mentions one of the any_of terms")
    assert events(archived) == before
    shot(page, "rules-refused")

    page.fill("#all_of", f"{CHARACTER}, C.AI")
    page.fill("#any_of", "voice")
    page.fill("#none_of", "teachers")
    page.click("button[name=preview]")
    page.wait_for_selector("#preview")
    assert page.inner_text("#preview-attached .preview-count") == "1" and VOICE in page.inner_text("#preview-attached")
    assert page.inner_text("#preview-suggested .preview-count") == "1"
    assert OFFICE in page.inner_text("#preview-suggested")
    assert page.inner_text("#preview-withdrawn .preview-count") == "1"
    assert TEACHERS in page.inner_text("#preview-withdrawn")
    assert "Over all 4 archived items" in page.inner_text("#preview")
    assert page.input_value("#any_of") == "voice"  # the form keeps what was typed
    assert events(archived) == before  # a preview saves nothing
    shot(page, "rules-preview")

    page.click("button[name=save]")
    page.wait_for_selector("text=Tracking rules saved.")
    rules = archived.newsroom.story(SEED).rules
    assert rules["all_of"] == [[*CHARACTER.split(", "), "C.AI"]] and rules["none_of"] == ["teachers"]
    assert rules["parties"]["Character.AI"] == ["Character AI", "CharacterAI", "Character Technologies"]
    assert Jobs(archived.engine).latest(JobKind.REMATCH, SEED) is not None
    saved = events(archived)

    page.click("button[name=save]")
    page.wait_for_selector("text=Nothing changed")
    assert events(archived) == saved
