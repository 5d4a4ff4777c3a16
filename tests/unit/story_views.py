"""A story's views built from hand-made reports, for the pure tests of what
changed, the replay's steps and the like (Meta and Character.AI: talks, a
refusal to comment, a deal, its end)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

from tracker.application.views import StoryView
from tracker.domain.reading.model import Reading, Relation, Statement
from tracker.domain.report import Origin, Report
from tracker.domain.state import derive_state
from tracker.domain.vocabulary import Kind, OriginKind

DAY = datetime(2024, 5, 25, tzinfo=UTC)
STORY_ID = uuid.uuid4()


def report(
    report_id: str,
    kinds: tuple[Kind, ...],
    parties: tuple[str, ...],
    day: int = 0,
    *,
    relations: tuple[Relation, ...] = (),
    statements: tuple[Statement, ...] = (),
    **extra,
) -> Report:
    reading = Reading(kinds=kinds, parties=parties, relations=relations, statements=statements)
    return Report(
        report_id=report_id,
        headline=f"headline {report_id}",
        summary="",
        outlet="Financial Times",
        url="",
        attribution="",
        parties=parties,
        kinds=kinds,
        origin=Origin(OriginKind.MANUAL),
        published_at=DAY + timedelta(days=day),
        recorded_at=DAY + timedelta(days=day),
        version=day + 2,
        sequence=day + 1,
        reading=reading,
        **extra,
    )


def view(*reports: Report, version: int = 1, title: str = "Deal", status: str = "developing") -> StoryView:
    extra = {}
    if "report_count" in {f.name for f in dataclasses.fields(StoryView)}:
        extra["report_count"] = sum(1 for r in reports if r.active)
    return StoryView(
        **extra,
        id=STORY_ID,
        slug="deal",
        title=title,
        summary="",
        status=status,
        rules={},
        version=version,
        opened_at=DAY,
        updated_at=DAY,
        reports=tuple(reports),
        state=derive_state(reports),
    )


TALKS = report(
    "talks",
    (Kind.TALKS_HELD, Kind.NO_AGREEMENT),
    ("Meta", "Character.AI"),
    relations=(
        Relation("Meta", "Character.AI", Kind.TALKS_HELD),
        Relation("Meta", "Character.AI", Kind.NO_AGREEMENT),
    ),
)
DECLINED = report(
    "declined",
    (Kind.DECLINED_TO_COMMENT,),
    ("Meta",),
    day=1,
    statements=(Statement("Meta", Kind.DECLINED_TO_COMMENT, "the talks"),),
)
DEAL = report(
    "deal",
    (Kind.AGREEMENT_REACHED,),
    ("Meta", "Character.AI"),
    day=3,
    relations=(Relation("Meta", "Character.AI", Kind.AGREEMENT_REACHED),),
)
ENDED = report(
    "ended",
    (Kind.TALKS_ENDED,),
    ("Meta", "Character.AI"),
    day=4,
    relations=(Relation("Meta", "Character.AI", Kind.TALKS_ENDED),),
)
