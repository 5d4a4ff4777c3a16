"""The stories index (newest activity first, with sparklines) and search over reports."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from web import queries
from web.charts import sparkline

bp = Blueprint("stories", __name__)

MAX_QUERY = 200


@bp.get("/")
def index() -> str:
    summaries = queries.stories()
    lines = {s.slug: sparkline(queries.activity(s.slug)) for s in summaries}
    return render_template("stories/index.html", stories=summaries, sparklines=lines)


@bp.get("/search")
def search() -> tuple[str, int] | str:
    text = (request.args.get("q") or "").strip()
    if len(text) > MAX_QUERY:
        return render_template(
            "stories/search.html", q=text[:MAX_QUERY], hits=[], error=f"Search for at most {MAX_QUERY} characters."
        ), 400
    hits = queries.search(text) if text else []
    return render_template("stories/search.html", q=text, hits=hits, error="")
