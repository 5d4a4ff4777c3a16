"""Derived state: threads between parties, open questions per speaker and
matter, principal and mentioned parties, party suggestions."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from tracker.domain.errors import InvalidField
from tracker.domain.reading.model import Reading, Relation, Relevance, Statement
from tracker.domain.state import Facts, derive_state, fact_candidates, order_of
from tracker.domain.story import Story
from tracker.domain.threads import Cast
from tracker.domain.vocabulary import Kind

DAY = timedelta(days=1)
START = datetime(2024, 5, 25, tzinfo=UTC)
RULES = {"all_of": [["Character.AI", "Character AI"]], "any_of": ["talks"], "parties": {"Meta": [], "xAI": []}}
K = Kind


def rel(a: str, b: str, kind: Kind) -> Relation:
    return Relation(a, b, kind)


def said(speaker: str, kind: Kind, about: str = "") -> Statement:
    return Statement(speaker, kind, about)


def story_with(*reports: tuple[str, Reading, datetime]) -> Story:
    story = Story.open(title="Meta and xAI court Character.AI", rules=RULES)
    for index, (headline, reading, published) in enumerate(reports, start=1):
        story.add_report(report_id=f"r{index}", headline=headline, kinds=[], reading=reading, published_at=published)
    return story


def reading(*items: Relation | Statement, relevance: Relevance = Relevance.CORE, **extra: object) -> Reading:
    relations = tuple(i for i in items if isinstance(i, Relation))
    statements = tuple(i for i in items if isinstance(i, Statement))
    kinds = tuple(dict.fromkeys([*(r.kind for r in relations), *(s.kind for s in statements)])) or (Kind.OTHER,)
    return Reading(kinds=kinds, relations=relations, statements=statements, relevance=relevance, **extra)  # type: ignore[arg-type]


def statuses(story: Story) -> dict[tuple[str, str], Kind]:
    return {t.parties: t.status for t in derive_state(story.report_list(), story.rules).threads}


def test_a_later_personnel_report_does_not_erase_an_agreement() -> None:
    story = story_with(
        (
            "Google strikes licensing deal with Character.AI",
            reading(rel("Google", "Character.AI", K.AGREEMENT_REACHED)),
            START,
        ),
        ("Noam Shazeer rejoins Google", reading(rel("Noam Shazeer", "Google", K.PERSONNEL)), START + DAY),
    )
    assert statuses(story) == {
        ("Google", "Character.AI"): K.AGREEMENT_REACHED,
        ("Noam Shazeer", "Google"): K.PERSONNEL,
    }


def test_no_agreement_outranks_talks_held_and_talks_ended_supersedes_both() -> None:
    story = story_with(
        ("Meta in talks", reading(rel("Meta", "Character.AI", K.TALKS_HELD)), START),
        ("No deal yet", reading(rel("Meta", "Character.AI", K.NO_AGREEMENT)), START + DAY),
        ("Talks go on", reading(rel("Meta", "Character.AI", K.TALKS_HELD)), START + 2 * DAY),
    )
    assert statuses(story) == {("Meta", "Character.AI"): K.NO_AGREEMENT}
    story.add_report(
        report_id="r9",
        headline="Meta is no longer in talks",
        kinds=[],
        reading=reading(rel("Meta", "Character.AI", K.TALKS_ENDED)),
        published_at=START + 3 * DAY,
    )
    (thread,) = derive_state(story.report_list(), story.rules).threads
    assert thread.status is K.TALKS_ENDED and thread.report_id == "r9"
    assert [t.kind for t in thread.transitions] == [K.NO_AGREEMENT, K.TALKS_HELD, K.TALKS_ENDED]


def test_an_agreement_stands_until_the_talks_are_said_to_have_ended_after_it() -> None:
    story = story_with(
        ("Deal", reading(rel("xAI", "Character.AI", K.AGREEMENT_REACHED)), START),
        ("Talks", reading(rel("xAI", "Character.AI", K.TALKS_HELD)), START + DAY),
    )
    assert statuses(story) == {("xAI", "Character.AI"): K.AGREEMENT_REACHED}
    story.add_report(
        report_id="r3",
        headline="Deal called off",
        kinds=[],
        reading=reading(rel("xAI", "Character.AI", K.TALKS_ENDED)),
        published_at=START + 2 * DAY,
    )
    assert statuses(story) == {("xAI", "Character.AI"): K.TALKS_ENDED}


def test_a_context_report_moves_no_thread_and_is_never_the_last_development() -> None:
    story = story_with(
        ("Meta in talks", reading(rel("Meta", "Character.AI", K.TALKS_HELD)), START),
        (
            "Profile: an investor who once backed Character.AI",
            reading(rel("Meta", "Character.AI", K.AGREEMENT_REACHED), relevance=Relevance.CONTEXT),
            START + DAY,
        ),
    )
    state = derive_state(story.report_list(), story.rules)
    assert statuses(story) == {("Meta", "Character.AI"): K.TALKS_HELD}
    assert state.last_development is not None and state.last_development.report_id == "r1"


def test_a_silence_stays_open_per_speaker_and_matter_until_that_speaker_speaks_on_it() -> None:
    story = story_with(
        (
            "Meta declined to comment on the talks; xAI did not respond",
            reading(said("Meta", K.DECLINED_TO_COMMENT, "the talks"), said("xAI", K.NO_RESPONSE)),
            START,
        ),
        ("Meta confirms it met Character.AI", reading(said("Meta", K.CONFIRMED, "the talks")), START + DAY),
        ("xAI confirms a hire", reading(said("Character.AI", K.CONFIRMED, "a hire")), START + DAY),
    )
    questions = derive_state(story.report_list(), story.rules).open_questions
    assert [(q.speaker, q.kind, q.question) for q in questions] == [("xAI", K.NO_RESPONSE, "xAI did not respond")]


def test_an_answer_about_another_pair_leaves_the_question_open_but_going_on_record_closes_it() -> None:
    talks = "talks_held Meta–Character.AI"
    other = "talks_held Meta–Adept"
    story = story_with(
        ("Meta declined on the talks", reading(said("Meta", K.DECLINED_TO_COMMENT, talks)), START),
        ("Meta confirms Adept talks", reading(said("Meta", K.CONFIRMED, other)), START + DAY),
    )
    (question,) = derive_state(story.report_list(), story.rules).open_questions
    assert question.question == "Meta declined to comment on talks held between Meta and Character.AI"
    assert question.since == START
    story.add_report(
        report_id="r3",
        headline="Meta denies it plans to buy Character.AI",
        kinds=[],
        reading=reading(said("Meta", K.DENIED, "a plan to buy Character.AI")),
        published_at=START + 2 * DAY,
    )
    assert derive_state(story.report_list(), story.rules).open_questions == ()


def test_a_retracted_answer_reopens_the_question() -> None:
    story = story_with(
        ("Meta declined", reading(said("Meta", K.DECLINED_TO_COMMENT)), START),
        ("Meta confirms", reading(said("Meta", K.CONFIRMED)), START + DAY),
    )
    assert derive_state(story.report_list(), story.rules).open_questions == ()
    story.retract_report("r2", reason="misattributed quote")
    state = derive_state(story.report_list(), story.rules)
    assert [q.speaker for q in state.open_questions] == ["Meta"]
    assert state.last_development is not None and state.last_development.headline == "Meta declined"


def test_principal_parties_are_the_storys_own_and_those_in_a_relation_with_one() -> None:
    story = story_with(
        (
            "Google strikes licensing deal with Character.AI",
            reading(rel("Google", "Character.AI", K.AGREEMENT_REACHED), names=("Google",)),
            START,
        ),
        (
            "Shazeer rejoins Google",
            reading(rel("Noam Shazeer", "Google", K.PERSONNEL), mentioned=("Character.AI",)),
            START + DAY,
        ),
        ("Profile of an investor", reading(names=("Sarah Guo",), mentioned=("xAI",)), START + 2 * DAY),
    )
    parties = {p.name: p.role for p in derive_state(story.report_list(), story.rules).parties}
    assert parties == {
        "Meta": "principal",
        "xAI": "principal",
        "Character.AI": "principal",
        "Google": "principal",
        "Noam Shazeer": "mentioned",
    }


def test_a_name_in_a_relation_with_a_party_is_suggested_and_a_dismissed_one_never_again() -> None:
    story = story_with(
        ("Google deal", reading(rel("Google", "Character.AI", K.AGREEMENT_REACHED)), START),
        ("Acme named once", reading(names=("Acme Corp",)), START + DAY),
        ("Profile", reading(names=("Sarah Guo",)), START + DAY),
        ("Profile again", reading(names=("Sarah Guo",)), START + 2 * DAY),
    )
    suggestions = derive_state(story.report_list(), story.rules).party_suggestions
    assert [(s.name, s.reports, s.related) for s in suggestions] == [
        ("Google", 1, ("Character.AI",)),
        ("Sarah Guo", 2, ()),
    ]
    story.dismiss_party("Sarah Guo", by="desk")
    story.accept_party("Google", aliases=["Alphabet"], by="desk")
    state = derive_state(story.report_list(), story.rules)
    assert state.party_suggestions == ()
    assert "Google" in story.rules["parties"] and story.rules["not_parties"] == ["Sarah Guo"]


def test_accepting_a_known_party_or_a_bad_alias_is_refused() -> None:
    story = story_with()
    from tracker.domain.errors import NothingChanged

    with pytest.raises(NothingChanged):
        story.accept_party("Meta", by="desk")
    with pytest.raises(InvalidField):
        story.accept_party("Google", aliases=["bad\x00alias"], by="desk")


def test_a_story_without_reports_has_an_empty_state_but_its_own_parties() -> None:
    state = derive_state(Story.open(title="Quiet").report_list())
    assert state.threads == () and state.open_questions == () and state.last_development is None
    assert state.parties == ()


def test_the_state_does_not_depend_on_the_order_reports_are_folded_in() -> None:
    story = story_with(
        ("Talks", reading(rel("Meta", "Character.AI", K.TALKS_HELD)), START),
        ("Meta declined", reading(said("Meta", K.DECLINED_TO_COMMENT, "the talks")), START + DAY),
        ("No deal", reading(rel("xAI", "Character.AI", K.NO_AGREEMENT)), START + DAY),
        ("Musk silent", reading(said("xAI", K.NO_RESPONSE)), START + 2 * DAY),
        ("Meta confirms", reading(said("Meta", K.CONFIRMED, "the talks")), START + 3 * DAY),
        ("Deal", reading(rel("Google", "Character.AI", K.AGREEMENT_REACHED)), START + DAY),
        ("Talks end", reading(rel("Meta", "Character.AI", K.TALKS_ENDED)), START + 4 * DAY),
    )
    reports = story.report_list()
    expected = derive_state(reports, story.rules)
    by_id = {r.report_id: r for r in reports}
    rng = random.Random(7)
    for _ in range(20):
        shuffled = reports[:]
        rng.shuffle(shuffled)
        facts = Facts()
        for report in shuffled:
            facts.add(order_of(report), report.report_id, fact_candidates(report.reading))
        assert facts.resolve(by_id, Cast.of(story.rules)) == expected
    assert [q.speaker for q in expected.open_questions] == ["xAI"]
    assert {t.parties: t.status for t in expected.threads} == {
        ("Meta", "Character.AI"): K.TALKS_ENDED,
        ("xAI", "Character.AI"): K.NO_AGREEMENT,
        ("Google", "Character.AI"): K.AGREEMENT_REACHED,
    }


def test_a_report_recorded_before_readings_keeps_a_relation_between_its_two_parties() -> None:
    story = Story.open(title="Old", rules=RULES)
    story.add_report(
        report_id="r1",
        headline="Meta and Character.AI talk; Meta declined to comment",
        kinds=["talks_held", "declined_to_comment"],
        parties=["Meta", "Character.AI"],
        speakers=["Meta"],
        published_at=START,
    )
    state = derive_state(story.report_list(), story.rules)
    assert [(t.parties, t.status) for t in state.threads] == [(("Meta", "Character.AI"), K.TALKS_HELD)]
    assert [q.speaker for q in state.open_questions] == ["Meta"]


def test_speakers_must_be_among_the_parties() -> None:
    story = Story.open(title="Meta and xAI court Character.AI")
    with pytest.raises(InvalidField, match="speakers"):
        story.add_report(
            report_id="r1", headline="x", kinds=["denied"], parties=["Meta"], speakers=["Google"], published_at=START
        )


def test_a_reading_with_a_control_character_is_refused_before_it_is_stored() -> None:
    story = Story.open(title="Meta and xAI court Character.AI")
    with pytest.raises(InvalidField, match="reading"):
        story.add_report(
            report_id="r1",
            headline="x",
            kinds=[],
            reading=reading(rel("Me\x07ta", "Character.AI", K.TALKS_HELD)),
            published_at=START,
        )
    assert story.reports == {}


@pytest.mark.parametrize(
    ("asked", "answered", "same"),
    [
        ("partnership reports", "talks_held Meta–Character.AI", True),  # one matter, named two ways
        ("partnership reports", "Google will take a non-exclusive licence", False),
        ("the ruling", "it walked away from a settlement", False),
        ("questions about Character.AI", "a plan to buy Character.AI", True),
        ("", "a hiring freeze", True),  # a silence on nothing in particular: any answer
        ("the talks", "", False),  # an answer on nothing in particular answers no specific silence
    ],
)
def test_an_answer_speaks_to_a_silence_on_the_same_matter(asked: str, answered: str, same: bool) -> None:
    from tracker.domain.fact_keys import matter_key, same_matter

    assert same_matter(matter_key(asked), matter_key(answered)) is same
