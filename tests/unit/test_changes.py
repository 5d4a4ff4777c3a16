"""The pure diff of two views of a story (tracker.application.changes)."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from story_views import DAY, DEAL, DECLINED, ENDED, TALKS, report, view

from tracker.application.changes import story_changes
from tracker.domain.reading.model import Statement
from tracker.domain.report import Correction
from tracker.domain.vocabulary import Kind


def test_identical_views_have_no_changes() -> None:
    before = view(TALKS, DECLINED, version=3)
    assert story_changes(before, before).empty


def test_a_report_added_since_is_new_and_raises_a_question_without_moving_a_thread() -> None:
    changes = story_changes(view(TALKS, version=2), view(TALKS, DECLINED, version=3))
    assert [r.report_id for r in changes.new_reports] == ["declined"]
    assert changes.thread_changes == ()
    assert [q.key for q in changes.new_questions] == ["say:meta|the-talks"]
    assert (changes.since_version, changes.until_version) == (2, 3)


def test_a_thread_that_moved_keeps_its_status_before_and_every_step_in_between() -> None:
    changes = story_changes(view(TALKS, version=2), view(TALKS, DEAL, ENDED, version=4))
    (change,) = changes.thread_changes
    assert change.label == "Meta – Character.AI"
    assert (change.before.status, change.after.status) == (Kind.NO_AGREEMENT, Kind.TALKS_ENDED)
    assert [(s.kind, s.report_id) for s in change.steps] == [
        (Kind.AGREEMENT_REACHED, "deal"),
        (Kind.TALKS_ENDED, "ended"),
    ]


def test_a_confirmation_answers_the_open_question_of_a_party_that_declined() -> None:
    confirmed = report(
        "confirmed", (Kind.CONFIRMED,), ("Meta",), day=2, statements=(Statement("Meta", Kind.CONFIRMED, "the talks"),)
    )
    changes = story_changes(view(TALKS, DECLINED, version=3), view(TALKS, DECLINED, confirmed, version=4))
    assert [q.key for q in changes.answered_questions] == ["say:meta|the-talks"]
    assert [q.question for q in changes.answered_questions] == ["Meta declined to comment on the talks"]


def test_corrections_and_retractions_since_are_listed_with_their_reason() -> None:
    fix = Correction(version=5, recorded_at=DAY, reason="typo", changes={"headline": ("old", "new")})
    corrected = dataclasses.replace(TALKS, corrections=(fix,))
    retracted = dataclasses.replace(DECLINED, retracted=True, retraction_reason="wrong party")
    changes = story_changes(view(TALKS, DECLINED, version=3), view(corrected, retracted, version=5))
    assert [(c.report.report_id, c.correction.reason) for c in changes.corrections] == [("talks", "typo")]
    assert [r.retraction_reason for r in changes.retractions] == ["wrong party"]
    assert [q.key for q in changes.answered_questions] == ["say:meta|the-talks"]  # the retraction removed it


def test_a_reclassification_keeps_the_kinds_it_replaced() -> None:
    reclassified = dataclasses.replace(DECLINED, kinds=(Kind.NO_RESPONSE,))
    changes = story_changes(view(TALKS, DECLINED, version=3), view(TALKS, reclassified, version=4))
    assert [(r.report.report_id, r.kinds_before) for r in changes.reclassifications] == [
        ("declined", ("declined_to_comment",))
    ]


def test_title_and_status_changes_keep_the_earlier_value() -> None:
    changes = story_changes(view(TALKS, version=2), view(TALKS, version=3, title="New", status="quiet"))
    assert (changes.title_before, changes.status_before) == ("Deal", "developing")
    assert not changes.new_reports


def test_a_story_that_did_not_exist_yet_is_new_in_full() -> None:
    changes = story_changes(None, view(TALKS, DECLINED, version=3))
    assert [r.report_id for r in changes.new_reports] == ["talks", "declined"]
    (thread,) = changes.thread_changes
    assert thread.before is None and thread.after.status is Kind.NO_AGREEMENT
    assert [s.kind for s in thread.steps] == [Kind.TALKS_HELD, Kind.NO_AGREEMENT]
    assert changes.since_version == 0


def test_views_of_two_different_stories_cannot_be_compared() -> None:
    other = dataclasses.replace(view(TALKS, version=2), id=uuid.uuid4(), slug="other")
    with pytest.raises(ValueError, match="other"):
        story_changes(other, view(TALKS, version=2))


def test_a_report_missing_from_a_partial_earlier_timeline_is_not_taken_for_new() -> None:
    changes = story_changes(view(DECLINED, version=3), view(TALKS, DECLINED, version=4))
    assert not changes.new_reports
