"""Classification of wire items: kinds from the vocabulary and parties, with the deciding phrases."""

from __future__ import annotations

from tracker.domain.classify import CLASSIFIER, classify, party_candidates
from tracker.domain.rules import parse_rules
from tracker.domain.vocabulary import Kind

RULES = parse_rules(
    {
        "all_of": [["Character.AI", "Character AI"]],
        "any_of": ["Meta", "deal"],
        "parties": {"Google": ["Alphabet", "Google DeepMind"]},
    }
)
PARTIES = party_candidates(RULES, ["Meta", "xAI", "Elon Musk", "Noam Shazeer"])


def kinds(title: str, summary: str = "") -> tuple[Kind, ...]:
    return classify(title, summary, PARTIES).kinds


def test_each_kind_is_found_from_its_phrases():
    assert Kind.TALKS_HELD in kinds("Meta held talks with Character.AI")
    assert Kind.NO_AGREEMENT in kinds("No agreement yet between the two")
    assert Kind.AGREEMENT_REACHED in kinds("Google strikes licensing deal with Character.AI")
    assert Kind.DECLINED_TO_COMMENT in kinds("", "Meta declined to comment.")
    assert Kind.NO_RESPONSE in kinds("", "Musk did not respond to a request for comment.")
    assert Kind.DENIED in kinds("xAI denies report of talks")
    assert Kind.CONFIRMED in kinds("Character.AI confirms licensing arrangement")
    assert Kind.REGULATORY_SCRUTINY in kinds("FTC opens inquiry into AI licensing deals")
    assert Kind.LEGAL_ACTION in kinds("Character.AI sued over chatbot", "A lawsuit was filed.")
    assert Kind.PERSONNEL in kinds("Noam Shazeer rejoins Google")


def test_text_without_a_kind_phrase_is_other_and_says_so():
    found = classify("Character.AI ships a new logo", "", PARTIES)
    assert found.kinds == (Kind.OTHER,)
    assert "kind other: no kind phrase found" in found.evidence


def test_negated_agreement_and_confirmation_do_not_count():
    found = kinds("Meta has not confirmed a deal", "The companies have not agreed terms.")
    assert Kind.CONFIRMED not in found
    assert Kind.AGREEMENT_REACHED not in found
    assert Kind.NO_AGREEMENT in found


def test_no_agreement_wins_over_agreement_when_both_are_found():
    found = kinds("Talks collapsed; no deal signed", "")
    assert Kind.NO_AGREEMENT in found and Kind.AGREEMENT_REACHED not in found


def test_court_as_a_verb_is_not_legal_action():
    assert Kind.LEGAL_ACTION not in kinds("Meta and xAI court Character.AI")


def test_parties_come_from_rules_and_known_parties_with_aliases():
    found = classify("Alphabet signs deal with Character AI", "Musk was not involved.", PARTIES)
    assert found.parties == ("Google", "Character.AI", "Elon Musk")
    assert 'party Google: "Alphabet" (title)' in found.evidence
    assert 'party Elon Musk: "Musk" (summary)' in found.evidence


def test_evidence_names_the_phrase_and_where_it_was_found():
    found = classify("Character.AI in talks with Meta", "Meta declined to comment.", PARTIES)
    assert 'kind talks_held: "talks" (title)' in found.evidence
    assert 'kind declined_to_comment: "declined to comment" (summary)' in found.evidence
    assert found.classified_by == CLASSIFIER


def test_word_boundaries_hold_for_parties_too():
    assert "Meta" not in classify("Metadata for Character.AI", "", PARTIES).parties
