"""Relations a report holds: who did what with whom, read clause by clause."""

from __future__ import annotations

from tracker.domain.reading.model import StoryContext
from tracker.domain.reading.read import READER, read
from tracker.domain.vocabulary import Kind

CONTEXT = StoryContext(
    parties={
        "Meta": ("Meta Platforms",),
        "xAI": (),
        "Character.AI": ("Character AI", "CharacterAI", "Character Technologies"),
        "Elon Musk": ("Musk",),
        "Noam Shazeer": ("Shazeer",),
    },
    principal=frozenset({"Meta", "xAI", "Character.AI"}),
    topic_words=("deal", "licensing", "chatbot", "talks", "partnership"),
)


def triples(title: str, summary: str = "", content: str = "") -> set[tuple[str, str, Kind]]:
    return {(r.a, r.b, r.kind) for r in read(title, summary, content, CONTEXT).relations}


def test_a_licensing_deal_relates_its_subject_to_its_object_even_when_the_subject_is_not_a_known_party():
    reading = read("Google strikes licensing deal with Character.AI", context=CONTEXT)
    assert {(r.a, r.b, r.kind) for r in reading.relations} == {("Google", "Character.AI", Kind.AGREEMENT_REACHED)}
    assert "Google" in reading.names
    assert reading.classified_by == READER


def test_two_subjects_holding_talks_with_one_company_give_two_relations():
    assert triples("Meta and xAI have held talks with Character.AI") == {
        ("Meta", "Character.AI", Kind.TALKS_HELD),
        ("xAI", "Character.AI", Kind.TALKS_HELD),
    }


def test_a_regulator_examining_a_deal_scrutinises_the_company_that_owns_the_deal_and_the_deal_is_not_news():
    reading = read("The FTC is examining Google's deal with Character.AI", context=CONTEXT)
    assert {(r.a, r.b, r.kind) for r in reading.relations} == {("FTC", "Google", Kind.REGULATORY_SCRUTINY)}
    assert reading.kinds == (Kind.REGULATORY_SCRUTINY,)


def test_the_regulator_is_the_authority_the_item_names():
    found = triples("Office for Fair Markets opens inquiry", "The regulator is investigating Acme Cloud.")
    assert ("Office for Fair Markets", "Acme Cloud", Kind.REGULATORY_SCRUTINY) in found


def test_a_deal_named_as_background_is_not_an_agreement():
    for title in (
        "Character.AI names interim chief after Google deal",
        "Under the licensing deal, engineers moved to Google",
        "Meta held talks with Character.AI about a licensing deal",
    ):
        assert Kind.AGREEMENT_REACHED not in read(title, context=CONTEXT).kinds, title


def test_a_lawsuit_brought_against_a_company_has_the_plaintiff_first():
    assert ("Novelists Guild", "Parlance Labs", Kind.LEGAL_ACTION) in triples(
        "", "Ten writers joined the lawsuit the Novelists Guild brought against Parlance Labs."
    )


def test_no_longer_in_talks_is_talks_ended_not_talks_held():
    reading = read("Meta says it is no longer in talks with Character.AI", context=CONTEXT)
    assert {(r.a, r.b, r.kind) for r in reading.relations} == {("Meta", "Character.AI", Kind.TALKS_ENDED)}
    assert Kind.TALKS_HELD not in reading.kinds


def test_talks_that_collapse_or_are_called_off_or_walked_away_from_have_ended():
    assert ("Meta", "Character.AI", Kind.TALKS_ENDED) in triples("Talks between Meta and Character.AI collapsed")
    for text in (
        "Meta called off its talks with Character.AI",
        "Negotiations broke down as xAI ended talks with Character.AI",
        "xAI walked away from Character.AI after a week",
    ):
        assert Kind.TALKS_ENDED in read(text, context=CONTEXT).kinds, text
        assert Kind.TALKS_HELD not in {r.kind for r in read(text, context=CONTEXT).relations}, text


def test_a_possible_or_planned_deal_is_talks_at_most_never_an_agreement():
    for title in (
        "Meta is considering a deal with Character.AI",
        "xAI could sign a licensing agreement with Character.AI",
        "Meta may agree terms with Character.AI",
        "xAI plans to acquire Character.AI",
    ):
        reading = read(title, context=CONTEXT)
        assert Kind.AGREEMENT_REACHED not in reading.kinds, title
        assert all(r.kind is Kind.TALKS_HELD for r in reading.relations), title
    assert Kind.AGREEMENT_REACHED not in read("", "A licence is still under discussion.", context=CONTEXT).kinds


def test_an_agreement_not_yet_reached_is_no_agreement_between_the_two():
    assert triples("Meta and Character.AI have not reached an agreement") == {
        ("Meta", "Character.AI", Kind.NO_AGREEMENT)
    }
    for summary in ("There is no deal yet.", "Character.AI is yet to agree terms with xAI."):
        reading = read("", summary, context=CONTEXT)
        assert Kind.NO_AGREEMENT in reading.kinds and Kind.AGREEMENT_REACHED not in reading.kinds, summary


def test_no_deal_and_a_signed_deal_in_one_clause_leave_only_the_negative():
    reading = read("Talks stalled with no deal signed between Meta and Character.AI", context=CONTEXT)
    assert Kind.NO_AGREEMENT in reading.kinds
    assert Kind.AGREEMENT_REACHED not in reading.kinds


def test_an_unconfirmed_deal_is_neither_a_confirmation_nor_an_agreement():
    reading = read("Meta has not confirmed a deal with Character.AI", context=CONTEXT)
    assert Kind.CONFIRMED not in reading.kinds
    assert Kind.AGREEMENT_REACHED not in reading.kinds


