"""Full-text search over every report: FTS5 on SQLite, tsvector on PostgreSQL.

Best first (FTS5's rank, ts_rank) or newest first (the reports' publication
time, read through the same index of matches: the limit applies after the
order, so "newest" means the newest of every match, not of the best fifty).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from tracker.application.views import SearchHit
from tracker.moments import utc
from tracker.readmodels import tables as tbl

ORDERS = ("relevance", "date")


def _ids_query(dialect: str, tables: tbl.ViewTables, words: list[str], order: str) -> tuple[str, dict[str, Any]]:
    name, reports = tables.search_name, tables.reports.name
    if dialect == "sqlite":
        match = " ".join(f'"{w}"*' if i == len(words) - 1 else f'"{w}"' for i, w in enumerate(words))
        if order == "date":
            sql = (
                f"SELECT r.id AS id FROM {name} JOIN {reports} AS r ON r.id = {name}.rowid "
                f"WHERE {name} MATCH :q ORDER BY r.published_at DESC, r.id DESC LIMIT :n"
            )
        else:
            sql = f"SELECT rowid AS id FROM {name} WHERE {name} MATCH :q ORDER BY rank LIMIT :n"
        return sql, {"q": match}
    terms = " & ".join(words[:-1] + [words[-1] + ":*"])
    if order == "date":
        sql = (
            f"SELECT s.id AS id FROM {name} AS s JOIN {reports} AS r ON r.id = s.id "
            f"WHERE s.document @@ to_tsquery('simple', :q) ORDER BY r.published_at DESC, r.id DESC LIMIT :n"
        )
    else:
        sql = (
            f"SELECT id FROM {name} WHERE document @@ to_tsquery('simple', :q) "
            f"ORDER BY ts_rank(document, to_tsquery('simple', :q)) DESC, id DESC LIMIT :n"
        )
    return sql, {"q": terms}


def search_reports(
    engine: Engine, tables: tbl.ViewTables, query: str, *, limit: int = 50, order: str = "relevance"
) -> tuple[SearchHit, ...]:
    """Reports whose text holds every word of ``query`` (the last one as a prefix), best or newest first."""
    if order not in ORDERS:
        raise ValueError(f"order: expected one of {', '.join(ORDERS)}, got {order!r}")
    words = re.findall(r"\w+", query.lower())
    if not words:
        return ()
    r, s = tables.reports, tables.stories
    sql, params = _ids_query(engine.dialect.name, tables, words, order)
    with engine.connect() as conn:
        ids = [row.id for row in conn.execute(text(sql), {**params, "n": limit})]
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
    place = {id_: index for index, id_ in enumerate(ids)}
    rows = sorted(rows, key=lambda row: place[row["id"]])
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
            kinds=tuple(str(kind) for kind in row["kinds"] or ()),
        )
        for row in rows
    )
