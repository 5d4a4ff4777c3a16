"""A full disk under the web UI, on a real SQLite file.

The disk fills through SQLite's own limit: once "full", every connection
of the runtime's engine gets ``PRAGMA max_page_count`` set to the file's
current size, so any write needing a new page fails with SQLite's
"database or disk is full", exactly as on a full disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from web_testing import PASSWORD, login, open_web_runtime, post_form

from tracker.accounts import Accounts
from tracker.readmodels.verify import verify

SLUG = "disk"
#: Far more than the free space of any page: the write needs new pages.
SUMMARY = " ".join(f"word{n}" for n in range(2000))
REPORT = {
    "headline": "Meta confirms talks",
    "published_at": "2024-06-03T09:30Z",
    "kinds": ["talks_held"],
    "parties": "Meta",
    "outlet": "Reuters",
    "summary": SUMMARY,
}


class Disk:
    """Full from now (``full``) or as soon as the next event is stored
    (``fill_after_next_event``: the event is stored, the views then cannot
    be written)."""

    def __init__(self, engine: Any) -> None:
        self.full = False
        self.fill_after_next_event = False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, *_: Any) -> None:
        raw = conn.connection.driver_connection
        if self.full:
            pages = raw.execute("PRAGMA page_count").fetchone()[0]
            raw.execute(f"PRAGMA max_page_count = {pages}")
        else:
            raw.execute("PRAGMA max_page_count = 4294967294")

    def _after(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if self.fill_after_next_event and statement.lstrip().upper().startswith("INSERT INTO NEWSROOM_EVENTS"):
            self.full, self.fill_after_next_event = True, False

    def free(self) -> None:
        self.full = self.fill_after_next_event = False


@pytest.fixture
def desk(sqlite_url: str, tmp_path: Path):
    from web import create_app

    runtime = open_web_runtime(sqlite_url, tmp_path / "data")
    runtime.newsroom.open_story(title="Disk", slug=SLUG)
    Accounts(runtime.engine).add_user("edna", PASSWORD, "editor")
    client = create_app(runtime=runtime).test_client()
    login(client, "edna")
    with runtime.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA freelist_count").scalar() < 4  # no free pages to fill first
    yield runtime, client, Disk(runtime.engine)
    runtime.close()


def stored(runtime) -> int:
    return sum(1 for e in runtime.newsroom.history(SLUG) if e.event_type == "ReportAdded")


def test_a_report_stored_before_the_disk_fills_is_answered_as_saved_and_shown_once_there_is_room(desk) -> None:
    runtime, client, disk = desk
    disk.fill_after_next_event = True
    answer = post_form(client, f"/stories/{SLUG}/reports/new", REPORT)
    assert disk.full, "the disk did not fill"
    assert answer.status_code == 302 and answer.headers["Location"].startswith(f"/stories/{SLUG}")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Saved; the page will show it in a moment." in page and "nothing was saved" not in page.lower()
    assert stored(runtime) == 1 and runtime.catalog.story(SLUG).report_count == 0  # stored, not yet shown

    disk.free()
    again = post_form(client, f"/stories/{SLUG}/reports/new", {**REPORT, "headline": "Meta confirms again"})
    assert again.status_code == 302
    assert "Report added to the timeline." in client.get(again.headers["Location"]).get_data(as_text=True)
    assert stored(runtime) == 2 and runtime.catalog.story(SLUG).report_count == 2  # nothing lost or doubled
    assert verify(runtime.projector) == []


def test_a_report_the_full_disk_cannot_store_is_a_503_saying_nothing_was_saved(desk) -> None:
    runtime, client, disk = desk
    disk.full = True
    answer = post_form(client, f"/stories/{SLUG}/reports/new", REPORT)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 503
    assert "The database is full or unavailable" in text and "nothing you sent was saved" in text
    assert "database or disk is full" in text
    assert stored(runtime) == 0

    disk.free()
    assert post_form(client, f"/stories/{SLUG}/reports/new", REPORT).status_code == 302
    assert stored(runtime) == 1 and runtime.catalog.story(SLUG).report_count == 1
