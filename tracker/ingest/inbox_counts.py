"""How many suggestions wait in each story's inbox: one grouped count over
the decisions (their ``story_slug, outcome`` index), for the stories index."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from tracker.domain.decide import Outcome
from tracker.ingest.tables import decisions


def waiting_counts(engine: Engine) -> dict[str, int]:
    """Story slug -> suggestions waiting for an editor (stories with none are left out)."""
    query = (
        select(decisions.c.story_slug, func.count())
        .where(decisions.c.outcome == Outcome.SUGGESTED.value)
        .group_by(decisions.c.story_slug)
    )
    with engine.connect() as conn:
        return {slug: int(count) for slug, count in conn.execute(query)}
