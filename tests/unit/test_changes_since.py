"""What changed since a moment, by publication time or by recording time (tracker.application.changes)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from story_views import DAY, DEAL, DECLINED, ENDED, TALKS, report, view

from tracker.application.changes import story_changes
from tracker.domain.reading.model import Relation
from tracker.domain.vocabulary import Kind

#: Published on day 1 but recorded last (version 9): found late.
LATE = dataclasses.replace(
    report(
        "late",
        (Kind.NO_AGREEMENT,),
        ("Meta", "Character.AI"),
        day=1,
        relations=(Relation("Meta", "Character.AI", Kind.NO_AGREEMENT),),
    ),
    version=9,
    recorded_at=DAY + timedelta(days=9),
)
AGAIN = report(
    "again",
    (Kind.TALKS_HELD,),
    ("Meta", "Character.AI"),
    day=6,
    relations=(Relation("Meta", "Character.AI", Kind.TALKS_HELD),),
)


def test_since_a_publication_moment_only_what_was_published_after_it_is_new() -> None:
    moment = DAY + timedelta(days=2)
    after = view(TALKS, DECLINED, LATE, DEAL, ENDED, version=9)
    before = view(TALKS, DECLINED, LATE, version=9)  # as reported by the moment, as known now
    changes = story_changes(before, after, published_since=moment)
    assert [r.report_id for r in changes.new_reports] == ["deal", "ended"]
    (thread,) = changes.thread_changes
    assert [(s.kind, s.report_id) for s in thread.steps] == [
        (Kind.AGREEMENT_REACHED, "deal"),
        (Kind.TALKS_ENDED, "ended"),
    ]
    assert changes.corrections == () and changes.retractions == ()


def test_since_a_recorded_version_a_report_found_late_is_new_though_published_early() -> None:
    before = view(TALKS, DECLINED, DEAL, ENDED, version=6)
    after = view(TALKS, DECLINED, LATE, DEAL, ENDED, version=9)
    changes = story_changes(before, after)
    assert [r.report_id for r in changes.new_reports] == ["late"]
    assert changes.thread_changes == ()  # its status still stands on the later reports


def test_every_status_a_thread_went_through_is_listed_through_a_deal_its_end_and_talks_again() -> None:
    before = view(TALKS, version=2)
    after = view(TALKS, DEAL, ENDED, AGAIN, version=8)
    (thread,) = story_changes(before, after).thread_changes
    # through a deal and its end to talks held again: what was said before the end no longer counts
    assert thread.before.status is Kind.NO_AGREEMENT and thread.after.status is Kind.TALKS_HELD
    assert [(s.kind, s.report_id) for s in thread.steps] == [
        (Kind.AGREEMENT_REACHED, "deal"),
        (Kind.TALKS_ENDED, "ended"),
        (Kind.TALKS_HELD, "again"),
    ]
