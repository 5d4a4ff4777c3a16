"""Edits that are visible and attributed, in a real browser (Debian's
chromium driven by Playwright): an editor corrects a report's date, the
timeline shows a badge with who and when, the history a Who column and
plain names; the summary is edited in the settings. Screenshots go to
test-output/screenshots/."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from test_browser_ui import SEED, browser, page, runtime, shot, sign_in, site  # noqa: F401

pytestmark = pytest.mark.browser

REPORT = "ft-2024-05-25-meta-talks"


def test_an_editor_corrects_a_reports_date_and_sees_who_and_when_on_the_timeline_and_in_the_history(
    page, site, runtime
) -> None:
    sign_in(page, site)
    page.goto(f"{site}/stories/{SEED}/reports/{REPORT}/correct")
    assert page.input_value("#outlet") and page.input_value("#parties")  # every field, pre-filled
    page.fill("#published_at", "2030-01-01")  # a mistake first: refused beside the field, kept as typed
    page.fill("#reason", "the wire misdated it")
    page.click("main form.form-card button[type=submit]")
    assert "more than a day in the future" in page.inner_text("#published_at-error")
    assert page.input_value("#published_at") == "2030-01-01"
    shot(page, "correct-report-error")
    page.fill("#published_at", "2024-05-24T08:00Z")
    page.click("main form.form-card button[type=submit]")
    page.wait_for_selector("text=Correction recorded")
    badge = page.locator(f"#report-{REPORT} ~ .edit-badges [data-edit=corrected]").first
    assert "corrected (published at) by edna" in badge.inner_text()
    recorded = badge.locator("time").get_attribute("datetime")
    assert recorded and datetime.fromisoformat(recorded).date() == datetime.now(UTC).date()
    assert page.locator(f"#report-{REPORT} .report-rail time").get_attribute("datetime").startswith("2024-05-24")
    shot(page, "story-corrected-badge")

    page.goto(f"{site}/stories/{SEED}/history")
    headers = [h.strip().lower() for h in page.locator("table.events thead th").all_inner_texts()]
    assert "who" in headers
    first = page.locator("table.events tbody tr").first
    assert "Report corrected: published at" in first.locator(".event-what").inner_text()
    assert first.locator(".event-who").inner_text() == "edna"
    assert "Report added" in page.inner_text("table.events tbody")
    shot(page, "history-who")


def test_an_editor_rewrites_the_summary_and_the_story_page_shows_it(page, site, runtime) -> None:
    sign_in(page, site)
    page.goto(f"{site}/stories/{SEED}")
    page.click("text=Edit title, summary or status")
    page.fill("#summary", "Meta and Character.AI struck a licensing deal; xAI walked away.")
    page.click("main form.form-card button[type=submit]")
    page.wait_for_selector("text=Story summary updated.")
    assert "struck a licensing deal" in page.inner_text("main")
    assert runtime.catalog.story(SEED).summary.startswith("Meta and Character.AI struck")
