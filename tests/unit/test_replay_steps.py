"""The steps of a story's replay (tracker.application.replay): pure, from reports."""

from __future__ import annotations

import dataclasses

import pytest
from story_views import DEAL, DECLINED, ENDED, TALKS, report, view

from tracker.application.replay import UnknownStep, replay, view_at_step
from tracker.domain.reading.model import Statement
from tracker.domain.state import derive_state
from tracker.domain.vocabulary import Kind

CONFIRMED = report(
    "confirmed", (Kind.CONFIRMED,), ("Meta",), day=2, statements=(Statement("Meta", Kind.CONFIRMED, "the talks"),)
)
BACKGROUND = report("background", (Kind.OTHER,), ("Meta",), day=5)


def test_the_steps_follow_published_order_whatever_order_the_reports_were_recorded_in() -> None:
    steps = replay("deal", [ENDED, DEAL, CONFIRMED, DECLINED, TALKS]).steps
    assert [s.report.report_id for s in steps] == ["talks", "declined", "confirmed", "deal", "ended"]
    assert [s.number for s in steps] == [1, 2, 3, 4, 5]
    assert steps[0].first and not any(s.first for s in steps[1:])


def test_every_thread_status_is_a_step_including_a_deal_called_off_later() -> None:
    moves = replay("deal", [TALKS, DEAL, ENDED]).moves
    assert [(m.before, m.after, m.transition.report_id) for m in moves] == [
        (None, Kind.NO_AGREEMENT, "talks"),
        (Kind.NO_AGREEMENT, Kind.AGREEMENT_REACHED, "deal"),
        (Kind.AGREEMENT_REACHED, Kind.TALKS_ENDED, "ended"),
    ]
    assert moves[1].text == "Meta – Character.AI: no agreement yet → agreement reached"


def test_an_answered_question_is_a_step_and_the_state_of_each_step_stands_just_after_it() -> None:
    story = replay("deal", [TALKS, DECLINED, CONFIRMED])
    asked, answered = story.step(2), story.step(3)
    assert [q.question for q in asked.raised] == ["Meta declined to comment on the talks"]
    assert [q.key for q in asked.state.open_questions] == ["say:meta|the-talks"]
    assert [q.question for q in answered.answered] == ["Meta declined to comment on the talks"]
    assert answered.state.open_questions == ()
    assert answered.headline == "answered: Meta declined to comment on the talks"


def test_a_report_that_develops_nothing_is_no_step_and_a_retracted_one_moves_nothing() -> None:
    retracted_deal = dataclasses.replace(DEAL, retracted=True)
    story = replay("deal", [TALKS, retracted_deal, BACKGROUND])
    assert [s.report.report_id for s in story.steps] == ["talks"]
    assert [r.report_id for r in story.reports] == ["talks", "deal", "background"]


def test_the_last_step_s_state_is_the_story_s_state_when_its_last_report_developed_it() -> None:
    reports = [TALKS, DECLINED, DEAL, ENDED]
    assert replay("deal", reports).steps[-1].state == derive_state(reports)


def test_a_view_at_a_step_holds_the_timeline_up_to_that_report_and_its_state() -> None:
    now = view(TALKS, DECLINED, DEAL, ENDED, version=6)
    story = replay("deal", now.reports)
    third = view_at_step(now, story, 3)
    assert [r.report_id for r in third.reports] == ["talks", "declined", "deal"]
    assert third.state.threads[0].status is Kind.AGREEMENT_REACHED
    assert third.report_count == 3 and third.as_of == DEAL.published_at
    assert third.version == 6  # the story's version: a step is a view of today's knowledge


def test_a_step_the_story_does_not_have_is_named() -> None:
    story = replay("deal", [TALKS])
    with pytest.raises(UnknownStep, match="steps 1 to 1, not 4"):
        story.step(4)
    with pytest.raises(UnknownStep, match="no steps yet"):
        replay("empty", []).step(1)
