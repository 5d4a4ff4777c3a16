"""What a report tells as background (a case already known, an aside, a thing
announced before) is no development; settling a dispute is an agreement."""

from __future__ import annotations

from tracker.domain.reading.model import StoryContext
from tracker.domain.reading.read import read
from tracker.domain.vocabulary import Kind

CONTEXT = StoryContext(
    parties={
        "Ardent Foods": ("Ardent",),
        "Belmar Packaging": ("Belmar",),
        "Food Safety Authority": (),
    },
    principal=frozenset({"Ardent Foods", "Belmar Packaging", "Food Safety Authority"}),
    topic_words=("packaging", "contamination", "lawsuit", "recall"),
)


def triples(title: str, summary: str = "", content: str = "") -> set[tuple[str, str, Kind]]:
    return {(r.a, r.b, r.kind) for r in read(title, summary, content, CONTEXT).relations}


def kinds(title: str, summary: str = "") -> set[Kind]:
    return set(read(title, summary, "", CONTEXT).kinds)


def test_settling_a_dispute_is_an_agreement_between_the_two_sides() -> None:
    assert triples("Belmar to pay Ardent $20 million to settle packaging dispute") == {
        ("Ardent Foods", "Belmar Packaging", Kind.AGREEMENT_REACHED)
    }


def test_a_lawsuit_named_with_a_determiner_is_a_case_already_known_not_news_of_one() -> None:
    assert kinds("", "Shares in Belmar Packaging fell 4% as investors weighed the Ardent Foods lawsuit.") == {
        Kind.OTHER
    }
    assert Kind.LEGAL_ACTION not in kinds("", "Ardent Foods asked the court to pause its lawsuit for 30 days.")


def test_a_lawsuit_still_makes_news_when_someone_joins_it() -> None:
    assert ("Ardent Foods", "Belmar Packaging", Kind.LEGAL_ACTION) in triples(
        "", "Three retailers joined the lawsuit Ardent Foods brought against Belmar Packaging."
    )


def test_an_authority_separately_investigating_a_party_is_an_aside() -> None:
    assert (
        triples("", "The Food Safety Authority is separately investigating Ardent Foods over a labelling error.")
        == set()
    )


def test_an_agreed_buyer_is_an_adjective_and_a_thing_announced_before_has_no_speaker() -> None:
    assert Kind.AGREEMENT_REACHED not in kinds("", "Belmar Packaging, the agreed buyer, declined to comment.")
    assert Kind.CONFIRMED not in kinds("", "The talks with Belmar began shortly after the recall was announced.")


def test_a_chairman_no_longer_in_post_is_a_personnel_move_at_the_company_named_before() -> None:
    found = triples("", "Ardent Foods has a new board. Tom Ridley is no longer chairman.")
    assert ("Tom Ridley", "Ardent Foods", Kind.PERSONNEL) in found


def test_what_a_relative_clause_tells_happened_before_and_is_no_development() -> None:
    assert (
        triples("", "Belmar Packaging, which last week dropped its bid for Ardent Foods, hired a new auditor.") == set()
    )


def test_a_clause_dated_before_the_news_is_background_unless_a_speaker_confirms_it() -> None:
    assert triples("", "The two companies had been negotiating since September.") == set()
    assert ("Ardent Foods", "Belmar Packaging", Kind.TALKS_HELD) in triples(
        "Ardent confirms it held talks with Belmar last year"
    )


def test_what_a_claim_alleges_is_its_matter_not_a_relation() -> None:
    found = triples("", "Ardent Foods sued Belmar Packaging, alleging it negotiated with another buyer.")
    assert found == {("Ardent Foods", "Belmar Packaging", Kind.LEGAL_ACTION)}


def test_the_owner_named_inside_a_rejected_offer_is_the_other_side() -> None:
    assert triples("Ardent turns down Belmar offer") == {("Ardent Foods", "Belmar Packaging", Kind.NO_AGREEMENT)}


def test_a_spokesman_for_the_group_speaks_for_the_subject_of_the_sentence() -> None:
    reading = read(
        "",
        "Belmar Packaging has ended talks with Ardent Foods and with the club, a spokesman for the group confirmed.",
        "",
        CONTEXT,
    )
    assert [(s.speaker, s.kind) for s in reading.statements] == [("Belmar Packaging", Kind.CONFIRMED)]


