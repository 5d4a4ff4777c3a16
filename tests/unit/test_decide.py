"""The matching decision on its own: items, stories and earlier decisions in, a plan out (no HTTP, no SQL)."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.domain.decide import Outcome, decide
from tracker.domain.rules import Match, Rules, Strength, parse_rules

RULES = parse_rules({"all_of": [["Acme"]], "any_of": ["buys"]})


@dataclass(frozen=True)
class Item:
    id: int
    title: str
    summary: str = ""
    content_hash: str = "h1"


@dataclass(frozen=True)
class Story:
    slug: str
    rules: Rules = RULES
    appends_automatically: bool = True


@dataclass(frozen=True)
class Prior:
    outcome: str
    content_hash: str = "h1"


STRONG = Item(1, "Acme buys Widgets Inc")
WEAK = Item(2, "Acme opens an office")
UNRELATED = Item(3, "Weather: rain all week")


def test_a_strong_match_of_a_story_that_appends_automatically_is_appended():
    plan = decide([STRONG], [Story("acme")], {})
    assert [(item, result.strength) for item, result in plan.appends["acme"]] == [(STRONG, Strength.STRONG)]
    assert plan.suggestions == [] and plan.promoted == []


def test_a_weak_match_is_suggested_and_an_unmatched_item_is_left_alone():
    story = Story("acme")
    plan = decide([WEAK, UNRELATED], [story], {})
    assert [(s, i, m.strength) for s, i, m in plan.suggestions] == [(story, WEAK, Strength.WEAK)]
    assert not plan.appends and not plan.corrections and not plan.withdrawn


def test_a_strong_match_of_a_story_that_does_not_append_automatically_is_only_suggested():
    story = Story("acme", appends_automatically=False)
    plan = decide([STRONG], [story], {})
    assert [i for _, i, _ in plan.suggestions] == [STRONG] and not plan.appends


def test_an_item_already_appended_is_not_appended_again_but_corrected_when_its_text_changed():
    story = Story("acme")
    unchanged = decide([STRONG], [story], {("acme", 1): Prior(Outcome.APPENDED.value)})
    assert not unchanged.appends and not unchanged.corrections
    revised = decide([STRONG], [story], {("acme", 1): Prior(Outcome.ACCEPTED.value, content_hash="h0")})
    assert revised.corrections == [(story, STRONG)] and not revised.appends


def test_a_suggestion_that_became_a_strong_match_is_promoted_and_appended():
    plan = decide([STRONG], [Story("acme")], {("acme", 1): Prior(Outcome.SUGGESTED.value)})
    assert [(slug, item) for slug, item, _ in plan.promoted] == [("acme", STRONG)]
    assert [item for item, _ in plan.appends["acme"]] == [STRONG]


def test_a_suggestion_the_rules_no_longer_match_is_withdrawn_only_when_re_matching_the_archive():
    prior = {("acme", 3): Prior(Outcome.SUGGESTED.value)}
    assert decide([UNRELATED], [Story("acme")], prior).withdrawn == []
    assert decide([UNRELATED], [Story("acme")], prior, withdraw_unmatched=True).withdrawn == [("acme", 3)]


def test_a_rejected_item_is_never_suggested_again():
    plan = decide([WEAK], [Story("acme")], {("acme", 2): Prior(Outcome.REJECTED.value)})
    assert not plan.suggestions and not plan.appends and not plan.withdrawn


def test_each_story_decides_on_its_own():
    other = Story("widgets", rules=parse_rules({"any_of": ["Widgets"]}))
    plan = decide([STRONG, WEAK], [Story("acme"), other], {("acme", 1): Prior(Outcome.APPENDED.value)})
    assert [i for i, _ in plan.appends["widgets"]] == [STRONG]
    assert "acme" not in plan.appends and [i for _, i, _ in plan.suggestions] == [WEAK]


def test_a_verdict_worked_out_elsewhere_is_used_instead_of_matching_again():
    story = Story("acme")
    said = Match(Strength.STRONG, RULES.digest)
    plan = decide([WEAK], [story], {}, looked_up=lambda s, i: said if i is WEAK else None)
    assert plan.appends["acme"] == [(WEAK, said)] and not plan.suggestions


def test_outcomes_are_stored_as_the_words_decision_rows_always_held():
    assert [o.value for o in Outcome] == [
        "appended",
        "accepted",
        "suggested",
        "rejected",
        "withdrawn",
        "duplicate",
        "present",
        "",
    ]
