"""Suggestion reasons read back from what matching stored and said in plain words; matched words marked."""

from __future__ import annotations

from tracker.domain.reasons import marked, plain_reason, read_explanation
from tracker.domain.rules import match, parse_rules

RULES = parse_rules(
    {
        "all_of": [["Character.AI", "Character AI"]],
        "any_of": ["Meta", "xAI", "deal", "Elon Musk", "Grok", "acquisition", "partnership", "Zuckerberg"],
        "none_of": ["Character Creator"],
    }
)


def test_a_weak_match_says_what_it_mentions_where_and_which_wanted_words_it_lacks() -> None:
    stored = match(RULES, "Character.AI adds voice calls", "Users can talk to characters.").explain()
    assert stored.startswith('weak: all_of[0] "Character.AI" (title)')  # the stored reason is unchanged
    reason = plain_reason(read_explanation(stored), RULES)
    assert reason == (
        "Mentions Character.AI in the headline, but none of: Meta, xAI, deal, Elon Musk, Grok, acquisition …"
    )
    assert "all_of" not in reason and "rules " not in reason


def test_a_strong_match_names_each_place_its_words_were_found() -> None:
    stored = match(RULES, "Character AI weighs a deal", "Meta and xAI are said to be interested.").explain()
    assert plain_reason(read_explanation(stored), RULES) == (
        "Mentions Character.AI and deal in the headline; Meta and xAI in the summary"
    )


def test_a_held_back_match_keeps_its_note_and_a_reason_under_older_rules_says_so() -> None:
    stored = "not appended: read as background (none of the story's own parties acts in it); " + (
        match(RULES, "Character.AI and Meta", "").explain()
    )
    explained = read_explanation(stored)
    assert explained.strength == "strong" and explained.note.startswith("not appended")
    assert plain_reason(explained, RULES) == (
        "Mentions Character.AI and Meta in the headline; held back: read as background "
        "(none of the story's own parties acts in it)"
    )
    changed = parse_rules({"all_of": [["Character.AI"]], "any_of": ["Google"]})
    weak = read_explanation(match(RULES, "Character.AI adds voice calls").explain())
    assert plain_reason(weak, changed) == (
        "Mentions Character.AI in the headline, but too few of the other words the rules wanted (under earlier rules)"
    )


def test_min_any_above_one_says_how_many_were_needed() -> None:
    rules = parse_rules({"all_of": [["Character.AI"]], "any_of": ["Meta", "xAI", "deal"], "min_any": 2})
    stored = match(rules, "Character.AI and Meta").explain()
    assert plain_reason(read_explanation(stored), rules) == (
        "Mentions Character.AI and Meta in the headline, but only 1 of the 2 needed from: xAI, deal"
    )


def test_text_that_is_not_a_match_explanation_is_shown_as_it_is() -> None:
    assert plain_reason(read_explanation("added by hand"), RULES) == "Added by hand"


def test_matched_words_are_marked_as_matching_finds_them_across_case_punctuation_and_accents() -> None:
    pieces = marked("Character AI's café deal with META; metadata untouched", ["Character.AI", "Meta", "cafe"])
    assert [text for text, hit in pieces if hit] == ["Character AI", "café", "META"]
    assert "".join(text for text, _ in pieces) == "Character AI's café deal with META; metadata untouched"
    assert marked("", ["Meta"]) == [] and marked("nothing here", ["Meta"]) == [("nothing here", False)]


def test_marking_leaves_markup_in_the_text_for_the_page_to_escape() -> None:
    pieces = marked("<script>Meta</script>", ["Meta"])
    assert pieces == [("<script>", False), ("Meta", True), ("</script>", False)]
