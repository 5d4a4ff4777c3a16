"""The rules preview, pure: what re-matching under new rules would do to archived
items, minding what was already decided for the story."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tracker.domain.rules import parse_rules
from tracker.ingest.preview import compare

OLD = parse_rules({"all_of": [["Character.AI"]], "any_of": ["Meta"]})
NEW = parse_rules({"all_of": [["Character.AI", "C.AI"]], "any_of": ["voice"], "none_of": ["teachers"]})


@dataclass(frozen=True)
class Item:
    id: int
    title: str
    summary: str = ""
    content: str = ""
    link: str = ""
    feed_name: str = "Wire"
    feed_url: str = "http://wire.example/feed"
    published_at: datetime | None = None


ITEMS = [
    Item(1, "Character.AI adds voice calls"),  # suggested today, strong now: attached
    Item(2, "Character.AI app for teachers"),  # suggested today, excluded now: withdrawn
    Item(3, "C.AI opens an office"),  # nothing today, weak now: suggested
    Item(4, "Character.AI voice mode for schools"),  # rejected: stays rejected
    Item(5, "Character.AI hires a lawyer"),  # withdrawn earlier, matched again: suggested
    Item(6, "Character.AI voice and Meta"),  # appended already: left alone
    Item(7, "Gardening tips"),  # nothing either way
]
DECIDED = {1: "suggested", 2: "suggested", 4: "rejected", 5: "withdrawn", 6: "appended"}


def test_the_preview_counts_items_newly_attached_suggested_and_withdrawn() -> None:
    preview = compare(OLD, NEW, ITEMS, DECIDED)
    assert (preview.attached, preview.suggested, preview.withdrawn) == (1, 2, 1)
    assert [i.item_id for i in preview.first_attached] == [1]
    assert [i.item_id for i in preview.first_suggested] == [3, 5]
    assert [i.item_id for i in preview.first_withdrawn] == [2]
    assert preview.first_suggested[0].before == "no match" and preview.first_suggested[1].before == "withdrawn"
    assert preview.first_withdrawn[0].after.startswith('excluded: none_of "teachers"')
    assert (preview.scanned, preview.capped) == (7, False)


def test_a_story_that_does_not_append_by_itself_gets_strong_matches_as_suggestions() -> None:
    preview = compare(OLD, NEW, ITEMS, DECIDED, appends=False)
    assert (preview.attached, preview.suggested, preview.withdrawn) == (0, 2, 1)  # item 1 stays a suggestion


def test_the_same_rules_change_nothing_and_the_list_is_capped_but_the_count_is_not() -> None:
    as_matched = [i for i in ITEMS if i.id != 5]  # a withdrawn item the rules match would come back
    assert compare(OLD, OLD, as_matched, DECIDED).changes_nothing
    many = [Item(100 + n, f"C.AI item {n}") for n in range(25)]
    preview = compare(OLD, NEW, many, {}, total=500, listed=10)
    assert preview.suggested == 25 and len(preview.first_suggested) == 10
    assert preview.capped and "the newest 25 of 500" in preview.lines()[0]
    assert "suggested (first 10):" in preview.lines()[1]
