"""Who speaks and who acts when a name only qualifies the subject, and what a
merger story's reader must not take for the story's own deal: labour
negotiations, remedies offered to a regulator, a shareholder's support.

Sentences are invented for these tests (a rail freight merger), not taken
from the evaluation sets.
"""

from __future__ import annotations

from tracker.domain.reading.model import Relevance, StoryContext
from tracker.domain.reading.read import read
from tracker.domain.vocabulary import Kind

CONTEXT = StoryContext(
    parties={
        "Northline Rail": ("Northline",),
        "Harbour Freight": (),
        "Markets Oversight Board": (),
        "Corvid Partners": ("Corvid",),
    },
    principal=frozenset({"Northline Rail", "Harbour Freight", "Markets Oversight Board", "Corvid Partners"}),
    topic_words=("takeover", "merger", "deal", "talks", "bid"),
)


def said(title: str, summary: str = "") -> list[tuple[str, Kind]]:
    return [(s.speaker, s.kind) for s in read(title, summary, context=CONTEXT).statements]


def related(title: str, summary: str = "") -> set[tuple[str, str, Kind]]:
    return {(r.a, r.b, r.kind) for r in read(title, summary, context=CONTEXT).relations}


# -- class 1: a possessive or attributive noun phrase is not its owner speaking ------------


def test_an_owners_shareholder_or_analyst_or_customer_is_not_the_owner_speaking():
    assert said("Harbour Freight's largest shareholder would not comment on the Northline offer") == []
    assert said("", "An analyst at Northline Rail denied that the offer was too low.") == []
    assert said("", "A Harbour Freight customer declined to comment on the bid.") == []
    reading = read("", "A rival of Northline Rail confirmed it would bid too.", context=CONTEXT)
    assert "Northline Rail" not in reading.speakers
    assert Kind.CONFIRMED in reading.kinds  # the kind stays, as a badge without a speaker


def test_an_owners_chief_executive_speaks_for_no_party_unless_named():
    assert said("", "The chief executive of Harbour Freight confirmed the board had met.") == []
    assert said("", "Northline Rail's finance chief declined to comment on the financing.") == []
    assert said("", "Harbour Freight's chief executive, Tomas Reyes, declined to comment.") == [
        ("Tomas Reyes", Kind.DECLINED_TO_COMMENT)
    ]


def test_a_spokesperson_lawyer_or_representative_for_a_company_speaks_for_it():
    assert said("", "Lawyers for Harbour Freight declined to comment.") == [
        ("Harbour Freight", Kind.DECLINED_TO_COMMENT)
    ]
    assert said("", "Northline's press office confirmed the approach.") == [("Northline Rail", Kind.CONFIRMED)]
    assert said("", "A representative of Corvid Partners did not respond.") == [("Corvid Partners", Kind.NO_RESPONSE)]


def test_a_shareholder_named_beside_its_holding_speaks_for_itself():
    assert said("", "Harbour Freight's biggest investor, Corvid Partners, would not comment.") == [
        ("Corvid Partners", Kind.DECLINED_TO_COMMENT)
    ]
    assert said("", "Northline Rail's largest shareholder, Alder Pension Fund, denied the report.") == [
        ("Alder Pension Fund", Kind.DENIED)
    ]
    assert said("", "Corvid Partners, Harbour Freight's biggest investor, declined to comment on the talks.") == [
        ("Corvid Partners", Kind.DECLINED_TO_COMMENT)
    ]


# -- class 4: a third party's support is its statement, not talks ----------------------------


def test_a_shareholder_confirming_support_for_talks_makes_a_statement_and_holds_no_talks():
    reading = read("Corvid Partners confirms it backs renewed Northline talks", context=CONTEXT)
    assert [(s.speaker, s.kind) for s in reading.statements] == [("Corvid Partners", Kind.CONFIRMED)]
    assert reading.relations == ()
    reading = read("", "Corvid Partners said it would vote in favour of the deal with Northline Rail.", context=CONTEXT)
    assert reading.relations == ()


# -- class 2: labour negotiations are not the story's deal talks -----------------------------


def test_pay_and_union_negotiations_are_not_deal_talks():
    assert related("Northline Rail drivers open wage talks") == set()
    assert related("", "Union talks with management at Harbour Freight resumed on Tuesday.") == set()
    assert related("", "Wage negotiations between Northline Rail and its signallers stalled.") == set()
    assert related("", "The Train Drivers Union opened negotiations with Northline Rail over rosters.") == set()
    assert related("", "Northline Rail held talks with staff representatives about pension changes.") == set()
    reading = read("Northline Rail engineers begin pay talks", context=CONTEXT)
    assert reading.relevance is Relevance.CONTEXT


