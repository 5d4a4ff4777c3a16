"""Core developments a merger story must not read as background: an approach,
a regulator acting on a party, a departure at the top, a party's (or a
union's) statement on the deal; and the names that make them: a company
known by its first word or a trade word is not a person, an authority may
be called a Board.

Sentences are invented for these tests (a grocery merger), not taken from
the evaluation sets.
"""

from __future__ import annotations

from tracker.domain.reading.model import Reading, Relevance, StoryContext
from tracker.domain.reading.read import read
from tracker.domain.vocabulary import Kind

CONTEXT = StoryContext(
    parties={
        "Pellan Stores": ("Pellan",),
        "Orchard Grocers": ("Orchard",),
        "Retail Competition Board": (),
    },
    principal=frozenset({"Pellan Stores", "Orchard Grocers", "Retail Competition Board"}),
    topic_words=("takeover", "merger", "deal", "talks", "offer"),
)


def reading(title: str, summary: str = "") -> Reading:
    return read(title, summary, context=CONTEXT)


def relations(title: str, summary: str = "") -> set[tuple[str, str, Kind]]:
    return {(r.a, r.b, r.kind) for r in reading(title, summary).relations}


def test_an_approach_to_a_named_company_is_talks_and_core():
    found = reading("Pellan Stores approaches Orchard Grocers over a tie-up")
    assert {(r.a, r.b, r.kind) for r in found.relations} == {("Pellan Stores", "Orchard Grocers", Kind.TALKS_HELD)}
    assert found.relevance is Relevance.CORE
    assert relations("", "Pellan Stores has made a tentative approach to Orchard Grocers, two bankers said.") == {
        ("Pellan Stores", "Orchard Grocers", Kind.TALKS_HELD)
    }


def test_an_approach_to_a_problem_is_not_talks():
    assert relations("", "Pellan Stores explained its approach to pricing.") == set()


def test_a_board_weighing_a_proposal_alone_holds_no_talks():
    found = reading(
        "", "Orchard Grocers confirmed it had been approached and said its directors were weighing the offer."
    )
    assert found.relations == ()
    assert [(s.speaker, s.kind) for s in found.statements] == [("Orchard Grocers", Kind.CONFIRMED)]
    assert Kind.TALKS_HELD not in found.kinds


def test_a_regulator_named_board_opening_a_review_is_core_scrutiny():
    found = reading("Retail Competition Board opens inquiry into Pellan Stores' takeover plan")
    assert ("Retail Competition Board", "Pellan Stores", Kind.REGULATORY_SCRUTINY) in {
        (r.a, r.b, r.kind) for r in found.relations
    }
    assert found.relevance is Relevance.CORE


def test_an_authority_the_story_does_not_know_may_be_a_board_with_a_regulatory_word():
    assert relations("", "The Consumer Safety Board is examining Pellan Stores.") == {
        ("Consumer Safety Board", "Pellan Stores", Kind.REGULATORY_SCRUTINY)
    }
    assert relations("", "The Pellan Stores Board is examining the offer.") == set()


def test_a_chief_stepping_down_named_in_apposition_is_a_core_move_from_the_employer():
    found = reading("", "Lena Marsh, Orchard Grocers' chief executive, will step down when the merger completes.")
    assert [(r.a, r.b, r.kind, r.role) for r in found.relations] == [
        ("Lena Marsh", "Orchard Grocers", Kind.PERSONNEL, "chief executive")
    ]
    assert found.relevance is Relevance.CORE
    assert relations("", "Lena Marsh, Orchard's chief executive, will leave the retailer.") == {
        ("Lena Marsh", "Orchard Grocers", Kind.PERSONNEL)
    }


def test_a_union_or_other_organisation_speaking_on_the_deal_makes_the_report_core():
    found = reading("", "The Shopworkers Alliance declined to comment on the Pellan takeover.")
    assert [(s.speaker, s.kind) for s in found.statements] == [("Shopworkers Alliance", Kind.DECLINED_TO_COMMENT)]
    assert found.relevance is Relevance.CORE


def test_an_organisation_speaking_off_the_story_topic_leaves_the_report_context():
    found = reading("", "Pellan Stores opened a bakery in Leeds; the Leeds Tourism Office declined to comment.")
    assert found.relevance is Relevance.CONTEXT


def test_the_two_companies_announcing_are_both_speakers_and_are_not_people():
    found = reading("", "Pellan Stores will pay $2bn for Orchard Grocers, the two companies announced.")
    assert sorted((s.speaker, s.kind) for s in found.statements) == [
        ("Orchard Grocers", Kind.CONFIRMED),
        ("Pellan Stores", Kind.CONFIRMED),
    ]


def test_a_silence_coordinated_with_another_shares_its_matter():
    found = reading(
        "", "Orchard Grocers did not reply to questions about the inquiry, and Pellan Stores declined to comment."
    )
    assert [(s.speaker, s.kind, s.about) for s in found.statements] == [
        ("Orchard Grocers", Kind.NO_RESPONSE, "the inquiry"),
        ("Pellan Stores", Kind.DECLINED_TO_COMMENT, "the inquiry"),
    ]


def test_the_approach_a_company_took_is_not_an_approach_to_it():
    assert relations("", "The approach Pellan Stores took surprised Orchard Grocers.") == set()


def test_merger_and_takeover_verbs_between_the_parties_are_core_developments():
    assert relations("Pellan Stores to merge with Orchard Grocers") == {
        ("Pellan Stores", "Orchard Grocers", Kind.AGREEMENT_REACHED)
    }
    assert relations("Pellan Stores will take over Orchard Grocers") == {
        ("Pellan Stores", "Orchard Grocers", Kind.AGREEMENT_REACHED)
    }
    assert relations("", "Pellan Stores plans to merge with Orchard Grocers.") == {
        ("Pellan Stores", "Orchard Grocers", Kind.TALKS_HELD)
    }


def test_a_bid_is_talks_its_rejection_no_agreement_and_its_acceptance_an_agreement():
    assert relations("Pellan Stores tables a $3bn cash offer for Orchard Grocers") == {
        ("Pellan Stores", "Orchard Grocers", Kind.TALKS_HELD)
    }
    assert relations("Orchard Grocers rebuffs Pellan approach") == {
        ("Orchard Grocers", "Pellan Stores", Kind.NO_AGREEMENT)
    }
    assert relations("Orchard Grocers accepts Pellan's sweetened bid") == {
        ("Orchard Grocers", "Pellan Stores", Kind.AGREEMENT_REACHED)
    }
