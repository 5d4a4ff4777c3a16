"""A thread's status once talks have ended: only talks held again reopen them,
and then what was said since the end, not before it, stands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tracker.domain.reading.model import Reading, Relation, Relevance
from tracker.domain.state import derive_state
from tracker.domain.story import Story
from tracker.domain.vocabulary import Kind

DAY = timedelta(days=1)
START = datetime(2025, 3, 1, tzinfo=UTC)
RULES = {"all_of": [["Harbour Rovers"]], "any_of": ["takeover"], "parties": {"Kessler Group": []}}


def status_after(*kinds: Kind) -> Kind:
    story = Story.open(title="The sale of Harbour Rovers", rules=RULES)
    for index, kind in enumerate(kinds):
        reading = Reading(
            kinds=(kind,),
            relations=(Relation("Kessler Group", "Harbour Rovers", kind),),
            relevance=Relevance.CORE,
        )
        story.add_report(
            report_id=f"r{index}",
            headline=f"report {index}",
            kinds=[],
            reading=reading,
            published_at=START + index * DAY,
        )
    (thread,) = derive_state(story.report_list(), story.rules).threads
    return thread.status


def test_still_no_deal_after_the_talks_ended_leaves_them_ended() -> None:
    assert status_after(Kind.TALKS_HELD, Kind.TALKS_ENDED, Kind.NO_AGREEMENT) is Kind.TALKS_ENDED


def test_talks_resumed_after_an_end_forget_the_no_agreement_said_before_it() -> None:
    assert status_after(Kind.NO_AGREEMENT, Kind.TALKS_ENDED, Kind.TALKS_HELD) is Kind.TALKS_HELD
    assert status_after(Kind.TALKS_ENDED, Kind.TALKS_HELD, Kind.NO_AGREEMENT) is Kind.NO_AGREEMENT


def test_an_agreement_after_resumed_talks_stands() -> None:
    assert status_after(Kind.TALKS_ENDED, Kind.LEGAL_ACTION, Kind.TALKS_HELD, Kind.AGREEMENT_REACHED) is (
        Kind.AGREEMENT_REACHED
    )
