"""Read models on SQLite and PostgreSQL: exactly once, equal to the aggregates,
equal after replay, and loud about events they cannot apply (recorded and
skipped: see test_poison_events.py)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent, Tracking

from tracker.application import Mode
from tracker.domain.errors import DomainError
from tracker.readmodels import replay
from tracker.readmodels import startup as startup_module
from tracker.readmodels import tables as tbl
from tracker.readmodels.verify import verify
from tracker.tuning import Tuning

START = datetime(2024, 5, 25, tzinfo=UTC)
KINDS = [
    "talks_held",
    "no_agreement",
    "agreement_reached",
    "declined_to_comment",
    "no_response",
    "denied",
    "confirmed",
    "regulatory_scrutiny",
    "other",
]
PARTIES = ["Meta", "xAI", "Character.AI", "Character AI", "Google", "Elon Musk"]


def generate_history(newsroom, *, stories: int = 3, commands: int = 120, seed: int = 11) -> list[datetime]:
    """Random but reproducible: reports published out of order, corrections,
    retractions, reclassifications, retitles and status changes. Returns the
    moments between commands, for as-of checks."""
    rng = random.Random(seed)
    slugs = [newsroom.open_story(title=f"Story number {n}", slug=f"story-{n}") for n in range(stories)]
    live: dict[str, list[str]] = {slug: [] for slug in slugs}
    moments = []
    for step in range(commands):
        slug = rng.choice(slugs)
        roll = rng.random()
        try:
            if roll < 0.6 or not live[slug]:
                rid = newsroom.add_report(
                    slug,
                    headline=f"Report {step}",
                    summary=f"Summary of step {step}",
                    published_at=START + timedelta(hours=rng.randint(0, 500)),
                    kinds=rng.sample(KINDS, rng.randint(1, 2)),
                    parties=rng.sample(PARTIES, rng.randint(0, 3)),
                    outlet=rng.choice(["FT", "Reuters", "Bloomberg"]),
                )
                live[slug].append(rid)
            elif roll < 0.72:
                newsroom.correct_report(slug, rng.choice(live[slug]), headline=f"Corrected at {step}", reason="fix")
            elif roll < 0.8:
                rid = rng.choice(live[slug])
                newsroom.retract_report(slug, rid, reason="withdrawn")
                live[slug].remove(rid)
            elif roll < 0.9:
                newsroom.reclassify_report(
                    slug, rng.choice(live[slug]), kinds=rng.sample(KINDS, 1), parties=rng.sample(PARTIES, 2), by="desk"
                )
            elif roll < 0.95:
                newsroom.retitle_story(slug, f"Retitled at {step}")
            else:
                newsroom.change_status(slug, rng.choice(["developing", "quiet", "concluded"]))
        except DomainError:
            pass  # e.g. a reclassification to the same kinds: the command is refused, nothing recorded
        moments.append(datetime.now(UTC))
    return moments


def test_the_catalog_gives_the_same_story_as_the_aggregate_now_and_at_every_point(runtime) -> None:
    newsroom, catalog = runtime.newsroom, runtime.catalog
    moments = generate_history(newsroom)
    for slug in newsroom.story_slugs():
        assert catalog.story(slug) == newsroom.story(slug)
        latest = newsroom.story(slug).version
        for version in range(1, latest + 1):
            assert catalog.story_at_version(slug, version) == newsroom.story_at_version(slug, version)
        for moment in moments[::7]:
            if newsroom.version_at(slug, moment) is not None:
                assert catalog.story_as_of(slug, moment, Mode.RECORDED) == newsroom.story_as_of(
                    slug, moment, Mode.RECORDED
                )
        for hours in range(0, 520, 37):
            moment = START + timedelta(hours=hours)
            assert catalog.story_as_of(slug, moment, Mode.REPORTED) == newsroom.story_as_of(slug, moment, Mode.REPORTED)
    assert [s.slug for s in catalog.stories()] == [s.slug for s in newsroom.stories()]
    assert catalog.stories() == newsroom.stories()


@pytest.mark.parametrize("events_per_transaction", [20, 100_000], ids=["commit every 20 events", "one transaction"])
def test_replay_rebuilds_exactly_what_incremental_projection_built(runtime, events_per_transaction) -> None:
    generate_history(runtime.newsroom, commands=80)
    assert verify(runtime.projector) == []
    before = {slug: runtime.catalog.story(slug) for slug in runtime.newsroom.story_slugs()}
    found_before = runtime.catalog.search("meta")
    assert found_before
    result = replay(runtime.projector, batch_size=7, events_per_transaction=events_per_transaction)
    assert result.applied == runtime.newsroom.recorder.max_notification_id()
    assert {slug: runtime.catalog.story(slug) for slug in before} == before
    assert runtime.catalog.search("meta") == found_before
    assert verify(runtime.projector) == []


def test_a_replay_commits_in_transactions_of_many_batches(runtime, monkeypatch) -> None:
    generate_history(runtime.newsroom, commands=30)
    commits: list[int] = []
    apply_batches = runtime.projector.views.apply_batches

    def counting(start, batches, **kwargs):
        reached = apply_batches(start, batches, **kwargs)
        commits.append(reached - start)
        return reached

    monkeypatch.setattr(runtime.projector.views, "apply_batches", counting)
    head = runtime.newsroom.recorder.max_notification_id()
    replay(runtime.projector, batch_size=5, events_per_transaction=20)
    applied = [n for n in commits if n]
    assert sum(applied) == head
    assert all(n == 20 for n in applied[:-1]) and 0 < applied[-1] <= 20


def test_a_replay_given_no_sizes_takes_them_from_the_projectors_tuning(runtime, monkeypatch) -> None:
    generate_history(runtime.newsroom, commands=30)
    runtime.projector.tuning = runtime.projector.tuning.but(replay_batch=5, replay_transaction=20)
    commits: list[int] = []
    batches: list[int] = []
    apply_batches = runtime.projector.views.apply_batches

    def counting(start, batches_, *, on_batch, **kwargs):
        def seen(count: int, position: int) -> None:
            batches.append(count)
            on_batch(count, position)

        reached = apply_batches(start, batches_, on_batch=seen, **kwargs)
        commits.append(reached - start)
        return reached

    monkeypatch.setattr(runtime.projector.views, "apply_batches", counting)
    head = runtime.newsroom.recorder.max_notification_id()
    replay(runtime.projector)
    applied = [n for n in commits if n]
    assert sum(applied) == head
    assert all(n == 20 for n in applied[:-1]) and 0 < applied[-1] <= 20
    assert max(batches) == 5


def _index_names(engine) -> set[str]:
    from sqlalchemy import inspect

    inspector = inspect(engine)
    return {index["name"] for table in tbl.LIVE.all for index in inspector.get_indexes(table.name)}


def test_replay_defers_the_indexes_it_never_reads_and_builds_them_at_the_end(runtime, monkeypatch) -> None:
    generate_history(runtime.newsroom, commands=30)
    deferred = {index.name for index in tbl.LIVE.deferred_indexes}
    assert len(deferred) == 4 and deferred <= _index_names(runtime.engine)
    seen_during: list[set[str]] = []
    apply_batches = runtime.projector.views.apply_batches

    def spying(start, batches, **kwargs):
        seen_during.append(_index_names(runtime.engine))
        return apply_batches(start, batches, **kwargs)

    monkeypatch.setattr(runtime.projector.views, "apply_batches", spying)
    replay(runtime.projector, batch_size=10)
    assert seen_during and all(not (deferred & names) for names in seen_during)
    assert deferred <= _index_names(runtime.engine)
    assert verify(runtime.projector) == []


def test_indexes_left_out_by_a_stopped_replay_are_rebuilt_when_the_tracker_next_opens(runtime, settings) -> None:
    generate_history(runtime.newsroom, commands=10)
    tbl.drop_deferred_indexes(runtime.engine, tbl.LIVE)
    assert not ({index.name for index in tbl.LIVE.deferred_indexes} & _index_names(runtime.engine))
    from tracker.bootstrap import open_runtime

    again = open_runtime(settings)
    try:
        assert {index.name for index in tbl.LIVE.deferred_indexes} <= _index_names(again.engine)
    finally:
        again.close()


def test_a_decoding_error_found_while_reading_ahead_is_recorded_and_the_replay_goes_on(runtime) -> None:
    generate_history(runtime.newsroom, commands=20)
    runtime.newsroom.recorder.insert_events(
        [StoredEvent(originator_id=uuid4(), originator_version=1, topic="tracker.story:Opened", state=b"{not json")]
    )
    bad_id = runtime.newsroom.recorder.max_notification_id()
    runtime.newsroom.open_story(title="After the bad one", slug="after")
    replay(runtime.projector, batch_size=3, events_per_transaction=7)
    assert runtime.projector.position() == runtime.newsroom.recorder.max_notification_id()
    [poisoned] = runtime.projector.poisonings()
    assert poisoned.event.notification_id == bad_id and "does not decode" in poisoned.event.reason
    assert runtime.catalog.story("after").title == "After the bad one"
    assert verify(runtime.projector) == []


def test_verify_reports_a_live_row_that_differs_from_a_rebuild(runtime) -> None:
    generate_history(runtime.newsroom, commands=10)
    with runtime.engine.begin() as conn:
        conn.execute(tbl.LIVE.stories.update().values(title="Tampered"))
    differences = verify(runtime.projector)
    assert differences and all(d.startswith("rm_stories") for d in differences)
    assert "Tampered" in differences[0]


def test_redelivering_an_event_changes_nothing(runtime) -> None:
    newsroom, projector = runtime.newsroom, runtime.projector
    newsroom.open_story(title="Once only", slug="once")
    newsroom.add_report("once", headline="Talks", published_at=START, kinds=["talks_held"], parties=["Meta"])
    before = runtime.catalog.story("once")
    notifications = newsroom.recorder.select_notifications(1, 10)
    last = notifications[-1]
    event = newsroom.mapper.to_domain_event(last)
    projector.views.apply_event(event, Tracking(projector.tables.tracking_name, last.id))
    from tracker.readmodels.view import PositionMoved

    with pytest.raises(PositionMoved):
        projector.views.apply_batch(last.id - 1, [(last.id, event)])
    assert runtime.catalog.story("once") == before
    assert runtime.catalog.story("once").report_count == 1
    assert projector.catch_up().applied == 0


def test_an_event_the_read_models_cannot_decode_is_recorded_and_projection_goes_on(runtime) -> None:
    newsroom, projector = runtime.newsroom, runtime.projector
    newsroom.open_story(title="Future", slug="future")
    newsroom.recorder.insert_events(
        [StoredEvent(originator_id=uuid4(), originator_version=1, topic="tracker.story:FromTheFuture", state=b"{}")]
    )
    bad_id = newsroom.recorder.max_notification_id()
    projector.catch_up()
    assert projector.position() == bad_id  # passed, not stuck
    [poisoned] = projector.poisonings()
    assert poisoned.event.notification_id == bad_id and "FromTheFuture" in poisoned.event.topic
    newsroom.add_report("future", headline="Later", published_at=START, kinds=["talks_held"], parties=["Meta"])
    assert runtime.catalog.story("future").report_count == 1


def test_a_changed_view_version_rebuilds_the_read_models_at_start_up(runtime, settings, monkeypatch) -> None:
    generate_history(runtime.newsroom, commands=15)
    before = runtime.catalog.stories()
    with runtime.engine.begin() as conn:
        conn.execute(tbl.LIVE.stories.update().values(title="Stale"))
    monkeypatch.setitem(tbl.VIEW_VERSIONS, "stories", tbl.VIEW_VERSIONS["stories"] + 1)
    from tracker.bootstrap import open_runtime

    again = open_runtime(settings)
    try:
        assert again.catalog.stories() == before
    finally:
        again.close()


def test_a_long_log_behind_empty_read_models_is_rebuilt_in_bulk_at_start_up(
    runtime, settings, monkeypatch, caplog
) -> None:
    generate_history(runtime.newsroom, commands=40)
    head = runtime.newsroom.recorder.max_notification_id()
    before = {slug: runtime.catalog.story(slug) for slug in runtime.newsroom.story_slugs()}
    monkeypatch.setitem(tbl.VIEW_VERSIONS, "reports", tbl.VIEW_VERSIONS["reports"] + 1)
    rebuilds = []
    real_rebuild = startup_module.rebuild
    monkeypatch.setattr(startup_module, "rebuild", lambda *a, **k: rebuilds.append(k) or real_rebuild(*a, **k))
    from tracker.bootstrap import open_runtime

    again = open_runtime(settings, tuning=Tuning().but(bulk_from=head))
    try:
        assert rebuilds == [{"until": head}]
        assert "rebuilding them in bulk" in caplog.text
        assert again.projector.position() == head
        assert {slug: again.catalog.story(slug) for slug in before} == before
        assert verify(again.projector) == []
    finally:
        again.close()


def test_read_models_a_short_way_behind_are_caught_up_not_rebuilt_at_start_up(runtime, settings, monkeypatch) -> None:
    generate_history(runtime.newsroom, commands=10)
    head = runtime.newsroom.recorder.max_notification_id()
    monkeypatch.setitem(tbl.VIEW_VERSIONS, "reports", tbl.VIEW_VERSIONS["reports"] + 1)
    monkeypatch.setattr(startup_module, "rebuild", lambda *a, **k: pytest.fail("rebuilt a short log"))
    from tracker.bootstrap import open_runtime

    again = open_runtime(settings, tuning=Tuning().but(bulk_from=head + 1))
    try:
        assert again.projector.position() == head
    finally:
        again.close()


def test_search_finds_reports_by_words_and_prefixes_and_follows_corrections(runtime) -> None:
    newsroom, catalog = runtime.newsroom, runtime.catalog
    newsroom.open_story(title="Chatbots", slug="chatbots")
    rid = newsroom.add_report(
        "chatbots",
        headline="Meta weighs Character.AI partnership",
        summary="Talks on research",
        published_at=START,
        kinds=["talks_held"],
        parties=["Meta"],
        outlet="Financial Times",
    )
    newsroom.add_report("chatbots", headline="Metadata standards body meets", published_at=START, kinds=["other"])
    assert [h.report_id for h in catalog.search("character partnership")] == [rid]
    assert {h.headline for h in catalog.search("meta")} >= {"Meta weighs Character.AI partnership"}
    assert len(catalog.search("financ")) == 1
    newsroom.correct_report("chatbots", rid, headline="Meta courts Character.AI", reason="tone")
    assert catalog.search("partnership") == ()
    assert catalog.search("courts")[0].report_id == rid
    assert catalog.search("   ") == ()
    assert catalog.search('"unbalanced') == ()


def test_the_projector_loop_follows_events_written_by_another_process(database_url, tmp_path) -> None:
    """SQLite: by polling; PostgreSQL: woken by LISTEN/NOTIFY."""
    import threading

    from tracker.bootstrap import open_newsroom, open_runtime
    from tracker.config import load_settings

    settings = load_settings({"TRACKER_DATABASE_URL": database_url, "TRACKER_DATA_DIR": str(tmp_path)})
    runtime = open_runtime(settings)
    writer = open_newsroom(settings)
    stop = threading.Event()
    loop = threading.Thread(target=runtime.projector.run_forever, args=(stop,), kwargs={"interval": 0.05})
    loop.start()
    try:
        writer.open_story(title="Polled", slug="polled")
        for n in range(30):
            writer.add_report("polled", headline=f"Report {n}", published_at=START, kinds=["other"])
        writer.add_report("polled", headline="Seen by polling", published_at=START + timedelta(days=1), kinds=["other"])
        head = writer.recorder.max_notification_id()
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while runtime.projector.position() < head and datetime.now(UTC) < deadline:
            stop.wait(0.05)
        view = runtime.catalog.story("polled")
        assert view.reports[-1].headline == "Seen by polling" and view.report_count == 31
    finally:
        stop.set()
        loop.join(timeout=10)
        writer.close()
        runtime.close()
    assert not loop.is_alive()


def test_fast_time_travel_with_a_timeline_limit_agrees_with_the_full_view(runtime) -> None:
    newsroom, catalog = runtime.newsroom, runtime.catalog
    moments = generate_history(newsroom, commands=150, seed=5)

    def agrees(full, fast, limit):
        assert fast.state == full.state
        assert fast.report_count == full.report_count
        assert fast.reports == full.reports[-limit:] if limit else fast.reports == ()
        assert fast.timeline_complete == (len(full.reports) <= limit)
        assert (fast.version, fast.title, fast.status) == (full.version, full.title, full.status)

    def points(view):
        return sorted((r.published_at, r.kinds[0]) for r in view.reports if r.active)

    for slug in newsroom.story_slugs():
        latest = catalog.story(slug).version
        for version in range(1, latest + 1, 3):
            full = catalog.story_at_version(slug, version)
            agrees(full, catalog.story_at_version(slug, version, timeline_limit=4), 4)
            assert sorted(catalog.developments(slug, version=version)) == points(full)
        for moment in moments[::9]:
            if catalog.version_at(slug, moment) is not None:
                agrees(
                    catalog.story_as_of(slug, moment, Mode.RECORDED),
                    catalog.story_as_of(slug, moment, Mode.RECORDED, timeline_limit=3),
                    3,
                )
        for hours in range(0, 520, 41):
            moment = START + timedelta(hours=hours)
            full = catalog.story_as_of(slug, moment, Mode.REPORTED)
            agrees(full, catalog.story_as_of(slug, moment, Mode.REPORTED, timeline_limit=5), 5)
            assert sorted(catalog.developments(slug, published_by=moment)) == points(full)


def spy_on_splits(monkeypatch) -> list[int]:
    """Records how many parts each rebuild is split into."""
    from tracker.readmodels.rebuild import parts as parts_module

    seen: list[int] = []
    real = parts_module.rebuild_in_parts

    def spying(projector, plans, **kwargs):
        seen.append(len(plans))
        return real(projector, plans, **kwargs)

    monkeypatch.setattr(parts_module, "rebuild_in_parts", spying)
    return seen


def test_a_log_as_long_as_the_tunings_parallel_threshold_is_rebuilt_in_parts_unasked(runtime, monkeypatch) -> None:
    from tracker.readmodels.rebuild.parts import part_count

    generate_history(runtime.newsroom, stories=4, commands=40)
    head = runtime.newsroom.recorder.max_notification_id()
    splits = spy_on_splits(monkeypatch)
    runtime.projector.tuning = runtime.projector.tuning.but(parallel_min_events=head + 1, max_parts=2)
    replay(runtime.projector)
    assert splits == []  # one event short of the threshold
    runtime.projector.tuning = runtime.projector.tuning.but(parallel_min_events=head)
    result = replay(runtime.projector)
    assert result.position == head
    split = runtime.engine.dialect.name == "sqlite" and part_count(2) == 2
    assert splits == ([2] if split else [])
    assert verify(runtime.projector) == []


def test_replay_asked_for_parts_splits_an_sqlite_file_and_rebuilds_postgresql_in_one_process(
    runtime, monkeypatch
) -> None:
    generate_history(runtime.newsroom, stories=4, commands=40)
    splits = spy_on_splits(monkeypatch)
    result = replay(runtime.projector, parts=2)
    assert result.position == runtime.newsroom.recorder.max_notification_id()
    assert splits == ([2] if runtime.engine.dialect.name == "sqlite" else [])
    assert verify(runtime.projector) == []
