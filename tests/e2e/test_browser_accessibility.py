"""Accessibility and layout of the main pages in a real browser (Debian's
chromium driven by Playwright): axe-core, vendored in tests/e2e/vendor (nothing
is fetched while the tests run), finds no serious or critical violation on any
main page; focus is visible; a 500-character unbroken headline does not widen
the page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_browser_rules import archived  # noqa: F401
from test_browser_ui import SEED, browser, page, runtime, shot, sign_in, site  # noqa: F401

from tracker.bootstrap import Runtime

pytestmark = pytest.mark.browser

VENDOR = Path(__file__).parent / "vendor"
AXE = (VENDOR / "axe.min.js").read_text(encoding="utf-8")
AXE_VERSION = re.search(r"axe-core (\d+\.\d+\.\d+)", (VENDOR / "README.md").read_text(encoding="utf-8"))
SERIOUS = ("serious", "critical")
LONG_WORD = "Unbroken" + "x" * 492  # 500 characters and no place to break

RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return {version: axe.version, violations: results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary.split('\\n').slice(1, 2).join(''))
  }))};
}"""


def serious_violations(page: Any, label: str) -> list[str]:
    """axe-core's serious and critical findings on the page in view, one line each."""
    page.evaluate(AXE)  # through the DevTools protocol: the page's CSP does not apply
    found = page.evaluate(RUN_AXE)
    assert AXE_VERSION and found["version"] == AXE_VERSION.group(1), "vendor/README.md names another axe-core"
    return [
        f"{label}: {v['impact']} {v['id']} ({v['help']}): {'; '.join(v['nodes'])}"
        for v in found["violations"]
        if v["impact"] in SERIOUS
    ]


def audit(page: Any, site: str, pages: dict[str, str], widths: tuple[int, ...] = (1280, 390)) -> list[str]:
    problems: list[str] = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        for label, path in pages.items():
            response = page.goto(f"{site}{path}")
            assert response.status < 400, f"{label} ({path}) answered {response.status}"
            problems += serious_violations(page, f"{label} at {width}px")
            shot(page, f"{re.sub(r'[^a-z]+', '-', label).strip('-')}-{width}", full_page=False)
    return problems


def first_report(runtime: Runtime) -> str:
    return str(runtime.newsroom.story(SEED).reports[0].report_id)


def test_the_reading_pages_have_no_serious_or_critical_accessibility_violations(page, site) -> None:
    pages = {
        "index": "/",
        "story": f"/stories/{SEED}",
        "story as of": f"/stories/{SEED}?as_of=2024-06-02&mode=reported",
        "story at a version": f"/stories/{SEED}?version=3",
        "story at a replay step": f"/stories/{SEED}?step=2",
        "story before it was opened": f"/stories/{SEED}?as_of=2024-05-20&mode=recorded",
        "changes": f"/stories/{SEED}/changes?since=2001-01-01",
        "history": f"/stories/{SEED}/history",
        "search": "/search?q=declined",
        "login": "/login",
    }
    problems = audit(page, site, pages)
    page.goto(f"{site}/stories/no-such-story")
    problems += serious_violations(page, "not found")
    assert not problems, "\n".join(problems)


def test_the_editing_pages_have_no_serious_or_critical_accessibility_violations(page, site, archived) -> None:
    sign_in(page, site)
    report = first_report(archived)
    pages = {
        "story (editor)": f"/stories/{SEED}",
        "suggestions": f"/stories/{SEED}/suggestions",
        "feeds": "/feeds",
        "open a story": "/stories/new",
        "add a report": f"/stories/{SEED}/reports/new",
        "correct a report": f"/stories/{SEED}/reports/{report}/correct",
        "retract a report": f"/stories/{SEED}/reports/{report}/retract",
        "reclassify a report": f"/stories/{SEED}/reports/{report}/reclassify",
        "settings": f"/stories/{SEED}/settings",
        "tracking rules": f"/stories/{SEED}/rules",
    }
    problems = audit(page, site, pages)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site}/stories/{SEED}/reports/new")
    page.click("main form.form-card button[type=submit]")  # every required field missing: errors beside them
    page.wait_for_selector(".field.has-error")
    problems += serious_violations(page, "add a report, refused")
    assert not problems, "\n".join(problems)


def test_the_keyboard_focus_is_visible_on_links_buttons_and_fields(page, site) -> None:
    page.goto(f"{site}/login")
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.className")
    assert skip == "skip" and page.locator(".skip").bounding_box()["x"] >= 0, "the skip link shows when focused"
    seen = []
    for _ in range(20):  # every focusable element of the page, then the focus leaves it
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement, s = getComputedStyle(e);
               return {tag: e.tagName, text: (e.innerText || e.name || '').slice(0, 30),
                       outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
                       ring: s.boxShadow !== 'none'}; }"""
        )
        if focused["tag"] == "BODY":
            break
        seen.append(focused)
    tags = {s["tag"] for s in seen}
    assert {"A", "INPUT", "BUTTON"} <= tags, f"tabbing reached only {tags}"
    unmarked = [s for s in seen if not (s["outline"] or s["ring"])]
    assert not unmarked, f"focused without a visible outline or ring: {unmarked}"


def test_a_500_character_unbroken_headline_does_not_widen_the_story_page_the_retract_form_or_the_lists(
    page, site, runtime
) -> None:
    from datetime import UTC, datetime

    report = runtime.newsroom.add_report(
        SEED,
        headline=LONG_WORD,
        summary=LONG_WORD,
        outlet=LONG_WORD[:200],
        published_at=datetime(2024, 6, 3, 9, tzinfo=UTC),
        kinds=["confirmed"],
        parties=["Meta"],
    )
    sign_in(page, site)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for label, path in (
            ("story", f"/stories/{SEED}"),
            ("retract form", f"/stories/{SEED}/reports/{report}/retract"),
            ("index", "/"),
            ("changes", f"/stories/{SEED}/changes?since=2001-01-01"),
            ("history", f"/stories/{SEED}/history"),
        ):
            page.goto(f"{site}{path}")
            if label in ("story", "retract form"):
                assert page.locator(f"text={LONG_WORD[:40]}").count() >= 1, f"the long headline is on the {label}"
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"the {label} is {scroll}px wide in a {width}px window"
            shot(page, f"long-headline-{label.replace(' ', '-')}-{width}", full_page=False)


def test_the_story_chart_has_its_figures_as_a_table_that_agrees_with_the_bars(page, site) -> None:
    page.goto(f"{site}/stories/{SEED}")
    bars = page.evaluate(
        """() => [...document.querySelectorAll('.chart svg g > title')]
             .map(t => parseInt(t.textContent.split(': ').pop(), 10))"""
    )
    page.click(".chart-data summary")
    rows = page.locator(".chart-data tbody tr")
    assert rows.count() == len([b for b in bars if b]) >= 1, "one row per period with reports"
    totals = [int(t) for t in rows.locator("td:nth-of-type(1)").all_inner_texts()]
    assert totals == [b for b in bars if b], "each row's total is its bar's"
    for row in range(rows.count()):
        cells = [int(t) for t in rows.nth(row).locator("td").all_inner_texts()]
        assert sum(cells[1:]) == cells[0], f"row {row}: the kinds add up to the total"
    assert not serious_violations(page, "story with the chart's table open")
