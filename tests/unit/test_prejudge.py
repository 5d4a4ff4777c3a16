"""Verdicts worked out in a parse process are the ones the cycle's thread would reach."""

from __future__ import annotations

from tracker.domain.classify import classify, party_candidates
from tracker.domain.rules import Strength, match, parse_rules
from tracker.ingest.parser import FeedItem, content_hash
from tracker.ingest.prejudge import Judge, judge, text_key

RULES = parse_rules({"all_of": [["Character.AI", "Character AI"]], "any_of": ["Meta", "xAI"], "none_of": ["metaverse"]})


def item(title: str, summary: str) -> FeedItem:
    return FeedItem("id:" + title, title, summary, "", None, (), "", content_hash(title, summary))


def test_judging_gives_the_match_and_classification_the_cycle_would_compute() -> None:
    parties = party_candidates(RULES, [])
    judges = [Judge("deal", RULES, parties)]
    items = [
        item("Meta in talks with Character.AI", "Meta declined to comment on the talks."),
        item("Character AI weighs offers", "No agreement has been reached."),
        item("Weather", "Sunny all week"),
        item("Character.AI opens a metaverse", "Meta watches."),
    ]
    strengths = {match(RULES, i.title, i.summary).strength for i in items}
    assert strengths == {Strength.STRONG, Strength.WEAK, Strength.NONE, Strength.EXCLUDED}
    verdicts = judge(items, judges)
    for entry in items:
        expected = match(RULES, entry.title, entry.summary)
        found = verdicts[text_key(entry.title, entry.content_hash)]
        if not expected.matched:
            assert found == {}
            continue
        assert found["deal"].result == expected
        if expected.strength is Strength.STRONG:
            assert found["deal"].found == classify(entry.title, entry.summary, parties)
        else:
            assert found["deal"].found is None
    assert verdicts[text_key(items[0].title, items[0].content_hash)]["deal"].result.strength is Strength.STRONG


def test_texts_with_the_same_hash_input_but_split_differently_are_told_apart() -> None:
    assert content_hash("a\nb", "c") == content_hash("a", "b\nc")
    assert text_key("a\nb", content_hash("a\nb", "c")) != text_key("a", content_hash("a", "b\nc"))
