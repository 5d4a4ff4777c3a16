"""Institutions, unions and places: long names kept whole, courts as venues, "the council"
pointing back, pay talks that are a story's own news, a place that is not an actor."""

from __future__ import annotations

from tracker.domain.reading.model import StoryContext
from tracker.domain.reading.read import read
from tracker.domain.vocabulary import Kind

STRIKE = StoryContext(
    parties={"Norland Ports": ("Norland",), "Harbour Workers Union": ("HWU",)},
    principal=frozenset({"Norland Ports", "Harbour Workers Union"}),
    topic_words=("strike", "pay", "talks"),
    anchors=frozenset({"Norland Ports"}),
)
TENDER = StoryContext(
    parties={"Orrin City Council": (), "Calder Buses": ("Calder",), "Feldway Transit": ("Feldway",)},
    principal=frozenset({"Orrin City Council", "Calder Buses", "Feldway Transit"}),
    topic_words=("contract", "tender", "bus"),
    anchors=frozenset({"Orrin City Council"}),
)
TAKEOVER = StoryContext(
    parties={"Velmar Biologics": ("Velmar",), "Ostrander Pharma": ("Ostrander",)},
    principal=frozenset({"Velmar Biologics", "Ostrander Pharma"}),
    topic_words=("takeover", "deal", "offer"),
    anchors=frozenset({"Velmar Biologics"}),
)


def triples(context: StoryContext, title: str, summary: str = "") -> set[tuple[str, str, Kind]]:
    return {(r.a, r.b, r.kind) for r in read(title, summary, "", context).relations}


def test_pay_talks_are_the_news_of_a_story_that_tracks_a_union():
    found = triples(STRIKE, "", "Pay talks between Norland Ports and the Harbour Workers Union broke down on Friday.")
    assert found == {("Norland Ports", "Harbour Workers Union", Kind.TALKS_ENDED)}
    deal = triples(STRIKE, "", "Norland Ports and the Harbour Workers Union reached a pay deal to end the strike.")
    assert deal == {("Norland Ports", "Harbour Workers Union", Kind.AGREEMENT_REACHED)}


def test_an_institution_with_and_in_its_name_is_one_regulator_not_a_shorter_one_inside_it():
    reading = read(
        "", "The Securities and Exchange Commission opened an investigation into Velmar Biologics.", "", TAKEOVER
    )
    assert {(r.a, r.b, r.kind) for r in reading.relations} == {
        ("Securities and Exchange Commission", "Velmar Biologics", Kind.REGULATORY_SCRUTINY)
    }


def test_a_county_inside_a_fund_s_name_keeps_the_fund_whole_and_a_lawsuit_that_accuses_is_news():
    reading = read(
        "",
        "Velmar's directors were accused of selling too cheaply in a lawsuit filed by the Fenwick County Teachers Fund.",
        "",
        TAKEOVER,
    )
    assert {(frozenset((r.a, r.b)), r.kind) for r in reading.relations} == {
        (frozenset({"Fenwick County Teachers Fund", "Velmar Biologics"}), Kind.LEGAL_ACTION)
    }


def test_a_court_is_a_venue_not_a_party_or_a_name_to_suggest():
    reading = read(
        "",
        "Orrin City Council may not sign the contract until Calder Buses' legal challenge is heard, a High Court judge ruled.",
        "",
        TENDER,
    )
    assert "High Court" not in reading.names
    assert all("High Court" not in (r.a, r.b) for r in reading.relations)
    assert ("Calder Buses", "Orrin City Council", Kind.LEGAL_ACTION) in {(r.a, r.b, r.kind) for r in reading.relations}


def test_the_council_confirming_is_the_council_named_before_not_the_person_just_before():
    reading = read(
        "",
        "Ada Brenner, the Orrin City Council head of transport, has been placed on leave, the council confirmed.",
        "",
        TENDER,
    )
    assert {(s.speaker, s.kind) for s in reading.statements} == {("Orrin City Council", Kind.CONFIRMED)}
    assert ("Ada Brenner", "Orrin City Council", Kind.PERSONNEL) in {(r.a, r.b, r.kind) for r in reading.relations}


def test_the_first_word_of_an_organisation_named_in_the_item_is_that_organisation():
    found = triples(
        TENDER,
        "Feldway pulls out of Orrin bus negotiations",
        "Feldway Transit has withdrawn from negotiations with Orrin City Council.",
    )
    assert found == {("Feldway Transit", "Orrin City Council", Kind.TALKS_ENDED)}


