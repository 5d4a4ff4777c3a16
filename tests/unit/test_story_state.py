"""Derived state: stances, open questions and the last development."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tracker.domain.state import derive_state
from tracker.domain.story import Story
from tracker.domain.vocabulary import Kind

DAY = timedelta(days=1)
START = datetime(2024, 5, 25, tzinfo=UTC)


def story_with(*reports: tuple[str, list[str], list[str], datetime]) -> Story:
    story = Story.open(title="Meta and xAI court Character.AI")
    for index, (headline, kinds, parties, published) in enumerate(reports, start=1):
        story.add_report(report_id=f"r{index}", headline=headline, kinds=kinds, parties=parties, published_at=published)
    return story


def test_each_party_takes_the_stance_of_its_latest_published_report() -> None:
    story = story_with(
        ("Deal signed", ["agreement_reached"], ["Meta"], START + 2 * DAY),
        ("Talks held", ["talks_held"], ["Meta"], START),  # recorded later, published earlier
    )
    state = derive_state(story.report_list())
    (meta,) = state.stances
    assert meta.headline == "Deal signed"
    assert state.last_development.headline == "Deal signed"


def test_spellings_of_one_party_are_one_party() -> None:
    story = story_with(
        ("Talks", ["talks_held"], ["Character.AI"], START),
        ("Silence", ["declined_to_comment"], ["Character AI"], START + DAY),
    )
    state = derive_state(story.report_list())
    (stance,) = state.stances
    assert stance.party == "Character AI"  # spelled as in the report that holds the stance
    assert stance.headline == "Silence"


def test_a_declined_comment_stays_open_until_the_party_confirms_or_denies() -> None:
    story = story_with(
        ("Meta declined to comment", ["declined_to_comment"], ["Meta"], START),
        ("Musk did not respond", ["no_response"], ["xAI"], START),
        ("Meta held more talks", ["talks_held"], ["Meta"], START + DAY),
    )
    questions = derive_state(story.report_list()).open_questions
    assert {q.party for q in questions} == {"Meta", "xAI"}
    story.add_report(
        report_id="r9",
        headline="Meta confirms talks",
        kinds=["confirmed"],
        parties=["Meta"],
        published_at=START + 2 * DAY,
    )
    questions = derive_state(story.report_list()).open_questions
    assert {q.party for q in questions} == {"xAI"}


def test_no_agreement_is_open_until_an_agreement_is_reported() -> None:
    story = story_with(("No deal yet", ["no_agreement"], ["Meta", "Character.AI"], START))
    assert [q.key for q in derive_state(story.report_list()).open_questions] == ["agreement"]
    story.add_report(
        report_id="r2", headline="Deal signed", kinds=["agreement_reached"], parties=["Meta"], published_at=START + DAY
    )
    assert derive_state(story.report_list()).open_questions == ()


def test_a_retracted_report_drops_out_of_the_state_and_reopens_what_it_answered() -> None:
    story = story_with(
        ("Meta declined", ["declined_to_comment"], ["Meta"], START),
        ("Meta confirms", ["confirmed"], ["Meta"], START + DAY),
    )
    assert derive_state(story.report_list()).open_questions == ()
    story.retract_report("r2", reason="misattributed quote")
    state = derive_state(story.report_list())
    assert [q.party for q in state.open_questions] == ["Meta"]
    assert state.stances[0].headline == "Meta declined"
    assert state.last_development.headline == "Meta declined"


def test_a_story_without_reports_has_an_empty_state() -> None:
    state = derive_state(Story.open(title="Quiet").report_list())
    assert state.stances == () and state.open_questions == () and state.last_development is None


def test_the_state_does_not_depend_on_the_order_reports_are_folded_in() -> None:
    import random

    from tracker.domain.state import Facts, order_of

    story = story_with(
        ("Talks", ["talks_held"], ["Meta", "Character.AI"], START),
        ("Meta declined", ["declined_to_comment"], ["Meta"], START + DAY),
        ("No deal", ["no_agreement"], ["Meta", "xAI"], START + DAY),
        ("Musk silent", ["no_response"], ["xAI"], START + 2 * DAY),
        ("Meta confirms", ["confirmed"], ["Meta"], START + 3 * DAY),
        ("Deal", ["agreement_reached"], ["xAI"], START + DAY),
        ("Still no deal", ["no_agreement"], ["Meta"], START + 4 * DAY),
    )
    reports = story.report_list()
    expected = derive_state(reports)
    by_id = {r.report_id: r for r in reports}
    rng = random.Random(7)
    for _ in range(20):
        shuffled = reports[:]
        rng.shuffle(shuffled)
        facts = Facts()
        for report in shuffled:
            facts.add(order_of(report), report.report_id, report.kinds, report.parties)
        assert facts.resolve(by_id) == expected
    assert {q.key for q in expected.open_questions} == {"agreement", "silence:xai"}


def test_a_statement_concerns_only_the_reports_speakers() -> None:
    story = Story.open(title="Meta and xAI court Character.AI")
    story.add_report(
        report_id="r1",
        headline="xAI declined to comment on its talks with Meta",
        kinds=["declined_to_comment", "talks_held"],
        parties=["xAI", "Meta"],
        speakers=["XAI"],  # any spelling of a named party
        published_at=START,
    )
    state = derive_state(story.report_list())
    assert [q.key for q in state.open_questions] == ["silence:xai"]
    stances = {s.party: s.kinds for s in state.stances}
    assert stances["xAI"] == (Kind.DECLINED_TO_COMMENT, Kind.TALKS_HELD)
    assert stances["Meta"] == (Kind.TALKS_HELD,)
    assert story.report_list()[0].speakers == ("xAI",)


def test_speakers_must_be_among_the_parties() -> None:
    import pytest

    from tracker.domain.errors import InvalidField

    story = Story.open(title="Meta and xAI court Character.AI")
    with pytest.raises(InvalidField, match="speakers"):
        story.add_report(
            report_id="r1", headline="x", kinds=["denied"], parties=["Meta"], speakers=["Google"], published_at=START
        )


def test_reclassifying_can_name_the_speakers() -> None:
    story = story_with(("Both declined", ["declined_to_comment"], ["Meta", "xAI"], START))
    assert {q.party for q in derive_state(story.report_list()).open_questions} == {"Meta", "xAI"}
    story.reclassify_report("r1", kinds=["declined_to_comment"], speakers=["Meta"], by="desk")
    assert {q.party for q in derive_state(story.report_list()).open_questions} == {"Meta"}
