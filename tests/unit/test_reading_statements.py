"""Statements: the speaker is the subject of the statement verb, never every name nearby."""

from __future__ import annotations

from tracker.domain.reading.model import StoryContext
from tracker.domain.reading.read import read
from tracker.domain.vocabulary import Kind

CONTEXT = StoryContext(
    parties={"Meta": (), "xAI": (), "Character.AI": ("Character AI",), "Google": ("Alphabet",), "Elon Musk": ("Musk",)},
    principal=frozenset({"Meta", "xAI", "Character.AI"}),
    topic_words=("deal", "talks", "chatbot"),
)


def said(title: str, summary: str = "") -> list[tuple[str, Kind, str]]:
    return [(s.speaker, s.kind, s.about) for s in read(title, summary, context=CONTEXT).statements]


def test_each_clause_has_its_own_speaker_and_a_third_company_in_the_sentence_is_not_one():
    reading = read(
        "",
        "A Meta spokesperson declined to comment and xAI did not respond to a request for comment about Google's offer.",
        context=CONTEXT,
    )
    assert [(s.speaker, s.kind) for s in reading.statements] == [
        ("Meta", Kind.DECLINED_TO_COMMENT),
        ("xAI", Kind.NO_RESPONSE),
    ]
    assert "Google" not in reading.speakers
    assert "Google" in reading.mentioned


def test_a_company_that_denies_a_plan_to_buy_another_is_the_only_denier():
    reading = read("xAI denies plan to buy Character.AI", context=CONTEXT)
    assert [(s.speaker, s.kind) for s in reading.statements] == [("xAI", Kind.DENIED)]
    assert reading.statements[0].about == "plan to buy Character.AI"
    assert "Character.AI" not in reading.parties
    assert reading.relations == ()
    assert Kind.AGREEMENT_REACHED not in reading.kinds


def test_spokespeople_and_representatives_speak_for_their_company():
    assert said("A spokesperson for Google confirmed the plan") == [("Google", Kind.CONFIRMED, "the plan")]
    assert said("", "Alphabet's spokesperson declined to comment.") == [("Google", Kind.DECLINED_TO_COMMENT, "")]
    assert said("", "Representatives for Character.AI did not immediately respond.") == [
        ("Character.AI", Kind.NO_RESPONSE, "")
    ]


def test_the_matter_of_a_refusal_is_the_phrase_after_on_and_a_request_for_comment_is_no_matter():
    assert said("", "Meta declined to comment on the talks.") == [("Meta", Kind.DECLINED_TO_COMMENT, "the talks")]
    assert said("", "xAI did not respond to a request for comment.") == [("xAI", Kind.NO_RESPONSE, "")]


def test_a_statement_about_news_in_the_same_sentence_is_about_that_relation():
    (statement,) = read(
        "Meta is in talks with Character.AI, but a Meta spokesperson declined to comment", context=CONTEXT
    ).statements
    assert statement.about == "talks_held Meta–Character.AI"
    (confirmation,) = read("Google confirmed its licensing deal with Character.AI", context=CONTEXT).statements
    assert confirmation.about == "agreement_reached Google–Character.AI"


def test_a_refusal_to_comment_on_an_inquiry_is_a_statement_and_not_scrutiny():
    reading = read("", "Character.AI declined to comment on the inquiry.", context=CONTEXT)
    assert said("", "Character.AI declined to comment on the inquiry.") == [
        ("Character.AI", Kind.DECLINED_TO_COMMENT, "the inquiry")
    ]
    assert Kind.REGULATORY_SCRUTINY not in reading.kinds
    assert reading.relations == ()


def test_a_relative_clause_does_not_make_its_names_speakers():
    assert said("", "Elon Musk, who runs xAI and its Grok chatbot, did not reply to the request for comment.") == [
        ("Elon Musk", Kind.NO_RESPONSE, "")
    ]


def test_both_companies_refer_back_to_the_pair_named_before():
    reading = read(
        "Character.AI and Meta decline to comment",
        "Both companies declined to comment when asked about the talks.",
        context=CONTEXT,
    )
    assert {(s.speaker, s.kind) for s in reading.statements} == {
        ("Character.AI", Kind.DECLINED_TO_COMMENT),
        ("Meta", Kind.DECLINED_TO_COMMENT),
    }


def test_not_confirming_and_not_denying_are_not_statements_of_either_kind():
    reading = read("Meta has not confirmed the report", "xAI did not deny it either.", context=CONTEXT)
    assert Kind.CONFIRMED not in reading.kinds
    assert Kind.DENIED not in reading.kinds


def test_a_statement_is_evidenced_with_its_speaker_phrase_and_field():
    reading = read("", "Meta declined to comment.", context=CONTEXT)
    assert 'statement declined_to_comment by Meta: "declined to comment" (summary)' in reading.evidence


def test_both_companies_are_the_last_two_organisations_named_not_the_regulator():
    reading = read(
        "",
        "Regulators looked into whether Microsoft's arrangement with OpenAI was a merger, although both companies said it was not.",
        context=CONTEXT,
    )
    assert {(s.speaker, s.kind) for s in reading.statements} == {("Microsoft", Kind.DENIED), ("OpenAI", Kind.DENIED)}


def test_a_passive_statement_is_said_by_its_agent_about_its_subject():
    assert said("", "The report was denied by xAI on Sunday.") == [("xAI", Kind.DENIED, "The report")]
    reading = read(
        "Meta agreed to buy Character.AI",
        "The deal, which still needs approval, was confirmed by both companies.",
        context=CONTEXT,
    )
    assert {(s.speaker, s.kind) for s in reading.statements} == {
        ("Meta", Kind.CONFIRMED),
        ("Character.AI", Kind.CONFIRMED),
    }