def test_a_name_before_a_port_or_after_a_strike_at_it_is_a_place_not_an_actor():
    reading = read(
        "Deal reached to end Dunmere dock strike",
        "Norland Ports and the Harbour Workers Union reached an agreement to end the strike at Dunmere.",
        "",
        STRIKE,
    )
    assert "Dunmere" not in reading.names
    assert {(r.a, r.b) for r in reading.relations} == {("Norland Ports", "Harbour Workers Union")}


def test_a_company_that_puts_another_company_word_after_the_party_s_first_word_is_a_namesake():
    reading = read(
        "Velmar Energy agrees to buy wind farms",
        "Velmar Energy has agreed to buy wind farms from Kesto Power in a deal worth $90 million.",
        "",
        TAKEOVER,
    )
    assert reading.namesake and "Velmar Energy" in reading.namesake


def test_a_deal_cleared_by_a_regulator_is_its_scrutiny_not_a_deal():
    found = triples(
        TAKEOVER,
        "",
        "Ostrander Pharma's takeover of Velmar Biologics was cleared on Tuesday by the Competition Bureau.",
    )
    assert found == {
        ("Competition Bureau", "Ostrander Pharma", Kind.REGULATORY_SCRUTINY),
        ("Competition Bureau", "Velmar Biologics", Kind.REGULATORY_SCRUTINY),
    }


def test_a_second_predicate_joined_by_and_keeps_its_own_object():
    found = triples(TAKEOVER, "Velmar ends talks with Kesto and sticks with Ostrander")
    assert ("Ostrander Pharma", "Velmar Biologics", Kind.TALKS_ENDED) not in found
    assert {(a, b) for a, b, _k in found} <= {("Velmar Biologics", "Kesto")}


def test_leaving_the_company_to_join_another_is_a_move_from_one_and_to_the_other():
    found = triples(
        TAKEOVER, "", "Lena Marsh, who ran research at Velmar Biologics, has left the company to join Ostrander Pharma."
    )
    assert {
        ("Lena Marsh", "Velmar Biologics", Kind.PERSONNEL),
        ("Lena Marsh", "Ostrander Pharma", Kind.PERSONNEL),
    } <= found


def test_a_bystander_s_silence_on_tuesday_is_on_nothing_in_particular():
    reading = read(
        "",
        "Ostrander Pharma agreed to buy Velmar Biologics. Kesto Labs, which had explored a rival offer, "
        "did not respond to requests for comment on Tuesday.",
        "",
        TAKEOVER,
    )
    assert [(s.speaker, s.about) for s in reading.statements if s.kind is Kind.NO_RESPONSE] == [("Kesto Labs", "")]


def test_a_known_regulator_s_short_name_inside_a_longer_one_gives_the_longer_one():
    reading = read(
        "", "The Trade and Competition Commission opened an investigation into Velmar Biologics.", "", TAKEOVER
    )
    assert {(r.a, r.b) for r in reading.relations} == {("Trade and Competition Commission", "Velmar Biologics")}


def test_a_court_of_appeal_is_a_venue_and_an_appeal_lost_is_a_step_of_the_case():
    ruled = read(
        "", "The Court of Appeal ruled that Calder Buses' lawsuit against Orrin City Council could proceed.", "", TENDER
    )
    assert ruled.names == ()
    assert {(r.a, r.b, r.kind) for r in ruled.relations} == {("Calder Buses", "Orrin City Council", Kind.LEGAL_ACTION)}
    lost = read("", "Calder Buses lost its appeal at the Supreme Court against Orrin City Council.", "", TENDER)
    assert {(r.a, r.b, r.kind) for r in lost.relations} == {("Calder Buses", "Orrin City Council", Kind.LEGAL_ACTION)}


def test_a_strike_story_reads_pay_talks_even_with_the_union_unknown_and_a_takeover_story_does_not():
    sentence = "Norland Ports reached a pay deal with the Harbour Staff Union to end the strike."
    strike = StoryContext(
        parties={"Norland Ports": ()}, principal=frozenset({"Norland Ports"}), topic_words=("strike*",)
    )
    assert {(r.a, r.b, r.kind) for r in read("", sentence, "", strike).relations} == {
        ("Norland Ports", "Harbour Staff Union", Kind.AGREEMENT_REACHED)
    }
    takeover = StoryContext(
        parties={"Norland Ports": ()}, principal=frozenset({"Norland Ports"}), topic_words=("takeover",)
    )
    assert read("", sentence, "", takeover).relations == ()


def test_a_person_who_takes_over_a_company_has_a_new_job_not_a_takeover():
    reading = read(
        "",
        "Norland Ports has appointed Ada Brenner as its chief executive. Brenner takes over a company still recovering "
        "from the strike.",
        "",
        STRIKE,
    )
    assert {(r.a, r.b, r.kind) for r in reading.relations} == {("Ada Brenner", "Norland Ports", Kind.PERSONNEL)}
