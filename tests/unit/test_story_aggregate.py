"""The Story aggregate, as plain Python: commands, guards and events."""

from __future__ import annotations

import typing
from datetime import UTC, datetime

import pytest

from tracker.domain.errors import DuplicateReport, InvalidField, NothingChanged, ReportRetracted, UnknownReport
from tracker.domain.story import Story
from tracker.domain.vocabulary import Kind

PUBLISHED = datetime(2024, 5, 25, tzinfo=UTC)


def a_story() -> Story:
    return Story.open(title="Meta and xAI court Character.AI", summary="Two suitors.")


def add(story: Story, report_id: str = "r1", **fields) -> None:
    values = {
        "headline": "Meta held talks with Character.AI",
        "published_at": PUBLISHED,
        "kinds": ["talks_held"],
        "parties": ["Meta", "Character.AI"],
        "outlet": "Financial Times",
        "attribution": "four people familiar with the matter",
    }
    values.update(fields)
    story.add_report(report_id=report_id, **values)


def test_opening_a_story_derives_the_slug_from_the_title() -> None:
    story = a_story()
    assert story.slug == "meta-and-xai-court-character-ai"
    assert story.status == "developing"
    assert story.id == Story.create_id("meta-and-xai-court-character-ai")


def test_a_report_keeps_every_field_and_both_times() -> None:
    story = a_story()
    add(story, url="https://www.ft.com/content/abc")
    (report,) = story.report_list()
    assert report.headline == "Meta held talks with Character.AI"
    assert report.kinds == (Kind.TALKS_HELD,)
    assert report.parties == ("Meta", "Character.AI")
    assert report.published_at == PUBLISHED
    assert report.recorded_at > PUBLISHED
    assert report.version == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"headline": "   "}, "headline"),
        ({"kinds": ["flirting"]}, "kinds"),
        ({"kinds": []}, "kinds"),
        ({"url": "ftp://example.org/x"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"published_at": datetime(2024, 5, 25)}, "published_at"),
    ],
)
def test_a_bad_report_field_is_refused_with_its_name_and_nothing_is_recorded(fields, field) -> None:
    story = a_story()
    with pytest.raises(InvalidField) as caught:
        add(story, **fields)
    assert caught.value.field == field
    assert story.version == 1
    assert len(story.collect_events()) == 1


def test_the_same_report_id_cannot_be_added_twice() -> None:
    story = a_story()
    add(story)
    with pytest.raises(DuplicateReport):
        add(story)


def test_a_correction_records_old_and_new_text_and_the_reason() -> None:
    story = a_story()
    add(story)
    story.correct_report("r1", headline="Meta held initial talks", reason="more precise")
    (report,) = story.report_list()
    assert report.headline == "Meta held initial talks"
    (correction,) = report.corrections
    assert correction.changes == {"headline": ("Meta held talks with Character.AI", "Meta held initial talks")}
    assert correction.reason == "more precise"
    event = story.collect_events()[-1]
    assert isinstance(event, Story.ReportCorrected)


def test_a_correction_that_changes_nothing_is_refused() -> None:
    story = a_story()
    add(story)
    with pytest.raises(NothingChanged):
        story.correct_report("r1", headline="Meta held talks with Character.AI", reason="none")


def test_commands_on_a_missing_report_name_the_report() -> None:
    story = a_story()
    with pytest.raises(UnknownReport, match="r404"):
        story.retract_report("r404", reason="wrong")


def test_a_retracted_report_stays_in_the_history_but_cannot_change() -> None:
    story = a_story()
    add(story)
    story.retract_report("r1", reason="the outlet withdrew it")
    (report,) = story.report_list()
    assert report.retracted and report.retraction_reason == "the outlet withdrew it"
    with pytest.raises(ReportRetracted):
        story.correct_report("r1", headline="x", reason="y")
    with pytest.raises(ReportRetracted):
        story.retract_report("r1", reason="again")


def test_reclassifying_records_who_did_it() -> None:
    story = a_story()
    add(story)
    story.reclassify_report("r1", kinds=["confirmed", "talks_held"], by="editor:ana")
    (report,) = story.report_list()
    assert report.kinds == (Kind.CONFIRMED, Kind.TALKS_HELD)
    assert report.classified_by == "editor:ana"


def test_status_must_come_from_the_vocabulary() -> None:
    story = a_story()
    with pytest.raises(InvalidField, match="status"):
        story.change_status("finished")
    story.change_status("concluded")
    assert story.status == "concluded"


def test_every_event_class_has_an_explicit_topic_a_class_version_and_says_who_caused_it() -> None:
    event_classes = [
        value
        for name, value in vars(Story).items()
        if isinstance(value, type)
        and issubclass(value, Story.Event)
        and value is not Story.Event
        and name != "Created"  # the library's unused default, never triggered
    ]
    assert len(event_classes) == 13
    topics = {cls.TOPIC for cls in event_classes}
    assert len(topics) == len(event_classes)
    for cls in event_classes:
        assert cls.TOPIC.startswith("tracker.story:"), cls
        assert isinstance(getattr(cls, "class_version", None), int), cls
        assert typing.get_type_hints(cls).get("by") is str, cls


def test_replaying_the_events_rebuilds_the_same_story() -> None:
    story = a_story()
    add(story)
    add(story, "r2", kinds=["declined_to_comment"], parties=["Meta"])
    story.correct_report("r2", summary="Meta declined", reason="added summary")
    events = story.collect_events()
    rebuilt = None
    for event in events:
        rebuilt = event.mutate(rebuilt)
    assert rebuilt.report_list() == story.report_list()
    assert rebuilt.version == story.version
