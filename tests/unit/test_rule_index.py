"""The rule index picks out every story an item could match: judging only its
candidates gives the same answers as judging every story."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from tracker.domain.decide import Outcome, decide
from tracker.domain.rule_index import RuleIndex
from tracker.domain.rules import RULE_KEYS, Rules, RulesError, Text, match, parse_rules

#: Words and phrases that rules and items share, with the traps of word-key matching:
#: accents, punctuation inside names, words written together, words inside words.
VOCABULARY = [
    "Character.AI",
    "Character AI",
    "CharacterAI",
    "character",
    "ai",
    "Meta",
    "metadata",
    "meta-data",
    "xAI",
    "Musk's",
    "Musk",
    "Nestlé",
    "nestle",
    "NESTLÉ S.A.",
    "café",
    "Café au lait",
    "acquire",
    "acquisition",
    "acquí",
    "acq",
    "uisition",
    "deal",
    "deals",
    "dealer",
    "talks",
    "Google",
    "Alphabet Inc.",
    "São Paulo",
    "sao",
    "paulo",
    "U.S.",
    "us",
    "A.I.",
    "Zürich",
    "zurich",
    "Ünïcödé",
    "opened",
    "open",
    "2024",
    "20",
    "24",
]
PREFIXES = ["acqui*", "deal*", "meta*", "char*", "zur*", "caf*", "sao*", "open*", "nes*", "202*"]
JOINERS = [" ", " ", " ", ", ", ". ", "-", "", "/", " (", ") ", "'s ", "_", " — "]


def _term(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.2:
        return rng.choice(PREFIXES)
    if roll < 0.35:
        return " ".join(rng.sample(VOCABULARY, 2))  # a multi-word term
    return rng.choice(VOCABULARY)


def _rules(rng: random.Random) -> Rules:
    while True:
        raw: dict[str, object] = {}
        if rng.random() < 0.7:
            raw["all_of"] = [[_term(rng) for _ in range(rng.randint(1, 3))] for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.7 or "all_of" not in raw:
            raw["any_of"] = [_term(rng) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.3:
            raw["none_of"] = [_term(rng)]
        if rng.random() < 0.3:
            raw["min_any"] = 2
        if "all_of" not in raw and "track_anything" in RULE_KEYS:
            raw["track_anything"] = True  # rules without all_of must say so
        try:
            return parse_rules(raw)
        except RulesError:
            continue  # e.g. min_any above the number of distinct terms


def test_the_random_rules_include_stories_without_all_of() -> None:
    rng = random.Random(7)
    assert any(not _rules(rng).all_of for _ in range(50))


def _field(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return ""
    text = ""
    for _ in range(rng.randint(1, 9)):
        word = rng.choice(VOCABULARY)
        word = word.upper() if rng.random() < 0.1 else word
        text += word + rng.choice(JOINERS)
    return text


def _any_of(*terms: str) -> Rules:
    raw: dict[str, object] = {"any_of": list(terms)}
    if "track_anything" in RULE_KEYS:
        raw["track_anything"] = True
    return parse_rules(raw)


def _answers(stories: list[Rules], fields: tuple[str, str, str], only: list[int] | None) -> dict[int, str]:
    prepared = (Text(fields[0]), Text(fields[1]), Text(fields[2]))
    judged = range(len(stories)) if only is None else only
    answers = {}
    for position in judged:
        result = match(stories[position], *fields, prepared=prepared)
        if result.matched:
            answers[position] = result.explain()
    return answers


@pytest.mark.parametrize("seed", range(12))
def test_judging_only_the_candidates_gives_the_same_matches_as_judging_every_story(seed: int) -> None:
    rng = random.Random(seed)
    stories = [_rules(rng) for _ in range(40)]
    index = RuleIndex(stories)
    matched = 0
    for _ in range(60):
        fields = (_field(rng), _field(rng), _field(rng) if rng.random() < 0.4 else "")
        candidates = index.candidates(Text(f) for f in fields)
        everyone = _answers(stories, fields, None)
        assert _answers(stories, fields, candidates) == everyone, fields
        assert candidates == sorted(set(candidates))
        matched += len(everyone)
    assert matched > 0  # the cases are not all misses


def test_random_cases_find_candidates_that_do_not_match_as_well_as_ones_that_do() -> None:
    rng = random.Random(99)
    stories = [_rules(rng) for _ in range(40)]
    index = RuleIndex(stories)
    matched = unmatched = 0
    for _ in range(300):
        fields = (_field(rng), _field(rng), "")
        prepared = (Text(fields[0]), Text(fields[1]), Text(fields[2]))
        for position in index.candidates(prepared):
            if match(stories[position], *fields, prepared=prepared).matched:
                matched += 1
            else:
                unmatched += 1  # a none_of, a min_any or a later group turned it down
    assert matched > 100 and unmatched > 0


def test_a_word_inside_a_longer_word_makes_no_candidate() -> None:
    index = RuleIndex([_any_of("Meta")])
    assert index.candidates([Text("New metadata rules")]) == []
    assert index.candidates([Text("Meta-data: Meta's plan")]) == [0]


def test_a_prefix_term_finds_words_starting_so_and_only_at_a_word_start() -> None:
    index = RuleIndex([_any_of("acqui*")])
    assert index.candidates([Text("The acquisition closed")]) == [0]
    assert index.candidates([Text("Reacquired assets")]) == []


def test_names_written_with_punctuation_or_together_are_the_same_term() -> None:
    index = RuleIndex([parse_rules({"all_of": [["Character.AI"]], "any_of": ["talks"]})])
    for title in ("CharacterAI in talks", "character ai talks", "Character.ai: talks", "CHARACTER-AI, TALKS"):
        assert index.candidates([Text(title)]) == [0], title
    assert index.candidates([Text("Character.AI says nothing")]) == [0]  # all_of alone makes it a candidate
    assert index.candidates([Text("talks about AI characters")]) == []


def test_accents_are_ignored_as_matching_ignores_them() -> None:
    index = RuleIndex([_any_of("Nestlé"), _any_of("Sao Paulo")])
    assert index.candidates([Text("NESTLE results"), Text("in São Paulo")]) == [0, 1]


def test_every_all_of_group_must_be_in_the_item_for_a_candidate() -> None:
    index = RuleIndex([parse_rules({"all_of": [["Meta"], ["xAI", "X.AI"]], "any_of": ["deal"]})])
    assert index.candidates([Text("Meta deal")]) == []
    assert index.candidates([Text("Meta"), Text("talks with X.AI")]) == [0]


def test_a_story_that_tracks_nothing_is_never_a_candidate_and_an_empty_index_finds_none() -> None:
    assert RuleIndex([parse_rules({})]).candidates([Text("anything at all")]) == []
    assert RuleIndex([]).candidates([Text("anything at all")]) == []


@dataclass(frozen=True)
class _Item:
    id: int
    title: str
    summary: str
    content_hash: str


@dataclass(frozen=True)
class _Story:
    slug: str
    rules: Rules
    appends_automatically: bool


@dataclass(frozen=True)
class _Prior:
    outcome: str
    content_hash: str


@pytest.mark.parametrize("seed", range(4))
def test_deciding_with_the_index_plans_the_same_as_deciding_against_every_story(seed: int) -> None:
    rng = random.Random(1000 + seed)
    stories = [_Story(f"s{n}", _rules(rng), rng.random() < 0.7) for n in range(30)]
    items = [_Item(n, _field(rng), _field(rng), rng.choice("ab")) for n in range(80)]
    outcomes = [Outcome.APPENDED, Outcome.SUGGESTED, Outcome.REJECTED, Outcome.ACCEPTED]
    prior = {
        (rng.choice(stories).slug, item.id): _Prior(rng.choice(outcomes).value, rng.choice("ab"))
        for item in items
        if rng.random() < 0.3
    }
    index = RuleIndex([story.rules for story in stories])

    def candidates(item: _Item) -> list[str]:
        return [stories[p].slug for p in index.candidates([Text(item.title), Text(item.summary)])]

    for withdraw in (False, True):
        everyone = decide(items, stories, prior, withdraw_unmatched=withdraw)
        narrowed = decide(items, stories, prior, withdraw_unmatched=withdraw, candidates=candidates)
        assert narrowed == everyone
        assert everyone.appends or everyone.suggestions  # not all misses
