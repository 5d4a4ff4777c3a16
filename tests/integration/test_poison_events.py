"""Poisoned events: stored events the read models cannot decode or store.

They are written here straight through the event store's recorder, as an
older version or a hand-made fix would have, bypassing the domain's checks.
Projection records each (notification and story), stops that story's views
at the version before it, and goes on with every other story; the
commands, the CLI and the web say so instead of failing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from eventsourcing.persistence import StoredEvent

from tracker.accounts import Accounts
from tracker.bootstrap import open_runtime
from tracker.config import load_settings
from tracker.domain.story import Story
from tracker.readmodels.projector import EventNotProjected

TRACKER = shutil.which("tracker", path=str(Path(sys.executable).parent))
PUBLISHED = datetime(2024, 6, 3, tzinfo=UTC)
PASSWORD = "correct horse battery"


def add(newsroom, slug: str, headline: str) -> str:
    return newsroom.add_report(slug, headline=headline, published_at=PUBLISHED, kinds=["talks_held"], parties=["Meta"])


def write_by_hand(newsroom, event) -> int:
    """Stores a domain event without the domain's checks; its notification id."""
    newsroom.recorder.insert_events([newsroom.mapper.to_stored_event(event)])
    return newsroom.recorder.max_notification_id()


def next_event(newsroom, slug: str, cls, **fields):
    story = newsroom.current_story(slug)
    return cls(originator_id=story.id, originator_version=story.version + 1, timestamp=datetime.now(UTC), **fields)


def test_an_event_the_views_cannot_apply_is_recorded_and_only_its_story_stops(runtime) -> None:
    newsroom, projector, catalog = runtime.newsroom, runtime.projector, runtime.catalog
    newsroom.open_story(title="Poisoned", slug="poisoned")
    newsroom.open_story(title="Healthy", slug="healthy")
    add(newsroom, "poisoned", "Before the poison")
    story = newsroom.current_story("poisoned")
    story_id, now = str(story.id), datetime.now(UTC)
    # A retraction of a report the story never had: the views cannot apply it.
    poison = write_by_hand(
        newsroom,
        Story.ReportRetracted(
            originator_id=story.id, originator_version=3, timestamp=now, report_id="r-nowhere", reason="typo", by=""
        ),
    )
    held = write_by_hand(
        newsroom,
        Story.Retitled(originator_id=story.id, originator_version=4, timestamp=now, title="Never shown", by=""),
    )
    add(newsroom, "healthy", "After the poison")  # waits for the views: passes the poisoned event

    assert projector.position() == newsroom.recorder.max_notification_id()
    [poisoning] = projector.poisonings()
    assert (poisoning.event.notification_id, poisoning.event.story_id, poisoning.held_back) == (poison, story_id, 1)
    assert "r-nowhere" in poisoning.event.reason and poisoning.event.topic == "tracker.story:ReportRetracted"
    assert poisoning.describe().startswith(f"event {poison} of story {story_id} could not be projected: ")
    stopped = catalog.story("poisoned")
    assert (stopped.version, stopped.title, stopped.report_count) == (2, "Poisoned", 1)  # the version before it
    assert [r.headline for r in catalog.story("healthy").reports] == ["After the poison"]
    assert projector.views.unprojected(held).held_by == poison
    # Later events of other stories go on being projected, by any process.
    add(newsroom, "healthy", "Later still")
    assert catalog.story("healthy").report_count == 2


def test_a_poisoned_event_inside_a_long_replay_transaction_is_found_and_the_rebuild_matches(runtime) -> None:
    from tracker.readmodels import replay
    from tracker.readmodels.verify import verify

    newsroom = runtime.newsroom
    for n in range(4):
        newsroom.open_story(title=f"Story {n}", slug=f"story-{n}")
        for k in range(6):
            add(newsroom, f"story-{n}", f"Report {n}-{k}")
    newsroom.recorder.insert_events(
        [
            StoredEvent(
                originator_id=newsroom.current_story("story-2").id,
                originator_version=8,
                topic="tracker.story:ReportAdded",
                state=b'{"written": "by an older version"',
            )
        ]
    )
    bad = newsroom.recorder.max_notification_id()
    for k in range(3):
        add(newsroom, "story-1", f"Later {k}")
    live = {slug: runtime.catalog.story(slug) for slug in ("story-0", "story-1", "story-2", "story-3")}

    result = replay(runtime.projector, batch_size=4, events_per_transaction=1000)

    assert result.position == newsroom.recorder.max_notification_id()
    assert [p.event.notification_id for p in runtime.projector.poisonings()] == [bad]
    assert {slug: runtime.catalog.story(slug) for slug in live} == live
    assert runtime.catalog.story("story-2").version == 7
    assert verify(runtime.projector) == []


