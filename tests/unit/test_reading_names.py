"""Proper names: organisations and people found in a report, known parties by their canonical name."""

from __future__ import annotations

from tracker.domain.reading.model import StoryContext
from tracker.domain.reading.read import read

CONTEXT = StoryContext(
    parties={"Character.AI": ("Character AI", "CharacterAI"), "Meta": ("Meta Platforms",)},
    principal=frozenset({"Character.AI", "Meta"}),
    topic_words=("deal", "chatbot"),
    dismissed=frozenset({"Grok"}),
)


def names(title: str, summary: str = "") -> tuple[str, ...]:
    return read(title, summary, context=CONTEXT).names


def test_organisation_suffixes_dotted_and_camel_case_names_and_people_are_found():
    found = names("", "Acme Corp, Stability AI, Zeta.IO and OpenAI spoke with Noam Shazeer and Maria de Souza.")
    assert {"Acme Corp", "Stability AI", "Zeta.IO", "OpenAI", "Noam Shazeer"} <= set(found)


def test_an_alias_is_reported_under_the_canonical_name_of_its_party():
    reading = read("CharacterAI talks with Meta Platforms", "Character AI held talks.", context=CONTEXT)
    assert set(reading.parties) == {"Character.AI", "Meta"}
    assert not {"CharacterAI", "Character AI", "Meta Platforms"} & set(reading.names)


def test_days_months_places_outlets_and_sentence_openers_are_not_names():
    found = names(
        "Meanwhile, shares rose on Monday",
        "In January, Reuters and the Financial Times reported from London and New York. Shares fell in the United States.",
    )
    assert found == ()


def test_job_titles_are_cut_from_a_name_and_are_never_names_by_themselves():
    found = names("", "Alphabet CEO Sundar Pichai met the Chief Executive of Acme Labs.")
    assert "Sundar Pichai" in found and "Alphabet" in found and "Acme Labs" in found
    assert not any("CEO" in n or "Chief" in n for n in found)


def test_names_an_editor_dismissed_are_not_suggested_again():
    assert "Grok" not in names("", "The Grok chatbot was mentioned by Acme Corp.")


def test_a_single_word_name_opening_a_sentence_is_kept_when_it_acts():
    assert "Google" in names("Google strikes licensing deal with Character.AI")
    assert "Yesterday" not in names("Yesterday the chatbot maker Character.AI moved offices.")


def test_a_title_case_headline_gives_only_distinctive_names():
    found = names("Chatbot Maker Weighs Options After Board Shake-Up At Acme Corp")
    assert found == ("Acme Corp",)


def test_meta_as_a_prefix_of_an_ordinary_word_is_not_the_party():
    reading = read("", "A metadata leak at Character.AI.", context=CONTEXT)
    assert "Meta" not in reading.parties + reading.mentioned


def test_names_are_evidenced_with_their_field():
    assert "name Google (summary)" in read("", "Google hired two researchers.", context=CONTEXT).evidence
