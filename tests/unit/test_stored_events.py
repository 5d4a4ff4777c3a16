"""What a story stores: event bytes that never change, upcasters for older
versions, and snapshots that hold the story's state and nothing else."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import StoredEvent

from tracker.application import Newsroom
from tracker.domain.report import Origin
from tracker.domain.story import Story
from tracker.domain.vocabulary import OriginKind

FIXED = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
STAMP = '"timestamp":{"_type_":"datetime_iso","_data_":"2024-06-01T12:00:00+00:00"}'

#: The bytes version 0.1 of the tracker stored for these events (timestamps fixed):
#: a refactoring must leave them exactly so, or old logs and new ones would differ.
STORED = [
    (
        "tracker.story:ReportAdded",
        "{" + STAMP + ',"report_id":"r1","headline":"H","summary":"sum","outlet":"FT","url":"https://x.example/1",'
        '"attribution":"a","parties":["Meta","xAI"],"kinds":["talks_held","declined_to_comment"],'
        '"origin":{"kind":"feed","ref":"g1","feed":"https://f.example/x"},'
        '"published_at":{"_type_":"datetime_iso","_data_":"2024-05-25T00:00:00+00:00"},'
        '"classified_by":"c","evidence":["e"],"speakers":["xAI"],"reading":null,"by":"feed","class_version":4}',
    ),
    (
        "tracker.story:ReportAdded",
        "{" + STAMP + ',"report_id":"r2","headline":"H2","summary":"","outlet":"","url":"","attribution":"",'
        '"parties":[],"kinds":["other"],"origin":{"kind":"manual","ref":"","feed":""},'
        '"published_at":{"_type_":"datetime_iso","_data_":"2024-05-26T00:00:00+00:00"},'
        '"classified_by":"","evidence":[],"speakers":[],"reading":null,"by":"","class_version":4}',
    ),
    (
        "tracker.story:ReportCorrected",
        "{" + STAMP + ',"report_id":"r1","changes":{"headline":["H","H fixed"]},"reason":"typo","by":"desk",'
        '"reading":null,"class_version":2}',
    ),
    ("tracker.story:ReportRetracted", "{" + STAMP + ',"report_id":"r2","reason":"wrong","by":"desk"}'),
    (
        "tracker.story:ReportReclassified",
        "{" + STAMP + ',"report_id":"r1","kinds":["no_agreement"],"parties":["Meta","xAI"],"by":"desk",'
        '"evidence":["x"],"speakers":["xAI"],"reading":null,"class_version":3}',
    ),
    # Version 2 of these three names who made the change.
    ("tracker.story:Retitled", "{" + STAMP + ',"title":"Talks go on","by":"Ed","class_version":2}'),
    ("tracker.story:StatusChanged", "{" + STAMP + ',"status":"quiet","by":"Ed","class_version":2}'),
    ("tracker.story:RulesChanged", "{" + STAMP + ',"rules":{"any_of":["xAI"]},"by":"Ed","class_version":2}'),
]

#: What the tracker stored before every event said who caused it: reports
#: (v3) without ``by``, a correction (v1) without a reading, an opening (v1).
STORED_BEFORE_BY = [
    (
        "tracker.story:ReportAdded",
        "{" + STAMP + ',"report_id":"r1","headline":"H","summary":"sum","outlet":"FT","url":"https://x.example/1",'
        '"attribution":"a","parties":["Meta","xAI"],"kinds":["talks_held","declined_to_comment"],'
        '"origin":{"kind":"feed","ref":"g1","feed":"https://f.example/x"},'
        '"published_at":{"_type_":"datetime_iso","_data_":"2024-05-25T00:00:00+00:00"},'
        '"classified_by":"c","evidence":["e"],"speakers":["xAI"],"reading":null,"class_version":3}',
        "feed",
    ),
    (
        "tracker.story:ReportAdded",
        "{" + STAMP + ',"report_id":"r2","headline":"H2","summary":"","outlet":"","url":"","attribution":"",'
        '"parties":[],"kinds":["other"],"origin":{"kind":"manual","ref":"","feed":""},'
        '"published_at":{"_type_":"datetime_iso","_data_":"2024-05-26T00:00:00+00:00"},'
        '"classified_by":"editor:ana","evidence":[],"speakers":[],"reading":null,"class_version":3}',
        "editor:ana",
    ),
    (
        "tracker.story:ReportCorrected",
        "{" + STAMP + ',"report_id":"r1","changes":{"headline":["H","H fixed"]},"reason":"typo","by":"desk"}',
        "desk",
    ),
]

#: What version 2 stored for a report and a reclassification (no reading).
STORED_V2 = [
    (
        "tracker.story:ReportAdded",
        "{" + STAMP + ',"report_id":"r1","headline":"H","summary":"sum","outlet":"FT","url":"https://x.example/1",'
        '"attribution":"a","parties":["Meta","xAI"],"kinds":["talks_held","declined_to_comment"],'
        '"origin":{"kind":"feed","ref":"g1","feed":"https://f.example/x"},'
        '"published_at":{"_type_":"datetime_iso","_data_":"2024-05-25T00:00:00+00:00"},'
        '"classified_by":"c","evidence":["e"],"speakers":["xAI"],"class_version":2}',
    ),
    (
        "tracker.story:ReportReclassified",
        "{" + STAMP + ',"report_id":"r1","kinds":["no_agreement"],"parties":["Meta","xAI"],"by":"desk",'
        '"evidence":["x"],"speakers":["xAI"],"class_version":2}',
    ),
]

#: What version 1 of the tracker stored for those three (no ``by``, no class_version).
STORED_V1 = [
    ("tracker.story:Retitled", "{" + STAMP + ',"title":"Talks go on"}', "title", "Talks go on"),
    ("tracker.story:StatusChanged", "{" + STAMP + ',"status":"quiet"}', "status", "quiet"),
    ("tracker.story:RulesChanged", "{" + STAMP + ',"rules":{"any_of":["xAI"]}}', "rules", {"any_of": ["xAI"]}),
]


def a_told_story() -> Story:
    story = Story.open(title="Talks", slug="talks", summary="s", rules={"any_of": ["Meta"]})
    story.add_report(
        report_id="r1",
        headline="H",
        published_at=datetime(2024, 5, 25, tzinfo=UTC),
        kinds=["talks_held", "declined_to_comment"],
        parties=["Meta", "xAI"],
        speakers=["xAI"],
        origin=Origin(OriginKind.FEED, "g1", "https://f.example/x"),
        classified_by="c",
        evidence=["e"],
        outlet="FT",
        url="https://x.example/1",
        attribution="a",
        summary="sum",
    )
    story.add_report(report_id="r2", headline="H2", published_at=datetime(2024, 5, 26, tzinfo=UTC), kinds=["other"])
    story.correct_report("r1", headline="H fixed", reason="typo", by="desk")
    story.retract_report("r2", reason="wrong", by="desk")
    story.reclassify_report("r1", kinds=["no_agreement"], by="desk", evidence=["x"])
    story.retitle("Talks go on", by="Ed")
    story.change_status("quiet", by="Ed")
    story.change_rules({"any_of": ["xAI"]}, by="Ed")
    return story


def test_every_kind_of_event_is_stored_with_the_same_bytes_as_before() -> None:
    mapper = Newsroom().mapper
    opened, *events = a_told_story().collect_events()
    assert list(json.loads(mapper.to_stored_event(opened).state)) == [
        "timestamp",
        "originator_topic",
        "title",
        "slug",
        "summary",
        "rules",
        "by",
        "class_version",
    ]
    stored = [mapper.to_stored_event(dataclasses.replace(event, timestamp=FIXED)) for event in events]
    assert [(s.topic, s.state.decode()) for s in stored] == STORED


@pytest.mark.parametrize(("topic", "state", "field", "value"), STORED_V1)
def test_a_title_status_or_rules_change_stored_by_version_1_reads_as_made_by_nobody_named(
    topic: str, state: str, field: str, value: object
) -> None:
    mapper = Newsroom().mapper
    event = mapper.to_domain_event(
        StoredEvent(originator_id=Story.create_id("talks"), originator_version=9, topic=topic, state=state.encode())
    )
    assert getattr(event, field) == value
    assert event.by == ""


def test_title_status_and_rules_changes_say_who_made_them() -> None:
    story = Story.open(title="Talks", slug="talks")
    story.retitle("Talks go on", by="  Ed   Itor ")
    story.change_status("quiet")
    story.change_rules({"any_of": ["Meta"]}, by="Vic")
    _opened, retitled, status, rules = story.collect_events()
    assert [(type(e).__name__, e.by) for e in (retitled, status, rules)] == [
        ("Retitled", "Ed Itor"),
        ("StatusChanged", ""),
        ("RulesChanged", "Vic"),
    ]
    assert (story.title, story.status, story.rules) == ("Talks go on", "quiet", {"any_of": ["Meta"]})


def test_a_reports_version_and_recorded_time_are_those_of_its_events() -> None:
    story = a_told_story()
    events = {e.originator_version: e for e in story.collect_events()}
    r1, r2 = story.report_list()
    assert (r1.version, r1.recorded_at) == (2, events[2].timestamp)
    assert [(c.version, c.recorded_at) for c in r1.corrections] == [(4, events[4].timestamp)]
    assert (r2.retracted, r2.retracted_at) == (True, events[5].timestamp)


def test_a_snapshot_of_a_story_holds_its_state_and_nothing_about_the_event_last_applied() -> None:
    story = a_told_story()
    state = Snapshot.take(story).state
    assert not [key for key in state if key.startswith("_recording")]
    assert set(state) == {
        "_created_on",
        "_modified_on",
        "title",
        "slug",
        "summary",
        "rules",
        "status",
        "reports",
        "class_version",
    }


def test_a_snapshot_taken_before_version_2_with_its_recording_key_still_loads_without_it() -> None:
    app = Newsroom()
    story = a_told_story()
    app.save(story)
    old_state = {k: v for k, v in Snapshot.take(story).state.items() if k != "class_version"}
    old_state["_recording"] = (story.version, story.modified_on)  # what version 1 snapshots held
    app.snapshots.put(
        [
            Snapshot(
                originator_id=story.id,
                originator_version=story.version,
                timestamp=FIXED,
                topic=Story.TOPIC,
                state=old_state,
            )
        ]
    )
    stored = app.snapshots.recorder.select_events(story.id, desc=True, limit=1)
    assert b'"_recording"' in stored[0].state and b'"class_version"' not in stored[0].state
    loaded = app.repository.get(story.id)
    assert "_recording" not in vars(loaded)
    assert loaded.report_list() == story.report_list()
    assert (loaded.title, loaded.status, loaded.rules, loaded.version) == (
        story.title,
        story.status,
        story.rules,
        story.version,
    )
    loaded.add_report(report_id="r3", headline="H3", published_at=datetime(2024, 5, 27, tzinfo=UTC), kinds=["other"])
    assert "_recording" not in Snapshot.take(loaded).state


@pytest.mark.parametrize(("topic", "state"), STORED_V2)
def test_a_report_stored_before_readings_reads_with_no_reading_and_a_legacy_one_derived(topic: str, state: str) -> None:
    mapper = Newsroom().mapper
    story = Story.open(title="Talks", slug="talks")
    event = mapper.to_domain_event(
        StoredEvent(originator_id=story.id, originator_version=2, topic=topic, state=state.encode())
    )
    assert event.reading is None
    assert event.speakers == ["xAI"]
    if topic.endswith("ReportAdded"):
        event.apply(story)
        (report,) = story.report_list()
        # two parties: the relational kind relates them; the statement is the named speaker's
        assert [(r.a, r.b, r.kind.value) for r in report.reading.relations] == [("Meta", "xAI", "talks_held")]
        assert [(s.speaker, s.kind.value) for s in report.reading.statements] == [("xAI", "declined_to_comment")]


@pytest.mark.parametrize(("topic", "state", "who"), STORED_BEFORE_BY)
def test_a_report_or_correction_stored_before_events_said_who_loads_with_who_it_can_tell(
    topic: str, state: str, who: str
) -> None:
    mapper = Newsroom().mapper
    event = mapper.to_domain_event(
        StoredEvent(originator_id=Story.create_id("talks"), originator_version=2, topic=topic, state=state.encode())
    )
    assert event.by == who
    if topic.endswith("ReportCorrected"):
        assert event.reading is None
        assert event.changes == {"headline": ["H", "H fixed"]}


def test_an_opening_stored_before_version_2_loads_as_opened_by_nobody_named() -> None:
    mapper = Newsroom().mapper
    state = (
        '{"timestamp":{"_type_":"datetime_iso","_data_":"2024-06-01T12:00:00+00:00"},'
        '"originator_topic":"tracker.story:Story","title":"Talks","slug":"talks","summary":"s","rules":{}}'
    )
    event = mapper.to_domain_event(
        StoredEvent(
            originator_id=Story.create_id("talks"),
            originator_version=1,
            topic="tracker.story:Opened",
            state=state.encode(),
        )
    )
    story = event.mutate(None)
    assert (event.by, story.title, story.summary) == ("", "Talks", "s")
