"""Full-text search over every report: FTS5 on SQLite, tsvector on PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from tracker.application.views import SearchHit
from tracker.moments import utc
from tracker.readmodels import tables as tbl


def search_reports(engine: Engine, tables: tbl.ViewTables, query: str, *, limit: int = 50) -> tuple[SearchHit, ...]:
    """Reports whose text holds every word of ``query`` (the last one as a prefix), best first."""
    words = re.findall(r"\w+", query.lower())
    if not words:
        return ()
    r, s = tables.reports, tables.stories
    name = tables.search_name
    if engine.dialect.name == "sqlite":
        match = " ".join(f'"{w}"*' if i == len(words) - 1 else f'"{w}"' for i, w in enumerate(words))
        ids_sql = text(f"SELECT rowid AS id FROM {name} WHERE {name} MATCH :q ORDER BY rank LIMIT :n")
        params: dict[str, Any] = {"q": match, "n": limit}
    else:
        terms = " & ".join(words[:-1] + [words[-1] + ":*"])
        ids_sql = text(
            f"SELECT id FROM {name} WHERE document @@ to_tsquery('simple', :q) "
            f"ORDER BY ts_rank(document, to_tsquery('simple', :q)) DESC, id DESC LIMIT :n"
        )
        params = {"q": terms, "n": limit}
    with engine.connect() as conn:
        ids = [row.id for row in conn.execute(ids_sql, params)]
        if not ids:
            return ()
        rows = (
            conn.execute(
                select(r, s.c.slug, s.c.title.label("story_title"))
                .join(s, s.c.story_id == r.c.story_id)
                .where(r.c.id.in_(ids))
            )
            .mappings()
            .all()
        )
    order = {id_: index for index, id_ in enumerate(ids)}
    rows = sorted(rows, key=lambda row: order[row["id"]])
    return tuple(
        SearchHit(
            slug=row["slug"],
            story_title=row["story_title"],
            report_id=row["report_id"],
            headline=row["headline"],
            summary=row["summary"],
            outlet=row["outlet"],
            published_at=utc(row["published_at"]),
            retracted=row["retracted_version"] is not None,
        )
        for row in rows
    )
