"""Rebuilding the read models of an SQLite file in parts: one process per
range of stories, copied into the live views in one transaction."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from sqlalchemy import select
from test_read_models import START, generate_history, spy_on_splits

from tracker.readmodels import ProjectionError, Projector, replay
from tracker.readmodels import tables as tbl
from tracker.readmodels.rebuild import rebuild
from tracker.readmodels.rebuild.bulk_session import BackgroundCheckpoints
from tracker.readmodels.rebuild.merge import PartMerge
from tracker.readmodels.rebuild.parts import plan_parts
from tracker.readmodels.rebuild.story_order import build_stories
from tracker.readmodels.verify import verify


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Parts are for SQLite files (PostgreSQL takes concurrent writers)."""
    return sqlite_url


def _part_files(runtime) -> list[Path]:
    database = Path(runtime.engine.url.database)
    return sorted(database.parent.glob(f"{database.name}.part-*"))


def test_a_replay_in_two_processes_builds_exactly_what_one_process_builds(runtime, monkeypatch) -> None:
    generate_history(runtime.newsroom, stories=6, commands=160)
    head = runtime.newsroom.recorder.max_notification_id()
    before = {slug: runtime.catalog.story(slug) for slug in runtime.newsroom.story_slugs()}
    found_before = runtime.catalog.search("meta")
    assert found_before
    splits = spy_on_splits(monkeypatch)
    seen: list[tuple[int, int]] = []

    result = replay(runtime.projector, parts=2, progress=lambda done, target: seen.append((done, target)))

    assert splits == [2]
    assert result.applied == head and result.position == head == runtime.projector.position()
    assert {slug: runtime.catalog.story(slug) for slug in before} == before
    assert runtime.catalog.search("meta") == found_before
    # verify() rebuilds a short log in this one process: the two agree row by row
    assert verify(runtime.projector) == []
    assert seen and seen[-1] == (head, head) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert _part_files(runtime) == []


def test_report_rows_are_numbered_by_their_events_notification_ids(runtime) -> None:
    slug = runtime.newsroom.open_story(title="Numbered", slug="numbered")
    for headline in ("First", "Second"):
        runtime.newsroom.add_report(
            slug, headline=headline, summary="", published_at=START, kinds=["other"], parties=[]
        )
    reports = tbl.LIVE.reports
    with runtime.engine.connect() as conn:
        ids = conn.execute(select(reports.c.id).order_by(reports.c.id)).scalars().all()
    # events 1 (opened), 2 and 3 (the reports)
    assert ids == [2, 3]


def test_the_stories_are_split_into_contiguous_ranges_of_about_equal_events(runtime) -> None:
    generate_history(runtime.newsroom, stories=8, commands=200)
    head = runtime.newsroom.recorder.max_notification_id()
    plans = plan_parts(runtime.projector, head, 2)
    assert len(plans) == 2
    assert plans[0].low is None and plans[-1].high is None and plans[0].high == plans[1].low
    assert sum(plan.events for plan in plans) == head
    assert abs(plans[0].events - plans[1].events) <= head // 3
    # fewer stories than parts: one range per story at most
    assert len(plan_parts(runtime.projector, head, 50)) <= 8


@pytest.mark.parametrize(
    "originator", [UUID(int=0), UUID(int=2**128 - 1)], ids=["in this process", "in a spawned process"]
)
def test_a_part_meeting_an_event_it_cannot_decode_records_it_and_the_replay_goes_on(runtime, originator) -> None:
    generate_history(runtime.newsroom, stories=4, commands=40)
    runtime.newsroom.recorder.insert_events(
        [StoredEvent(originator_id=originator, originator_version=1, topic="tracker.story:Opened", state=b"{not json")]
    )
    bad_id = runtime.newsroom.recorder.max_notification_id()
    before = {slug: runtime.catalog.story(slug) for slug in (f"story-{n}" for n in range(4))}

    replay(runtime.projector, parts=2)

    assert runtime.projector.position() == bad_id
    assert [(p.event.notification_id, p.event.story_id) for p in runtime.projector.poisonings()] == [
        (bad_id, str(originator))
    ]
    assert {slug: runtime.catalog.story(slug) for slug in before} == before
    assert _part_files(runtime) == []


