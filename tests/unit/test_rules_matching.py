"""Tracking rules: validation with clear errors, and word-level matching that records why."""

from __future__ import annotations

import pytest

from tracker.domain.rules import RulesError, Strength, match, parse_rules

SEED_RULES = {
    "all_of": [["Character.AI", "Character AI", "CharacterAI", "Character Technologies"]],
    "any_of": [
        "Meta",
        "xAI",
        "Elon Musk",
        "Musk",
        "Mark Zuckerberg",
        "Zuckerberg",
        "Noam Shazeer",
        "Grok",
        "acquisition",
        "partnership",
        "deal",
    ],
    "none_of": ["Character Creator"],
}


@pytest.fixture
def rules():
    return parse_rules(SEED_RULES)


@pytest.mark.parametrize(
    "spelling", ["Character.AI", "Character.ai", "Character AI", "CharacterAI", "character-ai", "CHARACTER AI"]
)
def test_spellings_of_a_name_with_punctuation_are_the_same_term(rules, spelling):
    result = match(rules, f"{spelling} in talks with Meta")
    assert result.strength is Strength.STRONG


def test_a_term_matches_whole_words_only_so_meta_does_not_match_metadata(rules):
    result = match(rules, "Character.AI fixes a metadata bug", "Metaverse news")
    assert result.strength is Strength.WEAK
    assert all(hit.term != "Meta" for hit in result.hits)


def test_possessives_and_case_do_not_hide_a_term(rules):
    assert match(rules, "MUSK'S xAI and character.ai").strength is Strength.STRONG


def test_all_of_without_any_of_is_a_weak_match_for_the_inbox(rules):
    result = match(rules, "Character.AI launches voice calls")
    assert result.strength is Strength.WEAK
    assert result.matched


def test_missing_all_of_group_is_no_match(rules):
    assert match(rules, "Meta and xAI sign a deal").strength is Strength.NONE


def test_none_of_excludes_outright(rules):
    result = match(rules, "Character Creator adds Meta support for Character.AI fans")
    assert result.strength is Strength.EXCLUDED
    assert result.hits[0].rule == "none_of"


def test_a_match_records_rules_version_terms_and_where(rules):
    result = match(rules, "Character.AI weighs options", "Talks with Meta went nowhere")
    assert result.rules_digest == rules.digest and len(rules.digest) == 12
    assert [(h.term, h.rule, h.where) for h in result.hits] == [
        ("Character.AI", "all_of[0]", "title"),
        ("Meta", "any_of", "summary"),
    ]
    assert "all_of[0]" in result.explain() and rules.digest in result.explain()


def test_wildcard_terms_match_word_prefixes():
    rules = parse_rules({"all_of": [["Acme"]], "any_of": ["acqui*"]})
    assert match(rules, "Acme acquisition announced").strength is Strength.STRONG
    assert match(rules, "Acme acquires a rival").strength is Strength.STRONG
    assert match(rules, "Acme aquarium opens").strength is Strength.WEAK


def test_min_any_raises_the_bar_for_strong_matches():
    rules = parse_rules({"all_of": ["Acme"], "any_of": ["deal", "merger", "talks"], "min_any": 2})
    assert match(rules, "Acme deal").strength is Strength.WEAK
    assert match(rules, "Acme deal talks").strength is Strength.STRONG


def test_any_of_alone_is_strong_on_a_hit_and_silent_otherwise():
    rules = parse_rules({"any_of": ["Character.AI"]})
    assert match(rules, "About Character AI").strength is Strength.STRONG
    assert match(rules, "About nothing").strength is Strength.NONE


def test_empty_rules_track_nothing():
    rules = parse_rules({})
    assert not rules.tracks_anything
    assert match(rules, "Character.AI and Meta").strength is Strength.NONE


def test_accents_are_ignored():
    rules = parse_rules({"any_of": ["Zurich"]})
    assert match(rules, "Talks in Zürich").strength is Strength.STRONG


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"any": ["x"]}, "unknown key(s) any"),
        ({"all_of": "Character.AI"}, "all_of must be a list of groups"),
        ({"all_of": [[]]}, "all_of[0] is an empty group"),
        ({"any_of": ["ok", 3]}, "any_of[1] must be text"),
        ({"any_of": ["..."]}, "has no letters or digits"),
        ({"none_of": ["x"]}, "none_of alone matches nothing"),
        ({"any_of": ["a"], "min_any": 0}, "min_any must be a whole number"),
        ({"any_of": ["a"], "min_any": 2}, "min_any is 2 but any_of has only 1"),
        ({"any_of": ["a"], "auto_append": "yes"}, "auto_append must be true or false"),
        ({"any_of": ["ab*"]}, "wildcard term needs at least 3 letters"),
        (["Character.AI"], "must be a table"),
    ],
)
def test_invalid_rules_are_refused_with_a_clear_message(raw, message):
    with pytest.raises(RulesError) as caught:
        parse_rules(raw)
    assert message in str(caught.value)
    assert str(caught.value).startswith("rules: ")


def test_the_seed_rules_are_valid_and_canonical_form_is_stable(rules):
    again = parse_rules(rules.to_dict())
    assert again.digest == rules.digest
    assert again.to_dict() == rules.to_dict()