def test_deal_talks_stay_deal_talks_when_staff_or_jobs_are_mentioned():
    assert related("", "Northline Rail is in talks with Harbour Freight, staff were told on Monday.") == {
        ("Northline Rail", "Harbour Freight", Kind.TALKS_HELD)
    }
    assert related(
        "", "Northline Rail and Harbour Freight are in talks, while the union said it would fight job cuts."
    ) == {("Northline Rail", "Harbour Freight", Kind.TALKS_HELD)}


# -- class 3: remedies and a regulator's approval are scrutiny, not a deal with the regulator --


def test_selling_assets_to_satisfy_a_regulator_is_a_remedy_under_scrutiny():
    reading = read(
        "", "Northline Rail offered to sell two depots to satisfy the Markets Oversight Board.", context=CONTEXT
    )
    assert {(r.a, r.b, r.kind) for r in reading.relations} == {
        ("Markets Oversight Board", "Northline Rail", Kind.REGULATORY_SCRUTINY)
    }
    assert Kind.AGREEMENT_REACHED not in reading.kinds
    reading = read(
        "",
        "The Markets Oversight Board told Northline Rail to dispose of its ferry arm to win approval.",
        context=CONTEXT,
    )
    assert {(r.a, r.b, r.kind) for r in reading.relations} == {
        ("Markets Oversight Board", "Northline Rail", Kind.REGULATORY_SCRUTINY)
    }


def test_agreeing_to_sell_a_stake_with_no_regulator_in_the_sentence_is_still_a_sale():
    reading = read("", "Corvid Partners agreed to sell its stake to Northline Rail.", context=CONTEXT)
    assert Kind.AGREEMENT_REACHED in reading.kinds
    assert Kind.REGULATORY_SCRUTINY not in reading.kinds


def test_a_regulator_approving_a_takeover_scrutinises_both_parties_and_deals_with_neither():
    reading = read(
        "",
        "The Markets Oversight Board approved the acquisition of Harbour Freight by Northline Rail.",
        context=CONTEXT,
    )
    assert {(r.a, r.b, r.kind) for r in reading.relations} == {
        ("Markets Oversight Board", "Harbour Freight", Kind.REGULATORY_SCRUTINY),
        ("Markets Oversight Board", "Northline Rail", Kind.REGULATORY_SCRUTINY),
    }
    assert Kind.AGREEMENT_REACHED not in reading.kinds


def test_a_regulator_leading_a_clause_about_a_deal_examines_it():
    relations = related(
        "",
        "The Markets Oversight Board asked shippers how Northline Rail's agreement with Harbour Freight affects rates.",
    )
    assert relations == {
        ("Markets Oversight Board", "Northline Rail", Kind.REGULATORY_SCRUTINY),
        ("Markets Oversight Board", "Harbour Freight", Kind.REGULATORY_SCRUTINY),
    }


def test_a_review_of_one_partys_takeover_of_another_examines_both():
    assert related("Markets Oversight Board opens review of Northline's Harbour Freight takeover") == {
        ("Markets Oversight Board", "Northline Rail", Kind.REGULATORY_SCRUTINY),
        ("Markets Oversight Board", "Harbour Freight", Kind.REGULATORY_SCRUTINY),
    }
    assert related(
        "",
        "The Markets Oversight Board will investigate whether the merger of Northline Rail and "
        "Harbour Freight raises prices.",
    ) == {
        ("Markets Oversight Board", "Northline Rail", Kind.REGULATORY_SCRUTINY),
        ("Markets Oversight Board", "Harbour Freight", Kind.REGULATORY_SCRUTINY),
    }


def test_a_strike_before_merger_talks_does_not_make_them_labour_talks():
    assert related("", "Harbour Freight dockers went on strike as merger talks with Northline Rail continued.") == {
        ("Harbour Freight", "Northline Rail", Kind.TALKS_HELD)
    }


def test_abandoning_or_withdrawing_a_bid_ends_the_pursuit():
    assert related("", "Northline Rail abandoned its bid for Harbour Freight.") == {
        ("Northline Rail", "Harbour Freight", Kind.TALKS_ENDED)
    }
    assert related("", "Northline Rail withdrew its takeover offer for Harbour Freight on Friday.") == {
        ("Northline Rail", "Harbour Freight", Kind.TALKS_ENDED)
    }


def test_the_agent_of_a_passive_statement_is_not_the_owner_of_its_head():
    assert said("", "The report was denied by Harbour Freight's largest shareholder.") == []
    assert said("", "The report was denied by a Harbour Freight customer.") == []
    assert said("", "The report was denied by Harbour Freight's spokeswoman.") == [("Harbour Freight", Kind.DENIED)]


def test_a_company_whose_name_begins_with_union_is_not_a_trade_union():
    assert related("", "Union Castle Lines is in talks with Northline Rail about a merger.") == {
        ("Union Castle Lines", "Northline Rail", Kind.TALKS_HELD)
    }