def test_a_rebuild_in_parts_gives_way_to_a_process_that_projected_meanwhile(runtime, monkeypatch) -> None:
    generate_history(runtime.newsroom, stories=4, commands=60)
    runtime.projector.reset()
    claim = PartMerge._claim

    def someone_else_first(merge):
        # another process (a poller, the web app) catches up before the copy
        Projector(runtime.newsroom).catch_up(until=10)
        claim(merge)

    monkeypatch.setattr(PartMerge, "_claim", someone_else_first)
    splits = spy_on_splits(monkeypatch)

    result = rebuild(runtime.projector, parts=2)

    assert splits == [2]
    assert result.position == runtime.newsroom.recorder.max_notification_id()
    assert verify(runtime.projector) == []
    assert _part_files(runtime) == []


def test_a_part_reads_its_stories_one_after_another_each_in_version_order(runtime) -> None:
    generate_history(runtime.newsroom, stories=5, commands=120)
    head = runtime.newsroom.recorder.max_notification_id()
    plans = plan_parts(runtime.projector, head, 2)
    until = head - 10  # events recorded after the rebuild's target stay out
    part = Projector(runtime.newsroom, stories=(plans[1].low, plans[1].high), batch_size=7)

    read = [event for batch in part.story_batches(until) for _, event in batch]
    ids = [notification_id for batch in part.story_batches(until) for notification_id, _ in batch]

    stories = [event.originator_id for event in read]
    assert stories == sorted(stories)  # one story after another, in id order
    assert all(bytes(plans[1].low) <= story.bytes for story in stories)
    for story in set(stories):
        versions = [event.originator_version for event in read if event.originator_id == story]
        assert versions == list(range(1, len(versions) + 1))
    assert max(ids) <= until
    everything = [n for n in runtime.newsroom.recorder.select_notifications(start=1, limit=head, stop=until)]
    assert sorted(ids) == sorted(n.id for n in everything if n.originator_id in set(stories))


def test_a_rebuild_in_parts_with_small_batches_and_transactions_still_builds_the_same_views(runtime) -> None:
    # stories span batches and transactions: a story's state and its
    # reports are read back from the part's own tables
    generate_history(runtime.newsroom, stories=4, commands=200, seed=5)
    head = runtime.newsroom.recorder.max_notification_id()

    result = replay(runtime.projector, parts=2, batch_size=7, events_per_transaction=30)

    assert result.position == head
    assert verify(runtime.projector) == []


def test_views_of_a_range_of_stories_are_built_from_empty_and_never_caught_up(runtime) -> None:
    generate_history(runtime.newsroom, stories=2, commands=10)
    part = Projector(runtime.newsroom, stories=(None, None))
    with pytest.raises(ValueError, match="build_stories"):
        part.catch_up()
    runtime.projector.catch_up()  # the live views are not empty
    live_range = Projector(runtime.newsroom, stories=(None, None))
    with pytest.raises(ProjectionError, match="must start empty"):
        build_stories(live_range, until=runtime.projector.position())


def test_a_rebuild_copies_committed_wal_frames_into_the_database_from_a_thread_of_its_own(tmp_path) -> None:
    from sqlalchemy import create_engine, event

    path = tmp_path / "wal.sqlite3"
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def wal(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
        dbapi_connection.execute("PRAGMA wal_autocheckpoint = 0")

    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x TEXT)")
        conn.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
            "INSERT INTO t SELECT hex(randomblob(500)) FROM n"
        )
    before = path.stat().st_size  # the rows are in the WAL only
    checkpoints = BackgroundCheckpoints(engine, interval=0.01)
    checkpoints.start()
    try:
        assert checkpoints.thread is not None
        for _ in range(500):
            if path.stat().st_size > before + 1_000_000:
                break
            checkpoints.stopping.wait(0.01)
    finally:
        checkpoints.stop()
    assert path.stat().st_size > before + 1_000_000  # 2,000 rows of 1,000 bytes reached the database file
    assert checkpoints.error is None
    engine.dispose()


def test_no_checkpoint_thread_is_started_for_a_database_without_a_wal(tmp_path) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'plain.sqlite3'}")  # rollback journal
    checkpoints = BackgroundCheckpoints(engine)
    checkpoints.start()
    checkpoints.stop()
    assert checkpoints.thread is None
    engine.dispose()