def test_a_chairman_replaced_by_a_successor_gives_both_moves_at_the_company() -> None:
    found = triples(
        "", "Belmar Packaging bought Ardent Foods. Tom Ridley is no longer chairman and has been replaced by Ann Lee."
    )
    assert {("Tom Ridley", "Ardent Foods", Kind.PERSONNEL), ("Ann Lee", "Ardent Foods", Kind.PERSONNEL)} <= found


def test_the_authority_that_confirms_is_the_regulator_named_before() -> None:
    reading = read("", "The Food Safety Authority is examining Ardent Foods, the authority confirmed.", "", CONTEXT)
    assert [(s.speaker, s.kind) for s in reading.statements] == [("Food Safety Authority", Kind.CONFIRMED)]


def test_paying_a_regulator_under_a_settlement_is_an_agreement_with_it() -> None:
    assert triples("", "Ardent Foods agreed to pay a $5 million penalty to the Food Safety Authority.") == {
        ("Ardent Foods", "Food Safety Authority", Kind.AGREEMENT_REACHED)
    }


def test_an_investigation_not_closed_is_still_scrutiny() -> None:
    assert triples("", "The Food Safety Authority has not closed its investigation of Ardent Foods.") == {
        ("Food Safety Authority", "Ardent Foods", Kind.REGULATORY_SCRUTINY)
    }


def test_no_agreement_yet_says_more_than_talks_still_held() -> None:
    assert triples(
        "", "Ardent Foods has not reached a deal with Belmar Packaging, though they are still negotiating."
    ) == {("Ardent Foods", "Belmar Packaging", Kind.NO_AGREEMENT)}


def test_a_product_or_a_tracked_topic_word_is_no_party_to_a_relation() -> None:
    context = StoryContext(
        parties=CONTEXT.parties, principal=CONTEXT.principal, topic_words=(*CONTEXT.topic_words, "Crispo")
    )
    found = {(r.a, r.b) for r in read("Authority opens investigation into Crispo snacks", "", "", context).relations}
    assert not any("Crispo" in pair for pair in found)
    products = read("", "The Food Safety Authority is examining Zentro vans built by Ardent Foods.", "", CONTEXT)
    assert "Zentro" not in {n for r in products.relations for n in (r.a, r.b)} | set(products.names)


def test_a_silence_on_no_matter_is_on_the_news_the_field_told_before() -> None:
    reading = read(
        "",
        "Ardent Foods sued Belmar Packaging on Monday. Belmar did not respond to a request for comment.",
        "",
        CONTEXT,
    )
    assert [(s.speaker, s.about) for s in reading.statements] == [
        ("Belmar Packaging", "legal_action Ardent Foods–Belmar Packaging")
    ]


def test_an_inquiry_named_with_its_owner_is_known_unless_it_is_aimed_at_someone() -> None:
    assert Kind.REGULATORY_SCRUTINY not in kinds(
        "", "The Food Safety Authority said its investigation was at an early stage."
    )
    assert ("Food Safety Authority", "Belmar Packaging", Kind.REGULATORY_SCRUTINY) in triples(
        "", "The Food Safety Authority said its examination of Belmar Packaging continues."
    )


def test_a_court_step_on_a_known_case_is_news_of_it() -> None:
    assert ("Belmar Packaging", "Ardent Foods", Kind.LEGAL_ACTION) in triples(
        "Ardent Foods asks judge to dismiss the Belmar Packaging lawsuit"
    ) | triples("Ardent Foods asks judge to dismiss Belmar Packaging's lawsuit")


def test_talks_that_stall_are_no_agreement_between_the_pair() -> None:
    found = triples("", "Talks between Ardent Foods and Belmar Packaging over a supply contract have stalled.")
    assert {k for _a, _b, k in found} == {Kind.NO_AGREEMENT}
    assert {frozenset((a, b)) for a, b, _k in found} == {frozenset(("Ardent Foods", "Belmar Packaging"))}


def test_a_regulator_fining_a_company_is_scrutiny_of_it() -> None:
    assert triples("", "The Food Safety Authority fined Ardent Foods 2 million euros on Tuesday.") == {
        ("Food Safety Authority", "Ardent Foods", Kind.REGULATORY_SCRUTINY)
    }


def test_the_person_replaced_leaves_the_company_that_made_the_appointment() -> None:
    found = triples(
        "",
        "Ardent Foods has appointed Ruth Amsel, previously at Belmar Packaging, as chief executive, "
        "replacing Colm Dwyer, who retired in May.",
    )
    assert {("Ruth Amsel", "Ardent Foods", Kind.PERSONNEL), ("Colm Dwyer", "Ardent Foods", Kind.PERSONNEL)} <= found
