"""When a story's active reports were published: the stories index's
sparkline and its scale (span and peak) are drawn from these.

On SQLite the times are read as the text SQLAlchemy stored and parsed with
``datetime.fromisoformat``, skipping the DateTime type's per-row regular
expression (most of the read's cost for a story of thousands of reports).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import String, and_, cast, select
from sqlalchemy.engine import Engine

from tracker.moments import utc
from tracker.readmodels import tables as tbl


def published_moments(engine: Engine, tables: tbl.ViewTables, story_id: str) -> tuple[datetime, ...]:
    """Publication times of the story's reports not retracted, in no particular order."""
    r = tables.reports
    active = and_(r.c.story_id == story_id, r.c.retracted_version.is_(None))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            texts = conn.execute(select(cast(r.c.published_at, String)).where(active)).scalars()
            return tuple(datetime.fromisoformat(t).replace(tzinfo=UTC) for t in texts)
        return tuple(utc(m) for m in conn.execute(select(r.c.published_at).where(active)).scalars())
