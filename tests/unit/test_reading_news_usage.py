"""Common news phrasings of silences, ended talks and rejected offers, each read with its speaker or sides."""

from __future__ import annotations

import pytest

from tracker.domain.reading.model import StoryContext
from tracker.domain.reading.read import read
from tracker.domain.vocabulary import Kind

CONTEXT = StoryContext(
    parties={"Velmar Biologics": ("Velmar",), "Ostrander Pharma": ("Ostrander",)},
    principal=frozenset({"Velmar Biologics", "Ostrander Pharma"}),
    topic_words=("takeover", "deal", "offer"),
    anchors=frozenset({"Velmar Biologics"}),
)
TARGET, BIDDER = "Velmar Biologics", "Ostrander Pharma"


@pytest.mark.parametrize(
    ("sentence", "said"),
    [
        (
            "Neither Velmar Biologics nor Ostrander Pharma responded to requests for comment.",
            {(TARGET, Kind.NO_RESPONSE), (BIDDER, Kind.NO_RESPONSE)},
        ),
        ("Velmar Biologics had no immediate comment.", {(TARGET, Kind.DECLINED_TO_COMMENT)}),
        ("Ostrander Pharma could not immediately be reached for comment.", {(BIDDER, Kind.NO_RESPONSE)}),
        ("Velmar Biologics was not available for comment.", {(TARGET, Kind.NO_RESPONSE)}),
        ("Ostrander Pharma would neither confirm nor deny the talks.", {(BIDDER, Kind.DECLINED_TO_COMMENT)}),
        ("Velmar Biologics declined requests for comment.", {(TARGET, Kind.DECLINED_TO_COMMENT)}),
    ],
)
def test_a_silence_is_said_by_the_subject_of_its_clause(sentence: str, said: set[tuple[str, Kind]]) -> None:
    assert {(s.speaker, s.kind) for s in read("", sentence, "", CONTEXT).statements} == said


def test_responding_to_questions_is_no_silence_without_neither():
    assert read("", "Ostrander Pharma responded to questions about the deal.", "", CONTEXT).statements == ()


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Ostrander Pharma walked out of talks with Velmar Biologics on Friday.", Kind.TALKS_ENDED),
        ("Talks between Ostrander Pharma and Velmar Biologics ended without a deal.", Kind.NO_AGREEMENT),
        ("Velmar Biologics said it had terminated its merger agreement with Ostrander Pharma.", Kind.TALKS_ENDED),
        ("Ostrander Pharma has withdrawn from negotiations to buy Velmar Biologics.", Kind.TALKS_ENDED),
        ("Velmar Biologics rejected Ostrander Pharma's improved offer.", Kind.NO_AGREEMENT),
    ],
)
def test_talks_that_end_or_an_offer_turned_down_relate_the_two_companies_and_nothing_else(sentence: str, kind: Kind):
    relations = read("", sentence, "", CONTEXT).relations
    assert {(frozenset((r.a, r.b)), r.kind) for r in relations} == {(frozenset((TARGET, BIDDER)), kind)}


BUREAU = "Competition Bureau"


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("Velmar Biologics countersued Ostrander Pharma in federal court.", {(TARGET, BIDDER, Kind.LEGAL_ACTION)}),
        (
            "Velmar Biologics was fined $20 million by the Competition Bureau.",
            {(BUREAU, TARGET, Kind.REGULATORY_SCRUTINY)},
        ),
        (
            "Ostrander Pharma's deal for Velmar Biologics won approval from the Competition Bureau.",
            {(BUREAU, BIDDER, Kind.REGULATORY_SCRUTINY), (BUREAU, TARGET, Kind.REGULATORY_SCRUTINY)},
        ),
        ("Velmar Biologics fired its chief executive, Jane Roe.", {("Jane Roe", TARGET, Kind.PERSONNEL)}),
        ("Jane Roe was ousted as chief executive of Velmar Biologics.", {("Jane Roe", TARGET, Kind.PERSONNEL)}),
        ("Velmar Biologics' board recommended Ostrander Pharma's offer.", {(TARGET, BIDDER, Kind.AGREEMENT_REACHED)}),
        ("Ostrander Pharma terminated the deal to buy Velmar Biologics.", {(BIDDER, TARGET, Kind.TALKS_ENDED)}),
        (
            "Velmar Biologics and Ostrander Pharma mutually agreed to end their merger agreement.",
            {(TARGET, BIDDER, Kind.TALKS_ENDED)},
        ),
    ],
)
def test_court_regulator_and_boardroom_steps_relate_the_right_sides(sentence: str, found: set[tuple[str, str, Kind]]):
    assert {(r.a, r.b, r.kind) for r in read("", sentence, "", CONTEXT).relations} == found


def test_a_company_that_does_not_comment_on_speculation_declines_and_a_received_approach_is_talks():
    said = read(
        "", "A Velmar Biologics spokeswoman said the company does not comment on market speculation.", "", CONTEXT
    )
    assert {(s.speaker, s.kind) for s in said.statements} == {(TARGET, Kind.DECLINED_TO_COMMENT)}
    approached = read("", "Velmar Biologics said it had received an approach from Ostrander Pharma.", "", CONTEXT)
    assert {(r.a, r.b, r.kind) for r in approached.relations} == {(BIDDER, TARGET, Kind.TALKS_HELD)}


def test_a_named_spokeswoman_speaks_for_her_company_and_a_relative_clause_for_its_own_subject():
    spoken = read(
        "", "Jane Roe, a spokeswoman for Ostrander Pharma, did not respond to questions about the talks.", "", CONTEXT
    )
    assert {(s.speaker, s.kind) for s in spoken.statements} == {(BIDDER, Kind.NO_RESPONSE)}
    nested = read(
        "",
        "Velmar Biologics confirmed the approach, but Kesto Labs, which had bid too, declined to comment.",
        "",
        CONTEXT,
    )
    assert {(s.speaker, s.kind) for s in nested.statements} == {
        (TARGET, Kind.CONFIRMED),
        ("Kesto Labs", Kind.DECLINED_TO_COMMENT),
    }
