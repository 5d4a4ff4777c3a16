"""Every text field of every command refuses control characters, and a
report's publication date must be plausible: one bad value must never reach
the log, where the read models (PostgreSQL refuses NUL) could not store it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.domain.errors import InvalidField
from tracker.domain.report import Origin
from tracker.domain.story import Story
from tracker.domain.vocabulary import OriginKind

PUBLISHED = datetime(2024, 5, 25, tzinfo=UTC)


def a_story() -> Story:
    return Story.open(title="Meta and xAI court Character.AI")


def add(story: Story, **fields) -> None:
    values = {"report_id": "r1", "headline": "Talks", "published_at": PUBLISHED, "kinds": ["talks_held"]}
    story.add_report(**{**values, **fields})


BAD = ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\ud800", "\uffff"]


@pytest.mark.parametrize("char", BAD, ids=[f"U+{ord(c):04X}" for c in BAD])
@pytest.mark.parametrize(
    "field", ["headline", "summary", "outlet", "attribution", "classified_by", "report_id", "parties", "evidence"]
)
def test_a_report_field_holding_a_control_character_is_refused_naming_the_field(field: str, char: str) -> None:
    story = a_story()
    value: object = f"Meta{char}xAI"
    if field in ("parties", "evidence"):
        value = [value]
    with pytest.raises(InvalidField, match=f"{field}: contains the control character U\\+{ord(char):04X}"):
        add(story, **{field: value})
    assert story.reports == {}


def test_tabs_and_newlines_are_folded_not_refused() -> None:
    story = a_story()
    add(story, headline="Meta\tand\nxAI", summary="line one\r\nline two")
    assert story.reports["r1"]["headline"] == "Meta and xAI"


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (lambda: Story.open(title="Meta\x00"), "title"),
        (lambda: Story.open(title="Meta", summary="a\x00"), "summary"),
        (lambda: Story.open(title="Meta", rules={"any_of": ["Meta\x00"]}), "rules"),
        (lambda: Story.open(title="Meta", rules={"any_of": 5}), "rules"),
        (lambda: a_story().retitle("New\x01"), "title"),
        (lambda: a_story().change_rules({"all_of": [["x\x00y"]]}), "rules"),
    ],
    ids=["title", "summary", "rule term", "rules of the wrong type", "retitle", "change rules"],
)
def test_story_level_commands_refuse_control_characters_and_unusable_rules(command, field: str) -> None:
    with pytest.raises(InvalidField, match=f"^{field}:"):
        command()


def test_corrections_retractions_and_reclassifications_check_their_text_too() -> None:
    story = a_story()
    add(story)
    with pytest.raises(InvalidField, match="headline"):
        story.correct_report("r1", headline="A\x00", reason="typo")
    with pytest.raises(InvalidField, match="reason"):
        story.retract_report("r1", reason="gone\x00")
    with pytest.raises(InvalidField, match="by"):
        story.reclassify_report("r1", kinds=["denied"], by="desk\x00")
    with pytest.raises(InvalidField, match="url"):
        story.correct_report("r1", url="https://example.org/\x00", reason="typo")
    with pytest.raises(InvalidField, match="url"):
        story.correct_report("r1", url="https://example.org/a\nb", reason="typo")
    assert story.version == 2


def test_a_feed_item_identity_with_a_control_character_is_refused() -> None:
    story = a_story()
    with pytest.raises(InvalidField, match="origin.ref"):
        add(story, origin=Origin(OriginKind.FEED, ref="guid\x00", feed="https://example.org/rss"))


@pytest.mark.parametrize(
    "published",
    [
        datetime(1899, 12, 31, 23, 59, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, tzinfo=UTC),
        datetime.now(UTC) + timedelta(days=1, minutes=5),
    ],
    ids=["before 1900", "year 1", "year 9999", "a day and five minutes ahead"],
)
def test_an_implausible_publication_date_is_refused(published: datetime) -> None:
    story = a_story()
    with pytest.raises(InvalidField, match="published_at"):
        add(story, published_at=published)


def test_dates_from_1900_up_to_a_day_ahead_are_accepted() -> None:
    story = a_story()
    add(story, report_id="old", published_at=datetime(1900, 1, 1, tzinfo=UTC))
    add(story, report_id="soon", published_at=datetime.now(UTC) + timedelta(hours=23))
    assert set(story.reports) == {"old", "soon"}
