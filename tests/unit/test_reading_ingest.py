"""The pieces of ingest that read: the parser keeps the full content, matching
looks in it, the decision holds a namesake back, a report carries its reading,
the summary shows what reading cost (no HTTP, no SQL)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from tracker.application.reading import story_context
from tracker.domain.decide import Outcome, decide
from tracker.domain.reading.checks import MAX_ITEMS
from tracker.domain.reading.model import Reading
from tracker.domain.reading.read import READER, read
from tracker.domain.rules import Hit, Match, Strength, match, parse_rules
from tracker.ingest.parser import MAX_CONTENT, content_hash, parse_feed
from tracker.ingest.readings import Readings, same_reading
from tracker.ingest.reports import decision_row, fitted, report_fields
from tracker.ingest.store import StoredItem
from tracker.ingest.summary import Counts, CycleSummary
from tracker.ingest.tracking import Tracked

RAW = {
    "all_of": [["Character.AI", "Character AI"]],
    "any_of": ["Meta", "deal", "partnership"],
    "parties": {"Meta": ["Meta Platforms"]},
}
RULES = parse_rules(RAW)
STORY = Tracked(slug="deal", status="open", version=1, rules=RULES, context=story_context(RAW))
NOW = datetime(2024, 6, 3, 10, tzinfo=UTC)


def rss(description: str, content: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>T</title><item><title>Start-up weighs options</title><guid>g1</guid>"
        + (f"<description>{description}</description>" if description else "")
        + f"<content:encoded><![CDATA[{content}]]></content:encoded></item></channel></rss>"
    ).encode()


def stored(title: str, summary: str = "", content: str = "", item_id: int = 1) -> StoredItem:
    return StoredItem(
        id=item_id,
        feed_id=1,
        feed_url="https://wire.example/rss",
        feed_name="Wire",
        identity=f"g{item_id}",
        report_id=f"feed-{item_id}",
        title=title,
        summary=summary,
        link="https://wire.example/a",
        link_key="//wire.example/a",
        authors=(),
        published_at=NOW,
        content_hash=content_hash(title, summary),
        revision=1,
        first_seen_at=NOW,
        revised_at=None,
        content=content,
    )


def test_the_parser_keeps_the_full_content_as_plain_text_when_it_says_more_than_the_description():
    (item,) = parse_feed(rss("A teaser.", "<p>Character.AI met <b>Meta</b>.</p><p>Talks go on.</p>")).items
    assert item.summary == "A teaser."
    assert item.content == "Character.AI met Meta. Talks go on."
    assert item.content_hash == content_hash(item.title, item.summary)  # revisions are still told by title + summary


def test_the_parser_keeps_no_content_that_only_repeats_the_description_and_caps_a_long_one():
    (same,) = parse_feed(rss("", "<p>Only a body.</p><p>Two paragraphs.</p>")).items
    assert (same.summary, same.content) == ("Only a body.Two paragraphs.", "")
    (long,) = parse_feed(rss("Teaser.", "<p>" + "word " * 6000 + "</p>")).items
    assert len(long.content) == MAX_CONTENT and long.content.endswith("…")


def test_terms_only_in_the_content_match_and_the_hits_say_content():
    found = match(RULES, "Start-up weighs options", "A teaser.", "Character.AI held talks with Meta.")
    assert found.strength is Strength.STRONG
    assert found.hits == (Hit("Character.AI", "all_of[0]", "content"), Hit("Meta", "any_of", "content"))
    assert match(RULES, "Start-up weighs options", "A teaser.").strength is Strength.NONE
    # a term is credited to the first field holding it
    assert match(RULES, "Character.AI news", "", "Character.AI and Meta").hits[0].where == "title"


@dataclass(frozen=True)
class Item:
    id: int
    title: str
    summary: str = ""
    content_hash: str = "h1"
    content: str = ""


def test_a_strong_match_the_hold_holds_back_is_suggested_with_its_reason():
    held, plain = Item(1, "Character.AI deal with Meta"), Item(2, "Character.AI signs a deal with Meta")

    def hold(_story: Tracked, item: Item, _result: Match) -> str:
        return "not appended: a namesake" if item.id == 1 else ""

    plan = decide([held, plain], [STORY], {}, hold=hold)
    assert [i for i, _ in plan.appends["deal"]] == [plain]
    assert [i for _, i, _ in plan.suggestions] == [held] and plan.held == {("deal", 1): "not appended: a namesake"}


def test_a_held_back_suggestion_is_not_promoted_and_a_weak_match_is_never_asked_about():
    @dataclass(frozen=True)
    class Prior:
        outcome: str
        content_hash: str = "h1"

    asked = []

    def hold(_story: Tracked, item: Item, _result: Match) -> str:
        asked.append(item.id)
        return "not appended: a namesake"

    strong, weak = Item(1, "Character.AI deal with Meta"), Item(2, "Character.AI opens an office")
    plan = decide([strong, weak], [STORY], {("deal", 1): Prior(Outcome.SUGGESTED.value)}, hold=hold)
    assert not plan.appends and not plan.promoted and asked == [1]
    assert [i for _, i, _ in plan.suggestions] == [weak] and plan.held == {}


def test_a_report_carries_its_reading_and_the_match_then_the_reading_as_evidence():
    item = stored(
        "Start-up weighs options", "A teaser.", "Character.AI held talks with Meta. Meta declined to comment."
    )
    result = match(RULES, item.title, item.summary, item.content)
    fields = report_fields(STORY, item, result)
    reading = read(item.title, item.summary, item.content, STORY.context)
    assert fields["reading"] == reading and fields["classified_by"] == READER
    assert fields["evidence"] == [f"match {result.explain()}", *reading.evidence]
    assert fields["kinds"] == [k.value for k in reading.kinds] and fields["speakers"] == ["Meta"]
    assert {"Character.AI", "Meta"} <= set(fields["parties"])


def test_a_reading_too_long_for_an_event_is_cut_to_fit():
    reading = Reading(names=tuple(f"Name {n}" for n in range(MAX_ITEMS + 5)), evidence=("e",) * (MAX_ITEMS + 1))
    cut = fitted(reading)
    assert len(cut.names) == MAX_ITEMS and len(cut.evidence) == MAX_ITEMS
    small = Reading(names=("A",))
    assert fitted(small) is small


def test_a_namesake_reading_holds_the_item_back_with_the_readers_reason():
    readings = Readings()
    counts = Counts()
    item = stored(
        "Meta Financial Group weighs deal with Character.AI",
        "The bank holding company, Meta Financial Group, said the partnership would cover banking chatbots.",
    )
    result = match(RULES, item.title, item.summary)
    reason = readings.hold(STORY, item, result, counts)
    assert reason.startswith("not appended: 'Meta' here is Meta Financial Group")
    assert readings.hold(STORY, stored("Character.AI signs deal with Meta", item_id=2), result, counts) == ""
    readings.of(STORY, item, counts)  # read once per batch
    assert counts.read == 2 and counts.read_seconds > 0
    row = decision_row(STORY, item, result, Outcome.SUGGESTED, report_id="", note=reason)
    assert row["explanation"] == f"{reason}; {result.explain()}"


def test_readings_that_differ_only_in_evidence_or_reader_are_the_same():
    one = read("Character.AI in talks with Meta", "", "", STORY.context)
    assert same_reading(one, replace(one, evidence=(), classified_by="other"))
    assert not same_reading(one, read("Character.AI signs deal with Meta", "", "", STORY.context))


def test_the_summary_adds_up_reading_and_shows_its_cost_per_item():
    total = CycleSummary(items_read=3, read_seconds=0.006) + CycleSummary(items_read=1, read_seconds=0.002)
    assert total.items_read == 4 and abs(total.read_ms_per_item - 2.0) < 1e-9
    assert "read 4 items in 8.0 ms (2.00 ms each)" in total.line()
    assert "read" not in CycleSummary().line()
