"""Derived state: stances, open questions and the last development."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tracker.domain.state import derive_state
from tracker.domain.story import Story

DAY = timedelta(days=1)
START = datetime(2024, 5, 25, tzinfo=timezone.utc)


def story_with(*reports: tuple[str, list[str], list[str], datetime]) -> Story:
    story = Story.open(title="Meta and xAI court Character.AI")
    for index, (headline, kinds, parties, published) in enumerate(reports, start=1):
        story.add_report(
            report_id=f"r{index}", headline=headline, kinds=kinds, parties=parties, published_at=published
        )
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
    assert [s.party for s in state.stances] == ["Character.AI"]
    assert state.stances[0].headline == "Silence"


def test_a_declined_comment_stays_open_until_the_party_confirms_or_denies() -> None:
    story = story_with(
        ("Meta declined to comment", ["declined_to_comment"], ["Meta"], START),
        ("Musk did not respond", ["no_response"], ["xAI"], START),
        ("Meta held more talks", ["talks_held"], ["Meta"], START + DAY),
    )
    questions = derive_state(story.report_list()).open_questions
    assert {q.party for q in questions} == {"Meta", "xAI"}
    story.add_report(
        report_id="r9", headline="Meta confirms talks", kinds=["confirmed"], parties=["Meta"], published_at=START + 2 * DAY
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
