"""Safe rules: a new rule set that would track everything, excludes what it
requires or holds a malformed term is refused; every alias is kept."""

from __future__ import annotations

import tomllib

import pytest

from tracker.domain.rules import RULE_KEYS, RulesError, match, parse_rules
from tracker.seed import seed_files


def test_rules_without_a_required_group_are_refused_unless_tracking_anything_is_confirmed() -> None:
    with pytest.raises(RulesError, match="all_of is empty") as refused:
        parse_rules({"any_of": ["deal"]}, strict=True)
    assert refused.value.key == "all_of"
    confirmed = parse_rules({"any_of": ["deal"], "track_anything": True}, strict=True)
    assert confirmed.track_anything and match(confirmed, "A sports-rights deal").matched
    assert confirmed.to_dict() == {"any_of": ["deal"], "track_anything": True}
    assert "track_anything" in RULE_KEYS


def test_the_confirmation_is_dropped_where_a_required_group_makes_it_needless() -> None:
    rules = parse_rules({"all_of": [["Meta"]], "any_of": ["deal"], "track_anything": True}, strict=True)
    assert not rules.track_anything and "track_anything" not in rules.to_dict()
    assert parse_rules({}, strict=True).to_dict() == {}  # no rules: tracks nothing, nothing to confirm


def test_the_confirmation_must_be_true_or_false() -> None:
    with pytest.raises(RulesError, match="track_anything must be true or false"):
        parse_rules({"any_of": ["deal"], "track_anything": "yes"}, strict=True)


def test_rules_stored_before_the_check_are_still_read() -> None:
    legacy = parse_rules({"any_of": ["deal"]})
    assert not legacy.track_anything and match(legacy, "a deal").matched


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"all_of": [["Meta", "Facebook"]], "none_of": ["facebook"]},
            'none_of "facebook" excludes all_of[0] "Facebook"',
        ),
        ({"all_of": [["Meta"]], "any_of": ["deal"], "none_of": ["Deal"]}, 'none_of "Deal" excludes any_of "deal"'),
        ({"all_of": [["acquisition"]], "none_of": ["acqui*"]}, "both required and excluded"),
        ({"all_of": [["Character.AI"]], "none_of": ["Character AI"]}, "both required and excluded"),
    ],
)
def test_a_term_both_wanted_and_excluded_is_refused(raw: dict[str, object], message: str) -> None:
    with pytest.raises(RulesError) as refused:
        parse_rules(raw, strict=True)
    assert message in refused.value.problem and refused.value.key == "none_of"


def test_an_exclusion_that_only_looks_like_a_required_term_is_allowed() -> None:
    rules = parse_rules({"all_of": [["Character.AI"]], "none_of": ["Character Creator"]}, strict=True)
    assert rules.none_of[0].text == "Character Creator"


@pytest.mark.parametrize(
    ("raw", "message", "key"),
    [
        ({"all_of": [["acq*ition"]]}, "all_of[0][0] 'acq*ition': a * may only end a term", "all_of"),
        ({"all_of": [["Meta"]], "any_of": ["deal**"]}, "any_of[0] 'deal**': a * may only end a term", "any_of"),
        ({"all_of": [["Meta", "!!"]]}, "all_of[0][1] '!!' has no letters or digits", "all_of"),
        ({"all_of": [["Meta"]], "none_of": ["x\x00"]}, "none_of[0] contains a control character", "none_of"),
        ({"all_of": [["Meta"]], "min_any": 0}, "min_any must be a whole number", "min_any"),
        ({"all_of": [["Meta"]], "parties": {"Meta": ["!!"]}}, "parties.Meta[1] '!!' has no letters", "parties"),
    ],
)
def test_a_malformed_term_is_refused_naming_its_key_and_place(raw: dict[str, object], message: str, key: str) -> None:
    with pytest.raises(RulesError) as refused:
        parse_rules(raw, strict=True)
    assert message in refused.value.problem and refused.value.key == key


def test_every_alias_min_any_auto_append_and_party_alias_is_given_back_as_written() -> None:
    raw = {
        "all_of": [["Character.AI", "Character AI", "CharacterAI"], ["Meta", "Meta Platforms"]],
        "any_of": ["deal", "talks", "xAI", "X.AI"],
        "none_of": ["Character Creator"],
        "min_any": 2,
        "auto_append": False,
        "parties": {"Character.AI": ["Character AI", "CharacterAI"], "Meta": []},
        "not_parties": ["Acme"],
    }
    rules = parse_rules(raw, strict=True)
    assert rules.to_dict() == raw
    assert parse_rules(rules.to_dict(), strict=True).to_dict() == raw  # stable
    assert [t.text for t in rules.all_of[0]] == ["Character.AI"]  # alike spellings looked up once
    assert len(rules.any_of) == 3  # "xAI" and "X.AI" count as one distinct term for min_any


def test_the_seed_rules_come_back_unchanged_and_keep_their_digest() -> None:
    raw = tomllib.loads(seed_files()[0].read_text(encoding="utf-8"))["story"]["rules"]
    rules = parse_rules(raw, strict=True)
    assert rules.to_dict() == raw
    assert rules.digest == "ecc1cd5398ae"  # what the matched archive's decisions record


def test_defaults_are_left_out_of_the_canonical_form() -> None:
    raw = {"all_of": ["Meta"], "min_any": 1, "auto_append": True, "track_anything": False, "none_of": []}
    assert parse_rules(raw, strict=True).to_dict() == {"all_of": [["Meta"]]}