def test_a_person_rejoining_a_company_is_personnel_with_the_person_first():
    assert triples("Noam Shazeer rejoins Google") == {("Noam Shazeer", "Google", Kind.PERSONNEL)}
    assert triples("Google hires Noam Shazeer") == {("Noam Shazeer", "Google", Kind.PERSONNEL)}


def test_a_personnel_move_records_the_post_and_a_former_employer_is_only_mentioned():
    reading = read(
        "Priya Raman joins Acme Corp as chief executive",
        "She previously worked at Character.AI, where she led safety research.",
        context=CONTEXT,
    )
    assert [(r.a, r.b, r.kind, r.role) for r in reading.relations] == [
        ("Priya Raman", "Acme Corp", Kind.PERSONNEL, "chief executive")
    ]
    assert reading.mentioned == ("Character.AI",)
    assert reading.parties == ()


def test_a_lawsuit_is_brought_by_its_plaintiff_against_the_defendant():
    assert ("Acme Corp", "Character.AI", Kind.LEGAL_ACTION) in triples("Acme Corp sues Character.AI over chatbot")
    assert ("Acme Corp", "Character.AI", Kind.LEGAL_ACTION) in triples("Character.AI was sued by Acme Corp")


def test_a_company_facing_a_probe_is_scrutinised_by_regulators_even_unnamed():
    assert ("regulators", "Character.AI", Kind.REGULATORY_SCRUTINY) in triples("Character.AI faces antitrust probe")
    assert ("CMA", "Google", Kind.REGULATORY_SCRUTINY) in triples(
        "", "The CMA is investigating Google's licensing arrangement with Character.AI."
    )


def test_a_possessor_gives_way_to_the_company_it_owns():
    assert triples("Character.AI has had similar discussions with Musk's xAI") == {
        ("Character.AI", "xAI", Kind.TALKS_HELD)
    }


def test_a_relation_says_the_phrase_and_field_that_decided_it_in_the_evidence():
    reading = read("", "Meta is in talks with Character.AI.", context=CONTEXT)
    (relation,) = reading.relations
    assert (relation.phrase, relation.where) == ("in talks with", "summary")
    assert 'relation talks_held Meta–Character.AI: "in talks with" (summary)' in reading.evidence


def test_a_kind_phrase_without_actors_still_gives_its_badge_and_nothing_gives_other():
    assert read("", "The talks continued into the night.", context=CONTEXT).kinds == (Kind.TALKS_HELD,)
    nothing = read("Character.AI ships a new logo", context=CONTEXT)
    assert nothing.kinds == (Kind.OTHER,)
    assert "kind other: no kind phrase found" in nothing.evidence


def test_court_as_a_verb_is_not_a_lawsuit():
    assert Kind.LEGAL_ACTION not in read("Meta and xAI court Character.AI", context=CONTEXT).kinds


def test_an_authority_named_by_its_office_or_ombudsman_is_a_regulator():
    assert ("Office for Fair Markets", "Acme Cloud", Kind.REGULATORY_SCRUTINY) in triples(
        "", "The Office for Fair Markets opened an investigation into Acme Cloud."
    )
    assert ("Hospitality Ombudsman", "Acme Hotels", Kind.REGULATORY_SCRUTINY) in triples(
        "Acme Hotels faces an inquiry over fees", "The Hospitality Ombudsman wrote to guests."
    )


def test_calling_off_something_other_than_talks_and_agreeing_to_meet_are_not_endings_or_deals():
    assert Kind.TALKS_ENDED not in read("", "Organisers called off the second day of the race.", context=CONTEXT).kinds
    agreed = read("", "The two sides met for hours and agreed to meet again.", context=CONTEXT)
    assert Kind.AGREEMENT_REACHED not in agreed.kinds
    assert Kind.TALKS_HELD in agreed.kinds


def test_a_comma_does_not_join_two_names_into_one_subject():
    assert triples("", "Beyond Character.AI, Meta explored partnerships with Acme Labs.") == {
        ("Meta", "Acme Labs", Kind.TALKS_HELD)
    }


def test_talks_and_deals_are_mutual_so_the_same_pair_is_not_counted_twice():
    reading = read("Meta has held talks with Character.AI", "Character.AI has held talks with Meta.", context=CONTEXT)
    assert len(reading.relations) == 1


def test_leaving_the_company_is_a_move_from_the_company_named_before():
    assert triples("Character.AI's chief executive Priya Raman left the company in March") == {
        ("Priya Raman", "Character.AI", Kind.PERSONNEL)
    }


def test_named_members_of_a_plaintiff_group_sue_too():
    assert triples(
        "",
        "The Novelists Guild and 14 authors, among them Harriet Vance, filed a copyright lawsuit against Parlance Labs.",
    ) == {
        ("Novelists Guild", "Parlance Labs", Kind.LEGAL_ACTION),
        ("Harriet Vance", "Parlance Labs", Kind.LEGAL_ACTION),
    }


def test_talks_others_are_watching_are_not_news_of_talks():
    assert (
        Kind.TALKS_HELD not in read("", "Publishers are watching the settlement talks closely.", context=CONTEXT).kinds
    )


def test_a_settlement_is_agreed_with_those_who_brought_the_lawsuit():
    found = triples(
        "",
        "Parlance Labs agreed to pay $40 million to settle the lawsuit brought by the Novelists Guild and authors including Harriet Vance.",
    )
    assert found == {
        ("Parlance Labs", "Novelists Guild", Kind.AGREEMENT_REACHED),
        ("Parlance Labs", "Harriet Vance", Kind.AGREEMENT_REACHED),
    }
