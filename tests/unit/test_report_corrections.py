"""Correcting any field of a report, and the story's summary: the guards,
the old values kept, and what the story reads afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.domain.errors import InvalidField, NothingChanged, ReportRetracted
from tracker.domain.reading.model import Reading, Relation, Statement
from tracker.domain.state import derive_state
from tracker.domain.story import Story
from tracker.domain.vocabulary import Kind

PUBLISHED = datetime(2024, 5, 25, 9, 0, tzinfo=UTC)
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def a_story() -> Story:
    story = Story.open(title="Meta and xAI court Character.AI", summary="Two suitors.", by="editor:ana")
    story.add_report(
        report_id="r1",
        headline="Meta and xAI in talks",
        published_at=PUBLISHED,
        kinds=["talks_held"],
        parties=["Meta", "xAI"],
        outlet="Wire",
        url="https://example.com/1",
    )
    return story


def last_event(story: Story) -> Story.Event:
    return story.collect_events()[-1]


def test_a_wrong_date_outlet_and_parties_are_corrected_and_the_old_values_kept() -> None:
    story = a_story()
    story.correct_report(
        "r1",
        reason="the wire misdated it",
        published_at=datetime(2024, 5, 24, 8, 0, tzinfo=UTC),
        outlet="Reuters",
        parties=["Meta", "Character.AI"],
        by="editor:ana",
        now=NOW,
    )
    event = last_event(story)
    assert event.changes == {
        "outlet": ["Wire", "Reuters"],
        "published_at": ["2024-05-25T09:00:00+00:00", "2024-05-24T08:00:00+00:00"],
        "parties": [["Meta", "xAI"], ["Meta", "Character.AI"]],
    }
    (report,) = story.report_list()
    assert report.published_at == datetime(2024, 5, 24, 8, 0, tzinfo=UTC)
    assert (report.outlet, report.parties) == ("Reuters", ("Meta", "Character.AI"))
    (correction,) = report.corrections
    assert correction.by == "editor:ana"
    assert correction.changes["parties"] == ("Meta, xAI", "Meta, Character.AI")


def test_a_date_more_than_a_day_in_the_future_is_refused_with_the_date_named() -> None:
    story = a_story()
    with pytest.raises(InvalidField) as refused:
        story.correct_report("r1", reason="typo", published_at=datetime(2030, 1, 1, tzinfo=UTC), now=NOW)
    assert refused.value.field == "published_at"
    assert "2030-01-01" in refused.value.problem and "future" in refused.value.problem
    story.correct_report("r1", reason="later that day", published_at=NOW + timedelta(hours=20), now=NOW)
    assert story.report_list()[0].published_at == NOW + timedelta(hours=20)


def test_an_empty_headline_is_refused_and_nothing_is_recorded() -> None:
    story = a_story()
    before = story.version
    with pytest.raises(InvalidField, match="headline: must not be empty"):
        story.correct_report("r1", reason="oops", headline="   ", outlet="Reuters")
    assert story.version == before and story.report_list()[0].outlet == "Wire"


def test_a_speaker_who_is_not_among_the_corrected_parties_is_refused() -> None:
    story = a_story()
    with pytest.raises(InvalidField) as refused:
        story.correct_report("r1", reason="x", parties=["Meta"], speakers=["xAI"])
    assert refused.value.field == "speakers"


def test_a_correction_that_changes_nothing_is_refused() -> None:
    story = a_story()
    with pytest.raises(NothingChanged):
        story.correct_report("r1", reason="same", outlet="Wire", published_at=PUBLISHED, parties=["Meta", "xAI"])


def test_a_retracted_report_cannot_be_corrected() -> None:
    story = a_story()
    story.retract_report("r1", reason="wrong story", by="ana")
    with pytest.raises(ReportRetracted):
        story.correct_report("r1", reason="x", outlet="Reuters")


def test_a_party_correction_keeps_only_the_remaining_parties_relations_in_the_reading() -> None:
    story = Story.open(title="Talks", slug="talks")
    reading = Reading(
        kinds=(Kind.TALKS_HELD, Kind.DECLINED_TO_COMMENT),
        parties=("Meta", "xAI", "Character.AI"),
        relations=(Relation("Meta", "Character.AI", Kind.TALKS_HELD), Relation("xAI", "Character.AI", Kind.TALKS_HELD)),
        statements=(Statement("xAI", Kind.DECLINED_TO_COMMENT),),
    )
    story.add_report(report_id="r1", headline="Talks", published_at=PUBLISHED, kinds=[], reading=reading)
    story.correct_report("r1", reason="xAI was not in it", parties=["Meta", "Character.AI"])
    event = last_event(story)
    assert event.changes["speakers"] == [["xAI"], []]
    (report,) = story.report_list()
    assert [(r.a, r.b) for r in report.reading.relations] == [("Meta", "Character.AI")]
    assert report.reading.statements == ()
    state = derive_state(story.report_list(), story.rules)
    assert {frozenset(t.parties) for t in state.threads} == {frozenset(("Meta", "Character.AI"))}


def test_a_corrected_date_moves_the_report_in_the_story_and_replays_the_same() -> None:
    story = a_story()
    story.add_report(report_id="r2", headline="Later", published_at=PUBLISHED + timedelta(days=2), kinds=["other"])
    story.correct_report("r2", reason="misdated", published_at=PUBLISHED - timedelta(days=2), now=NOW)
    assert derive_state(story.report_list(), story.rules).last_development.report_id == "r1"
    rebuilt = None
    for event in story.collect_events():
        rebuilt = event.mutate(rebuilt)
    assert rebuilt is not None and rebuilt.report_list() == story.report_list()


def test_the_summary_is_changed_by_an_event_that_says_who_and_a_same_summary_is_refused() -> None:
    story = a_story()
    story.change_summary("  Meta   agreed  a deal. ", by="editor:ana")
    event = last_event(story)
    assert (type(event).__name__, event.summary, event.by) == ("SummaryChanged", "Meta agreed a deal.", "editor:ana")
    assert story.summary == "Meta agreed a deal."
    with pytest.raises(NothingChanged):
        story.change_summary("Meta agreed a deal.")
    with pytest.raises(InvalidField, match="summary"):
        story.change_summary("bad \x00 byte")


def test_an_opening_and_a_report_say_who_caused_them() -> None:
    story = a_story()
    opened, added = story.collect_events()
    assert (opened.by, added.by) == ("editor:ana", "")
    story.add_report(report_id="r2", headline="By hand", published_at=PUBLISHED, kinds=["other"], by="editor:bo")
    assert last_event(story).by == "editor:bo"


def test_a_reclassification_is_listed_on_the_report_with_who_and_when() -> None:
    story = a_story()
    story.reclassify_report("r1", kinds=["no_agreement"], by="classifier")
    event = last_event(story)
    ((reclassified),) = story.report_list()[0].reclassifications
    assert (reclassified.by, reclassified.recorded_at, reclassified.version) == (
        "classifier",
        event.timestamp,
        event.originator_version,
    )
