"""Two suitors of one target are not in a relation with each other, and a
party's business with an outsider is another story: the story's anchor (the
party its rules require) decides both."""

from __future__ import annotations

from tracker.application.reading import story_context
from tracker.domain.reading.model import Relevance
from tracker.domain.reading.read import read
from tracker.domain.vocabulary import Kind

RULES = {
    "all_of": [["Harbour Rovers", "Rovers"]],
    "any_of": ["takeover", "bid", "Kessler", "Ostrava"],
    "parties": {
        "Harbour Rovers": ["Rovers"],
        "Kessler Group": ["Kessler"],
        "Ostrava Partners": ["Ostrava"],
        "Sports Ownership Authority": [],
    },
}
CONTEXT = story_context(RULES)


def triples(title: str, summary: str = "") -> set[tuple[str, str, Kind]]:
    return {(r.a, r.b, r.kind) for r in read(title, summary, "", CONTEXT).relations}


def test_the_anchor_is_the_party_the_rules_require() -> None:
    assert CONTEXT.anchors == frozenset({"Harbour Rovers"})


def test_talks_read_between_two_rival_suitors_are_the_targets_talks() -> None:
    found = triples(
        "",
        "Harbour Rovers rejected Ostrava Partners' proposal. There is no agreement with Ostrava, the board said, "
        "and it will continue its negotiations with the Kessler Group consortium.",
    )
    assert ("Harbour Rovers", "Kessler Group", Kind.TALKS_HELD) in found
    assert not any({a, b} == {"Ostrava Partners", "Kessler Group"} for a, b, _k in found)


def test_a_partys_deal_with_an_outsider_is_context() -> None:
    reading = read("Ostrava Partners agrees to buy Lisbon club Vila Maré", "", "", CONTEXT)
    assert reading.relevance is Relevance.CONTEXT


def test_a_regulators_probe_of_another_company_is_context_and_of_a_party_is_core() -> None:
    other = read("", "The Sports Ownership Authority opened an investigation into Dunmore Athletic.", "", CONTEXT)
    assert other.relevance is Relevance.CONTEXT
    ours = read("", "The Sports Ownership Authority opened an investigation into Kessler Group.", "", CONTEXT)
    assert ours.relevance is Relevance.CORE


def test_the_club_and_the_buyer_announcing_are_both_companies_named_before() -> None:
    reading = read(
        "", "Harbour Rovers has agreed to be sold to Kessler Group, the club and the buyer announced.", "", CONTEXT
    )
    assert {(s.speaker, s.kind) for s in reading.statements} == {
        ("Harbour Rovers", Kind.CONFIRMED),
        ("Kessler Group", Kind.CONFIRMED),
    }


def test_a_club_announcing_a_partys_deal_with_an_outsider_does_not_make_it_the_storys_news() -> None:
    reading = read(
        "", "Ostrava Partners has agreed to buy 40% of the Portuguese club Vila Maré, the club announced.", "", CONTEXT
    )
    assert reading.relevance is Relevance.CONTEXT
    assert "Portuguese" not in reading.names
    assert "Ostrava Partners" not in reading.parties and "Ostrava Partners" in reading.mentioned  # waits for an editor


def test_sides_still_negotiating_are_the_pair_named_before_not_the_club_that_says_so() -> None:
    found = triples(
        "",
        "Kessler Group has not reached an agreement with Harbour Rovers, although the two sides are still talking "
        "to each other, the club said.",
    )
    assert {frozenset((a, b)) for a, b, _k in found} == {frozenset(("Harbour Rovers", "Kessler Group"))}
    assert {k for _a, _b, k in found} == {Kind.NO_AGREEMENT}


def test_walking_away_pulling_out_and_winning_the_auction_are_ends_and_deals() -> None:
    assert triples("", "Ostrava Partners is walking away from its pursuit of Harbour Rovers.") == {
        ("Ostrava Partners", "Harbour Rovers", Kind.TALKS_ENDED)
    }
    assert triples("", "Kessler Group pulls out of Rovers talks.") == {
        ("Kessler Group", "Harbour Rovers", Kind.TALKS_ENDED)
    }
    assert triples("", "Kessler Group won the auction for Harbour Rovers.") == {
        ("Kessler Group", "Harbour Rovers", Kind.AGREEMENT_REACHED)
    }


def test_talks_said_to_have_ended_are_ended_and_a_deal_after_months_of_talks_is_a_deal() -> None:
    assert triples("", "Harbour Rovers confirmed it had ended talks with Ostrava Partners.") == {
        ("Harbour Rovers", "Ostrava Partners", Kind.TALKS_ENDED)
    }
    assert triples("", "Harbour Rovers and Kessler Group have agreed a deal, ending months of talks.") == {
        ("Harbour Rovers", "Kessler Group", Kind.AGREEMENT_REACHED)
    }
