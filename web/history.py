"""The raw event log of a story, paginated: what was stored, in order."""

from __future__ import annotations

from flask import Blueprint, render_template

from web import queries
from web.story import page_number, page_of

bp = Blueprint("history", __name__)

PAGE_SIZE = 50


@bp.get("/stories/<slug>/history")
def show(slug: str) -> str:
    view = queries.story(slug)
    entries = tuple(reversed(queries.history(slug)))  # newest first
    shown, page, pages = page_of(entries, page_number(), PAGE_SIZE)
    return render_template(
        "history/show.html", view=view, entries=shown, page=page, pages=pages, total=len(entries)
    )
