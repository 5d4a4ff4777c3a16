"""The Newsroom application on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tracker.application import (
    ConcurrentEdit,
    DuplicateSlug,
    Mode,
    StoryNotYetOpened,
    UnknownStory,
    UnknownVersion,
)
from tracker.bootstrap import open_newsroom, open_runtime
from tracker.domain.errors import InvalidField, ReportRetracted
from tracker.domain.story import Story
from tracker.seed import load_seed, seed_files

PUBLISHED = datetime(2024, 5, 25, tzinfo=UTC)
SEED_SLUG = "meta-xai-court-character-ai"


def open_simple(newsroom, slug="deal"):
    return newsroom.open_story(title="Meta courts Character.AI", slug=slug)


def test_the_seed_story_has_the_threads_and_open_questions_of_the_ft_report(newsroom) -> None:
    (path,) = seed_files()
    result = load_seed(newsroom, path)
    assert result.opened and result.reports_added >= 7
    view = newsroom.story(SEED_SLUG)
    threads = {t.parties: t.status.value for t in view.state.threads}
    assert threads[("Meta", "Character.AI")] == "no_agreement"
    assert threads[("xAI", "Character.AI")] == "no_agreement"
    assert not any("Microsoft" in pair for pair in threads)  # the backdrop is context
    questions = {(q.speaker, q.kind.value) for q in view.state.open_questions}
    assert questions == {
        ("Meta", "declined_to_comment"),
        ("Character.AI", "declined_to_comment"),
        ("xAI", "no_response"),
    }
    assert all(r.outlet == "Financial Times" and r.published_at == PUBLISHED for r in view.reports)


def test_seeding_twice_appends_nothing(newsroom) -> None:
    (path,) = seed_files()
    load_seed(newsroom, path)
    before = newsroom.recorder.max_notification_id()
    again = load_seed(newsroom, path)
    assert (again.opened, again.reports_added) == (False, 0)
    assert newsroom.recorder.max_notification_id() == before


def test_a_duplicate_slug_is_refused_and_the_first_story_is_unchanged(newsroom) -> None:
    open_simple(newsroom)
    with pytest.raises(DuplicateSlug):
        newsroom.open_story(title="Another title", slug="deal")
    assert newsroom.story("deal").title == "Meta courts Character.AI"


def test_an_unknown_slug_is_named(newsroom) -> None:
    with pytest.raises(UnknownStory, match="nope"):
        newsroom.story("nope")
    with pytest.raises(UnknownStory):
        newsroom.add_report("nope", headline="x", published_at=PUBLISHED, kinds=["other"])


def test_a_batch_with_one_bad_report_writes_nothing(newsroom) -> None:
    open_simple(newsroom)
    before = newsroom.recorder.max_notification_id()
    good = {"headline": "ok", "published_at": PUBLISHED, "kinds": ["other"]}
    with pytest.raises(InvalidField):
        newsroom.add_reports("deal", [good, {**good, "kinds": ["gossip"]}])
    assert newsroom.recorder.max_notification_id() == before


def test_as_of_recorded_and_as_of_reported_differ_for_a_report_recorded_late(newsroom) -> None:
    open_simple(newsroom)
    newsroom.add_report("deal", headline="Talks held", published_at=PUBLISHED, kinds=["talks_held"], parties=["Meta"])
    between = datetime.now(UTC)
    # Found later: a report the outlet published before the story was even opened.
    late = newsroom.add_report(
        "deal", headline="Early denial", published_at=PUBLISHED - timedelta(days=3), kinds=["denied"], parties=["Meta"]
    )
    recorded = newsroom.story_as_of("deal", between, Mode.RECORDED)
    assert [r.headline for r in recorded.reports] == ["Talks held"]
    reported = newsroom.story_as_of("deal", PUBLISHED - timedelta(days=1), Mode.REPORTED)
    assert [r.report_id for r in reported.reports] == [late]
    assert reported.state.last_development is not None
    assert reported.state.last_development.headline == "Early denial"
    now = newsroom.story_as_of("deal", datetime.now(UTC), Mode.RECORDED)
    assert [r.headline for r in now.reports] == ["Early denial", "Talks held"]
    with pytest.raises(StoryNotYetOpened):
        newsroom.story_as_of("deal", PUBLISHED, Mode.RECORDED)


def test_a_story_at_a_version_shows_what_it_was_then(newsroom) -> None:
    open_simple(newsroom)
    rid = newsroom.add_report("deal", headline="Talks held", published_at=PUBLISHED, kinds=["talks_held"])
    newsroom.correct_report("deal", rid, headline="Initial talks held", reason="precision")
    assert newsroom.story_at_version("deal", 2).reports[0].headline == "Talks held"
    assert newsroom.story_at_version("deal", 3).reports[0].headline == "Initial talks held"
    with pytest.raises(UnknownVersion):
        newsroom.story_at_version("deal", 4)


def test_long_stories_load_from_snapshots_with_the_same_state(newsroom) -> None:
    open_simple(newsroom)
    for n in range(120):
        newsroom.add_report(
            "deal",
            headline=f"Report {n}",
            published_at=PUBLISHED + timedelta(hours=n),
            kinds=["other"],
            parties=["Meta"],
        )
    story_id = Story.create_id("deal")
    snapshots = list(newsroom.snapshots.get(story_id))
    assert snapshots, "snapshots should be taken every 50 events"
    from_snapshot = newsroom.story("deal")
    replayed = None  # rebuilt from every event, no snapshot
    for event in newsroom.events.get(story_id):
        replayed = event.mutate(replayed)
    assert from_snapshot.reports == tuple(sorted(replayed.report_list(), key=lambda r: (r.published_at, r.sequence)))


def test_a_poll_cycles_batches_snapshot_a_story_once_at_the_cycles_end(newsroom) -> None:
    open_simple(newsroom)
    story_id = Story.create_id("deal")

    def batch(start: int) -> list[dict]:
        return [
            {"headline": f"Report {n}", "published_at": PUBLISHED + timedelta(hours=n), "kinds": ["other"]}
            for n in range(start, start + 40)
        ]

    with newsroom.cycle_snapshots():
        for start in range(0, 200, 40):  # five saves crossing four boundaries of 50
            newsroom.add_reports("deal", batch(start))
        assert list(newsroom.snapshots.get(story_id)) == []  # none while the cycle runs
    snapshots = list(newsroom.snapshots.get(story_id))
    assert [s.originator_version for s in snapshots] == [201]  # one, of the story as saved last
    assert newsroom.story("deal").reports == newsroom.story_at_version("deal", 201).reports
    newsroom.add_reports("deal", batch(200) + batch(240))  # outside a cycle: at the save crossing 250
    assert [s.originator_version for s in newsroom.snapshots.get(story_id)] == [201, 281]


def test_saves_gathered_in_a_block_are_handed_to_the_follower_once_at_its_end(newsroom) -> None:
    open_simple(newsroom)
    handed: list[int] = []
    with newsroom.saves_handed_to(handed.append):
        newsroom.add_report("deal", headline="First", published_at=PUBLISHED, kinds=["other"])
        assert len(handed) == 1
        with newsroom.saves_gathered():
            newsroom.add_report("deal", headline="Second", published_at=PUBLISHED, kinds=["other"])
            newsroom.add_report("deal", headline="Third", published_at=PUBLISHED, kinds=["other"])
            assert len(handed) == 1  # nothing handed while the block runs
        assert len(handed) == 2 and handed[1] > handed[0]  # once, the last of the block's saves
        assert handed[1] == newsroom.recorder.max_notification_id()
    with newsroom.saves_gathered():  # outside a hand-over: saves wait for the read models as ever
        newsroom.add_report("deal", headline="Fourth", published_at=PUBLISHED, kinds=["other"])
    assert [r.headline for r in newsroom.story("deal").reports][-1] == "Fourth"


def test_a_conflicting_save_is_retried_when_the_command_still_applies(settings) -> None:
    first, second = open_newsroom(settings), open_newsroom(settings)
    open_simple(first)
    rid = first.add_report("deal", headline="Talks", published_at=PUBLISHED, kinds=["talks_held"])
    stale = second.repository.get(Story.create_id("deal"))
    first.add_report("deal", headline="More talks", published_at=PUBLISHED, kinds=["talks_held"])
    stale.add_report(report_id="r-stale", headline="Stale", published_at=PUBLISHED, kinds=["other"])
    from eventsourcing.persistence import IntegrityError

    with pytest.raises(IntegrityError):
        second.save(stale)  # the raw conflict the application layer absorbs
    second.add_report("deal", headline="Third", published_at=PUBLISHED, kinds=["other"])
    assert [r.headline for r in first.story("deal").reports] == ["Talks", "More talks", "Third"]
    first.retract_report("deal", rid, reason="wrong")
    with pytest.raises(ReportRetracted):
        second.correct_report("deal", rid, headline="new", reason="late edit")


def test_a_story_kept_between_commands_catches_up_with_saves_made_elsewhere(settings) -> None:
    first, second = open_newsroom(settings), open_newsroom(settings)
    open_simple(first)
    first.add_report("deal", headline="One", published_at=PUBLISHED, kinds=["talks_held"])  # kept by first
    second.add_report("deal", headline="Two", published_at=PUBLISHED, kinds=["talks_held"])
    second.retitle_story("deal", "Retitled elsewhere")
    first.add_report("deal", headline="Three", published_at=PUBLISHED, kinds=["other"])
    fresh = open_newsroom(settings).story("deal")
    assert first.story("deal").version == fresh.version == 5
    assert fresh.title == "Retitled elsewhere"
    assert [r.headline for r in fresh.reports] == ["One", "Two", "Three"]


def test_a_refused_command_leaves_no_half_applied_story_in_memory(newsroom) -> None:
    open_simple(newsroom)
    good = {"headline": "ok", "published_at": PUBLISHED, "kinds": ["other"]}
    newsroom.add_report("deal", **good)  # the story is now kept in memory
    with pytest.raises(InvalidField):
        newsroom.add_reports("deal", [{**good, "headline": "half"}, {**good, "kinds": ["gossip"]}])
    newsroom.add_report("deal", **{**good, "headline": "after"})
    assert [r.headline for r in newsroom.story("deal").reports] == ["ok", "after"]


def test_a_save_that_lost_a_race_is_redone_on_the_stored_story_not_the_changed_copy(newsroom, monkeypatch) -> None:
    open_simple(newsroom)
    newsroom.add_report("deal", headline="Kept", published_at=PUBLISHED, kinds=["other"])
    from eventsourcing.persistence import IntegrityError

    real_save = newsroom.save
    calls = []

    def loses_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("conflict")
        return real_save(*args, **kwargs)

    monkeypatch.setattr(newsroom, "save", loses_once)
    newsroom.add_report("deal", headline="Once", published_at=PUBLISHED, kinds=["other"])
    monkeypatch.undo()
    assert len(calls) == 2
    assert [r.headline for r in newsroom.story("deal").reports] == ["Kept", "Once"]
    assert newsroom.story("deal").version == 3


def test_the_retry_loop_gives_a_clear_error_when_it_never_wins(newsroom, monkeypatch) -> None:
    open_simple(newsroom)
    from eventsourcing.persistence import IntegrityError

    def always_conflicts(*_args, **_kwargs):
        raise IntegrityError("conflict")

    monkeypatch.setattr(newsroom, "save", always_conflicts)
    with pytest.raises(ConcurrentEdit, match="deal"):
        newsroom.retitle_story("deal", "New title")


def test_history_lists_every_event_with_its_type_and_payload(newsroom) -> None:
    open_simple(newsroom)
    rid = newsroom.add_report("deal", headline="Talks", published_at=PUBLISHED, kinds=["talks_held"])
    newsroom.retract_report("deal", rid, reason="withdrawn")
    history = newsroom.history("deal")
    assert [e.event_type for e in history] == ["Opened", "ReportAdded", "ReportRetracted"]
    assert history[2].payload["reason"] == "withdrawn"
    assert [e.version for e in history] == [1, 2, 3]


def test_events_stored_at_class_version_1_load_through_the_upcasters(runtime) -> None:
    """ReportAdded and ReportReclassified gained `speakers` in version 2;
    events written by version 1 (no field, no class_version) still load, in
    the aggregate and in the read models."""
    import json

    from eventsourcing.persistence import StoredEvent

    newsroom = runtime.newsroom
    open_simple(newsroom)
    rid = newsroom.add_report(
        "deal", headline="Both declined", published_at=PUBLISHED, kinds=["declined_to_comment"], parties=["Meta", "xAI"]
    )
    newsroom.reclassify_report("deal", rid, kinds=["declined_to_comment", "talks_held"], by="desk")
    written = newsroom.recorder.select_notifications(1, 10)
    assert [json.loads(n.state).get("class_version") for n in written] == [2, 4, 3]
    # Version 1 of an opening and a report did not say who caused them either.
    v1_fields = ("speakers", "class_version", "reading")
    who = {"tracker.story:Opened", "tracker.story:ReportAdded"}
    old = [
        StoredEvent(
            originator_id=n.originator_id,
            originator_version=n.originator_version,
            topic=n.topic,
            state=json.dumps(
                {
                    k: v
                    for k, v in json.loads(n.state).items()
                    if k not in v1_fields and not (k == "by" and n.topic in who)
                },
                separators=(",", ":"),
                ensure_ascii=False,
            ).encode(),
        )
        for n in written
    ]
    from tracker.config import load_settings

    copy = open_runtime(
        load_settings(
            {
                "TRACKER_DATABASE_URL": f"sqlite:///{runtime.settings.data_dir / 'v1.sqlite3'}",
                "TRACKER_DATA_DIR": str(runtime.settings.data_dir),
            }
        )
    )
    try:
        copy.newsroom.recorder.insert_events(old)
        copy.projector.catch_up()
        view = copy.newsroom.story("deal")
        assert view.reports[0].speakers == ()
        assert view.reports[0].kinds[1].value == "talks_held"
        assert {q.speaker for q in view.state.open_questions} == {"Meta", "xAI"}
        assert copy.catalog.story("deal") == view
        added = copy.newsroom.history("deal")[1]
        assert (added.event_type, added.payload["by"]) == ("ReportAdded", "")
    finally:
        copy.close()


def test_a_save_of_many_events_gets_their_notification_ids_in_order(newsroom) -> None:
    open_simple(newsroom, "first")
    open_simple(newsroom, "second")
    reports = [
        {
            "headline": f"Report {n}",
            "published_at": PUBLISHED + timedelta(hours=n),
            "kinds": ["other"],
            "parties": ["Meta"],
        }
        for n in range(40)
    ]
    story = newsroom._story_for_command("second")
    for fields in reports:
        story.add_report(report_id=f"r-{fields['headline']}", **fields)
    recordings = newsroom.save(story)
    stored = newsroom.recorder.select_notifications(1, 100)
    assert [r.notification.id for r in recordings] == [n.id for n in stored[2:]]
    assert [r.notification.originator_version for r in recordings] == list(range(2, 42))
    assert [n.originator_version for n in stored[2:]] == list(range(2, 42))
    assert newsroom.story("second").report_count == 40


def test_saves_handed_to_a_follower_skip_the_wait_on_that_thread_only(newsroom) -> None:
    waited: list[int] = []
    handed: list[int] = []
    newsroom.after_save = waited.append
    open_simple(newsroom)
    with newsroom.saves_handed_to(handed.append):
        newsroom.add_report("deal", headline="Talks", published_at=PUBLISHED, kinds=["talks_held"], parties=["Meta"])
        import threading

        other = threading.Thread(target=lambda: newsroom.retitle_story("deal", "Meta and xAI court Character.AI"))
        other.start()
        other.join()
    newsroom.add_report("deal", headline="More talks", published_at=PUBLISHED, kinds=["talks_held"], parties=["Meta"])
    assert handed == [2]
    assert waited == [1, 3, 4]


def test_a_cli_context_closes_the_application_it_opened_when_the_command_ends(sqlite_url, tmp_path) -> None:
    from click.testing import CliRunner

    from tracker.cli.main import Context, cli, pass_ctx

    opened: list[Context] = []
    Path(sqlite_url.removeprefix("sqlite:///")).touch()  # as `tracker init` would leave it

    @cli.command("test-open-runtime")
    @pass_ctx
    def _open(ctx: Context) -> None:
        opened.append(ctx)
        ctx.app.open_story(title="Closed after use", slug="closed")

    try:
        result = CliRunner().invoke(
            cli, ["--database", sqlite_url, "test-open-runtime"], env={"TRACKER_DATA_DIR": str(tmp_path)}
        )
    finally:
        cli.commands.pop("test-open-runtime", None)
    assert result.exit_code == 0, result.output
    assert "runtime" not in opened[0].__dict__  # closed and dropped
    opened[0].close()  # a second close does nothing


def test_the_current_story_comes_from_the_command_cache_caught_up_and_stays_there(settings) -> None:
    first = open_newsroom(settings)
    second = open_newsroom(settings)
    try:
        open_simple(first)
        first.add_report("deal", headline="Talks", published_at=PUBLISHED, kinds=["talks_held"], parties=["Meta"])
        second.add_report("deal", headline="More talks", published_at=PUBLISHED, kinds=["talks_held"], parties=["xAI"])
        current = first.current_story("deal")
        assert current is first._kept[current.id]
        assert current.version == 3 and len(current.reports) == 2  # caught up with the other process's save
        first.add_report("deal", headline="Deal", published_at=PUBLISHED, kinds=["agreement_reached"], parties=["Meta"])
        assert first.story("deal").report_count == 3
        with pytest.raises(UnknownStory):
            first.current_story("no-such-story")
    finally:
        first.close()
        second.close()


def test_title_status_and_rules_changes_are_attributed_and_the_read_models_still_show_them(runtime) -> None:
    newsroom = runtime.newsroom
    open_simple(newsroom)
    newsroom.retitle_story("deal", "Meta and xAI court Character.AI", by="Ed Itor")
    newsroom.change_status("deal", "quiet", by="Ed Itor")
    newsroom.change_rules("deal", {"any_of": ["Character.AI"]}, by="Vic")
    newsroom.change_status("deal", "developing")  # ``by`` stays optional
    history = newsroom.history("deal")
    assert [(e.event_type, e.payload.get("by")) for e in history[1:]] == [
        ("Retitled", "Ed Itor"),
        ("StatusChanged", "Ed Itor"),
        ("RulesChanged", "Vic"),
        ("StatusChanged", ""),
    ]
    view = newsroom.story("deal")
    assert (view.title, view.status, dict(view.rules)) == (
        "Meta and xAI court Character.AI",
        "developing",
        {"any_of": ["Character.AI"]},
    )
    assert runtime.catalog.story("deal") == view


def test_title_status_and_rules_changes_stored_at_class_version_1_load_through_the_upcasters(runtime) -> None:
    """Retitled, StatusChanged and RulesChanged gained ``by`` in version 2;
    a log written before still loads, in the aggregate and the read models."""
    import json

    from eventsourcing.persistence import StoredEvent

    from tracker.config import load_settings

    newsroom = runtime.newsroom
    open_simple(newsroom)
    newsroom.retitle_story("deal", "Meta courts Character.AI again", by="Ed")
    newsroom.change_status("deal", "concluded", by="Ed")
    newsroom.change_rules("deal", {"any_of": ["Meta"]}, by="Ed")
    written = newsroom.recorder.select_notifications(1, 10)
    assert [json.loads(n.state).get("class_version") for n in written[1:]] == [2, 2, 2]
    old = [
        StoredEvent(
            originator_id=n.originator_id,
            originator_version=n.originator_version,
            topic=n.topic,
            state=json.dumps(
                {k: v for k, v in json.loads(n.state).items() if k not in ("by", "class_version")},
                separators=(",", ":"),
                ensure_ascii=False,
            ).encode(),
        )
        for n in written
    ]
    copy = open_runtime(
        load_settings(
            {
                "TRACKER_DATABASE_URL": f"sqlite:///{runtime.settings.data_dir / 'v1-story-level.sqlite3'}",
                "TRACKER_DATA_DIR": str(runtime.settings.data_dir),
            }
        )
    )
    try:
        copy.newsroom.recorder.insert_events(old)
        copy.projector.catch_up()
        view = copy.newsroom.story("deal")
        assert (view.title, view.status, dict(view.rules)) == (
            "Meta courts Character.AI again",
            "concluded",
            {"any_of": ["Meta"]},
        )
        assert [e.payload["by"] for e in copy.newsroom.history("deal")[1:]] == ["", "", ""]
        assert copy.catalog.story("deal") == view
        copy.newsroom.retitle_story("deal", "Meta courts Character.AI, once more", by="Vic")  # appends after v1 events
        assert copy.newsroom.story("deal").version == 5
    finally:
        copy.close()
