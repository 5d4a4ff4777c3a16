"""The raw event log of a story, paginated newest first: what was stored, in
order, each event in plain words with who caused it (event_names.py).

A story's versions run 1..N without gaps, so page p is the version range
(N - p*size, N - (p-1)*size], read straight from the event store.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from tracker.application.event_names import describe, who
from web import queries
from web.story import page_number

bp = Blueprint("history", __name__)
bp.add_app_template_filter(who, "who")  # the timeline's edit badges say who, in the same words

PAGE_SIZE = 50


@bp.get("/stories/<slug>/history")
def show(slug: str) -> str:
    view = queries.story(slug, latest=1)
    pages = max(1, -(-view.version // PAGE_SIZE))
    page = min(page_number(), pages)
    upper = view.version - (page - 1) * PAGE_SIZE
    lower = max(0, upper - PAGE_SIZE)
    entries = tuple(reversed(queries.history(slug, after_version=lower, limit=upper - lower)))
    rows = [(entry, *describe(entry)) for entry in entries]
    return render_template("history/show.html", view=view, rows=rows, page=page, pages=pages, total=view.version)
