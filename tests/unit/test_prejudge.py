"""Verdicts worked out in a parse process are the ones the cycle's thread would reach."""

from __future__ import annotations

import pickle

from tracker.application.reading import story_context
from tracker.domain.reading.read import read
from tracker.domain.rules import Strength, match, parse_rules
from tracker.ingest.parser import FeedItem, content_hash
from tracker.ingest.prejudge import Judge, judge, text_key

RAW = {
    "all_of": [["Character.AI", "Character AI"]],
    "any_of": ["Meta", "xAI"],
    "none_of": ["metaverse"],
    "parties": {"Meta": ["Meta Platforms"], "xAI": []},
}
RULES = parse_rules(RAW)
CONTEXT = story_context(RAW, ("Google",))


def item(title: str, summary: str, content: str = "") -> FeedItem:
    return FeedItem("id:" + title, title, summary, "", None, (), "", content_hash(title, summary), content=content)


def test_judging_gives_the_match_and_reading_the_cycle_would_compute() -> None:
    judges = [Judge("deal", RULES, CONTEXT)]
    items = [
        item("Meta in talks with Character.AI", "Meta declined to comment on the talks."),
        item("Character AI weighs offers", "No agreement has been reached."),
        item("Weather", "Sunny all week"),
        item("Character.AI opens a metaverse", "Meta watches."),
        item("Character.AI weighs offers", "Investors circle.", "xAI held talks with Character.AI, people said."),
    ]
    strengths = {match(RULES, i.title, i.summary, i.content).strength for i in items}
    assert strengths == {Strength.STRONG, Strength.WEAK, Strength.NONE, Strength.EXCLUDED}
    verdicts = judge(items, judges)
    for entry in items:
        expected = match(RULES, entry.title, entry.summary, entry.content)
        found = verdicts[text_key(entry.title, entry.content_hash, entry.content)]
        if not expected.matched:
            assert found == {}
            continue
        assert found["deal"].result == expected
        if expected.strength is Strength.STRONG:
            assert found["deal"].found == read(entry.title, entry.summary, entry.content, CONTEXT)
            assert found["deal"].read_seconds > 0
        else:
            assert found["deal"].found is None
    body = verdicts[text_key(items[4].title, items[4].content_hash, items[4].content)]["deal"]
    assert body.result.strength is Strength.STRONG and body.found is not None and body.found.parties


def test_a_judge_travels_to_a_parse_process_whole() -> None:
    judge_ = Judge("deal", RULES, CONTEXT)
    assert pickle.loads(pickle.dumps(judge_)) == judge_


def test_texts_with_the_same_hash_input_but_split_differently_are_told_apart() -> None:
    assert content_hash("a\nb", "c") == content_hash("a", "b\nc")
    assert text_key("a\nb", content_hash("a\nb", "c")) != text_key("a", content_hash("a", "b\nc"))


def test_the_same_summary_over_another_body_is_another_text() -> None:
    digest = content_hash("a", "b")
    assert text_key("a", digest, "one body") != text_key("a", digest, "another body")
    assert text_key("a", digest, "") == text_key("a", digest)