def test_the_cli_names_a_poisoned_event_and_succeeds(database_url, tmp_path) -> None:
    env = {**os.environ, "TRACKER_DATABASE_URL": database_url, "TRACKER_DATA_DIR": str(tmp_path / "data")}
    runtime = open_runtime(load_settings(env))
    try:
        runtime.newsroom.open_story(title="Healthy", slug="healthy")
        runtime.newsroom.open_story(title="Poisoned", slug="poisoned")
        story_id = runtime.newsroom.current_story("poisoned").id
        runtime.newsroom.recorder.insert_events(
            [StoredEvent(originator_id=story_id, originator_version=2, topic="tracker.story:Renamed", state=b"{}")]
        )
        bad = runtime.newsroom.recorder.max_notification_id()
    finally:
        runtime.close()
    named = f"event {bad} of story {story_id} could not be projected"
    commands = [["stories"], ["replay"], ["replay", "--verify"]]
    if database_url.startswith("sqlite"):
        commands.append(["replay", "--parts", "2"])
    for command in commands:
        done = subprocess.run([TRACKER, *command], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (command, done.stderr)
        assert "Traceback" not in done.stderr and named in done.stderr, (command, done.stderr)
    assert "healthy" in subprocess.run([TRACKER, "stories"], env=env, capture_output=True, text=True).stdout


@pytest.mark.postgres
def test_a_nul_byte_postgresql_cannot_store_stops_only_its_story_and_the_web_says_so(postgres_url, tmp_path) -> None:
    from web_testing import login, post_form

    from web import create_app

    runtime = open_runtime(load_settings({"TRACKER_DATABASE_URL": postgres_url, "TRACKER_DATA_DIR": str(tmp_path)}))
    try:
        newsroom = runtime.newsroom
        newsroom.open_story(title="Nul", slug="nul")
        newsroom.open_story(title="Other", slug="other")
        poison = write_by_hand(newsroom, next_event(newsroom, "nul", Story.Retitled, title="Bad\x00title", by=""))
        add(newsroom, "other", "Still projected")
        [poisoning] = runtime.projector.poisonings()
        assert poisoning.event.notification_id == poison and "NUL" in poisoning.event.reason

        # A command on the poisoned story is stored and says why it is not shown.
        watch = newsroom.watch_saves()
        add(newsroom, "nul", "Stored, not shown")
        newsroom.unwatch_saves()
        assert isinstance(watch.not_shown, EventNotProjected) and f"event {poison}" in str(watch.not_shown)
        assert runtime.catalog.story("nul").report_count == 0

        app = create_app(runtime=runtime)
        Accounts(runtime.engine).add_user("edna", PASSWORD, "editor")
        editor = app.test_client()
        login(editor, "edna")
        before = newsroom.recorder.max_notification_id()
        answer = post_form(
            editor,
            "/stories/nul/reports/new",
            {
                "headline": "From the web",
                "published_at": "2024-06-03T09:30Z",
                "kinds": ["talks_held"],
                "parties": "Meta",
                "outlet": "Reuters",
            },
        )
        assert answer.status_code == 302
        assert newsroom.recorder.max_notification_id() == before + 1  # stored once
        page = editor.get(answer.headers["Location"]).get_data(as_text=True)
        assert "this story&#39;s pages cannot show it" in page and f"event {poison} of story" in page
        assert editor.get("/stories/other").status_code == 200
    finally:
        runtime.close()
