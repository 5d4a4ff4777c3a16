"""Core or context, and namesakes of the story's parties."""

from __future__ import annotations

from tracker.domain.reading.model import Relevance, StoryContext
from tracker.domain.reading.read import read

CONTEXT = StoryContext(
    parties={"Meta": ("Meta Platforms",), "xAI": (), "Character.AI": ("Character AI",), "Noam Shazeer": ()},
    principal=frozenset({"Meta", "xAI", "Character.AI"}),
    topic_words=("deal", "licensing", "chatbot", "talks", "partnership"),
)


def test_a_principal_party_acting_makes_the_report_core():
    assert read("Meta has held talks with Character.AI", context=CONTEXT).relevance is Relevance.CORE
    assert read("", "xAI declined to comment.", context=CONTEXT).relevance is Relevance.CORE


def test_a_profile_that_only_mentions_the_story_is_context():
    reading = read(
        "The quiet investor behind a dozen chatbot start-ups",
        "Dana Whitfield, whose fund backed Character.AI early, now spends her days in Lisbon.",
        context=CONTEXT,
    )
    assert reading.relevance is Relevance.CONTEXT
    assert reading.mentioned == ("Character.AI",)


def test_a_lawsuit_between_two_other_companies_that_mentions_the_story_is_context():
    reading = read(
        "Acme Corp sues Beta Labs over chatbot patents",
        "The complaint cites Character.AI as an example.",
        context=CONTEXT,
    )
    assert reading.relevance is Relevance.CONTEXT
    assert "Character.AI" not in reading.parties


def test_an_appointment_at_an_unrelated_company_is_context():
    reading = read("Priya Raman joins Acme Corp as president", "She once worked at Meta.", context=CONTEXT)
    assert reading.relevance is Relevance.CONTEXT


def test_a_report_with_no_known_party_is_context():
    assert read("Acme Corp signs licensing deal with Beta Labs", context=CONTEXT).relevance is Relevance.CONTEXT


def test_a_namesake_company_in_another_sector_is_not_the_party():
    reading = read("Meta Financial Group raises its dividend", "The bank reported higher deposits.", context=CONTEXT)
    assert reading.namesake == "'Meta' here is Meta Financial Group (financial), not the party"
    assert "Meta" not in reading.parties + reading.mentioned
    assert reading.relevance is Relevance.CONTEXT


def test_a_town_sharing_a_party_name_without_any_story_words_is_a_namesake():
    reading = read("Flooding closes roads near Meta", "The village council in Meta met on Tuesday.", context=CONTEXT)
    assert "village" in reading.namesake or "council" in reading.namesake
    assert reading.relevance is Relevance.CONTEXT


def test_meta_as_an_ordinary_word_is_a_namesake():
    reading = read("A meta-analysis of sleep studies", context=CONTEXT)
    assert reading.namesake.startswith("'meta-analysis' here is an ordinary word")
    assert reading.parties == ()


def test_the_party_itself_near_a_sector_word_is_not_a_namesake_when_the_story_words_are_there():
    reading = read("Meta in talks with Character.AI", "A bank advised Meta on the deal.", context=CONTEXT)
    assert reading.namesake == ""
    assert reading.relevance is Relevance.CORE


def test_character_as_a_common_noun_is_a_namesake_and_the_report_is_context():
    reading = read("Game studio licenses a character AI engine for its football title", context=CONTEXT)
    assert "ordinary word" in reading.namesake
    assert "Character.AI" not in reading.parties + reading.mentioned
    assert reading.relevance is Relevance.CONTEXT


def test_a_capitalised_meta_analysis_is_a_study_not_the_party_but_meta_owned_is_the_party():
    study = read("Meta-analysis: players rate games with smarter personas", context=CONTEXT)
    assert study.namesake.startswith("'Meta-analysis' here is an ordinary word")
    assert study.relevance is Relevance.CONTEXT
    owned = read("Meta-owned WhatsApp holds talks with Character.AI", context=CONTEXT)
    assert owned.namesake == ""
    assert "Meta" in owned.mentioned  # WhatsApp holds the talks; its owner is named


def test_a_plural_sector_word_in_the_longer_name_makes_a_namesake():
    reading = read(
        "Character Hotels faces an inquiry over fees", context=StoryContext(parties={"Character Labs": ("Character",)})
    )
    assert reading.namesake == "'Character' here is Character Hotels (hotels), not the party"
    assert reading.relations == () or all(r.b != "Character Labs" for r in reading.relations)


def test_a_person_confirming_news_of_a_principal_party_makes_the_report_core():
    reading = read(
        "Character.AI app will keep running, interim chief says",
        "Dana Whitfield confirmed that the app would carry on.",
        context=CONTEXT,
    )
    assert reading.relevance is Relevance.CORE
