"""The story page's top, its replay and its time travel in a real browser
(Debian's chromium driven by Playwright): the state on the first screen of a
laptop, the chart legible on a phone, the replay stepped by keyboard, time
travel "as reported" by default. Screenshots go to test-output/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from test_browser_ui import SEED, browser, page, runtime, shot, site  # noqa: F401

pytestmark = pytest.mark.browser

STORY = f"/stories/{SEED}"

#: The size of a chart axis label on screen: its font size times the drawing's scale.
LABEL_PX = """() => {
  const svg = document.querySelector('.chart svg');
  return [...svg.querySelectorAll('text.axis')].map(t =>
    parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width);
}"""


def bottom(locator: Any) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"]


def test_the_story_page_leads_with_title_summary_and_state_and_the_chart_follows(page, site) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{site}{STORY}")
    title, summary = page.locator("h1"), page.locator(".story-head .standfirst")
    state, chart = page.locator(".story-state"), page.locator(".story-chart")
    assert "Meta and xAI court Character.AI" in title.inner_text()
    assert summary.is_visible() and bottom(title) <= summary.bounding_box()["y"]
    assert bottom(state) <= 768, f"the state ends at {bottom(state)}px, below the first screen"
    assert bottom(state) <= chart.bounding_box()["y"], "the chart comes after the state"
    assert chart.bounding_box()["y"] < page.locator(".timetravel").bounding_box()["y"]
    shot(page, "story-top-1366x768", full_page=False)
    assert not page.csp_violations


def test_on_a_phone_the_page_fits_and_the_chart_labels_are_at_least_10_px(page, site) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}{STORY}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    sizes = page.evaluate(LABEL_PX)
    assert sizes and min(sizes) >= 10, f"axis labels of {min(sizes):.1f}px"
    shot(page, "story-top-390x844", full_page=False)
    page.locator(".story-chart").scroll_into_view_if_needed()
    shot(page, "story-chart-390x844", full_page=False)


def test_the_replay_steps_by_keyboard_and_the_url_carries_the_step(page, site) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{site}{STORY}")
    page.focus("text=Replay the story")
    page.keyboard.press("Enter")
    page.wait_for_url("**?step=1#replay")
    assert "First report" in page.inner_text("#replay")
    assert page.locator(".replay-play").is_visible()  # the script is there (no CDN, same origin)
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**?step=2#replay")
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**?step=3#replay")
    assert "Replay: step 3 of" in page.text_content(".replay-title")
    threads = page.inner_text(".state-threads")
    assert "xAI – Character.AI" in threads and "Meta – Adept" not in threads  # as it stood then
    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**?step=2#replay")
    assert "xAI – Character.AI" not in page.inner_text(".state-threads")
    shot(page, "story-replay-1366x768", full_page=False)
    # Tab reaches the control's links: Enter follows Next
    page.locator(".replay-next").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**?step=3#replay")
    assert not page.csp_violations


def test_play_walks_to_the_last_step_and_stops_there(page, site) -> None:
    page.goto(f"{site}{STORY}?step=5#replay")
    total = int(page.text_content(".replay-title").split(" of ")[1])
    page.click(".replay-play")
    assert page.get_attribute(".replay-play", "aria-pressed") == "true"
    page.wait_for_url(f"**?step={total}#replay", timeout=30_000)
    page.wait_for_selector(".replay-play[aria-pressed=false]")
    assert page.locator(".replay-next").count() == 0


def test_time_travel_to_a_news_date_shows_what_was_published_by_then_without_choosing_a_mode(page, site) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{site}{STORY}")
    assert page.is_checked("input[name=mode][value=reported]")
    page.fill("#as_of", "2024-05-26")
    page.click(".timetravel button[type=submit]")
    page.wait_for_selector(".banner-past")
    assert "mode=reported" in page.url and "published by" in page.inner_text(".banner-past")
    assert "Meta has held early partnership talks" in page.inner_text(".timeline")
    assert page.input_value("#as_of") == "2024-05-26"
    page.check("input[name=mode][value=recorded]")
    page.click(".timetravel button[type=submit]")
    notice = page.inner_text(".notice-not-opened")
    assert "the desk opened this story on" in notice and page.input_value("#as_of") == "2024-05-26"
    shot(page, "story-before-opening-1366x768", full_page=False)
    page.click("text=See what had been published by 2024-05-26 (as reported)")
    assert "Meta has held early partnership talks" in page.inner_text(".timeline")
    assert not page.csp_violations


def test_the_replay_and_the_time_travel_notice_have_no_serious_accessibility_violations(page, site) -> None:
    from test_browser_accessibility import audit

    pages = {
        "story": STORY,
        "replay step": f"{STORY}?step=3",
        "before the opening": f"{STORY}?as_of=2024-05-26&mode=recorded",
        "changes by published time": f"{STORY}/changes?since=2024-05-24",
    }
    assert audit(page, site, pages) == []


def test_leaving_the_replay_stops_play_so_a_later_visit_does_not_start_playing(page, site) -> None:
    page.goto(f"{site}{STORY}?step=1#replay")
    page.click(".replay-play")
    assert page.get_attribute(".replay-play", "aria-pressed") == "true"
    page.click("text=Leave the replay")
    page.wait_for_url(f"**{STORY}")
    page.goto(f"{site}{STORY}?step=2#replay")
    assert page.get_attribute(".replay-play", "aria-pressed") == "false"
    assert page.text_content(".replay-play") == "Play"
