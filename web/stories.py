"""The stories index (by status, with waiting suggestions and scaled
sparklines) and search over reports and, on request, the wire archive."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import Blueprint, render_template, request

from tracker.application.views import SearchHit
from tracker.domain.highlight import Pieces, marked, snippet
from tracker.domain.vocabulary import Status
from tracker.ingest.inbox_counts import waiting_counts
from tracker.ingest.service import ArchiveItemView
from web import queries
from web.activity import activity
from web.ingestion import ingestion

bp = Blueprint("stories", __name__)

MAX_QUERY = 200
STATUSES = tuple(s.value for s in Status)
ORDERS = {"relevance": "best match first", "date": "newest first"}


@bp.get("/")
def index() -> tuple[str, int]:
    wanted = (request.args.get("status") or "").strip().lower()
    everything = queries.stories()
    counts = {status: sum(1 for s in everything if s.status == status) for status in STATUSES}
    error, status = "", 200
    if wanted and wanted not in STATUSES:
        error, status = f"There is no status “{wanted[:40]}”; choose one of: {', '.join(STATUSES)}.", 400
        wanted = ""
    shown = [s for s in everything if not wanted or s.status == wanted]
    lines = {s.slug: activity(queries.source().published_moments(s.slug)) for s in shown}
    return render_template(
        "stories/index.html",
        stories=shown,
        total=len(everything),
        counts=counts,
        status=wanted,
        error=error,
        activity=lines,
        waiting=waiting_counts(queries.runtime().engine),
    ), status


@dataclass(frozen=True)
class Found:
    """A search result as the page shows it: its words marked in the headline and a snippet."""

    headline: Pieces
    snippet: Pieces


def query_terms(text: str) -> list[str]:
    """What to mark: every word searched for, the last one as a prefix (as the index matches it)."""
    parts = text.split()
    return [*parts[:-1], parts[-1].rstrip("*") + "*"] if parts else []


def found(headline: str, summary: str, terms: Sequence[str]) -> Found:
    return Found(marked(headline, terms), snippet(marked(summary, terms)))


def archive_rank(item: ArchiveItemView, terms: Sequence[str]) -> int:
    """Relevance of an archived item among those found: matched words in the headline count double."""
    return 2 * sum(hit for _, hit in marked(item.headline, terms)) + sum(hit for _, hit in marked(item.summary, terms))


def render_search(text: str, *, order: str, archive: bool, error: str = "", status: int = 200) -> tuple[str, int]:
    hits: Sequence[SearchHit] = []
    items: Sequence[ArchiveItemView] = []
    if text and not error:
        terms = query_terms(text)
        hits = queries.search(text, order=order)
        if archive:
            with ingestion() as service:
                items = service.search_archive(text, limit=50)  # newest first
            if order == "relevance":
                items = sorted(items, key=lambda i: -archive_rank(i, terms))  # stable: newest first among equals
    else:
        terms = []
    return render_template(
        "stories/search.html",
        q=text,
        hits=[(hit, found(hit.headline, hit.summary, terms)) for hit in hits],
        items=[(item, found(item.headline, item.summary, terms)) for item in items],
        order=order,
        orders=ORDERS,
        archive=archive,
        error=error,
    ), status


@bp.get("/search")
def search() -> tuple[str, int]:
    text = (request.args.get("q") or "").strip()
    order = (request.args.get("order") or "relevance").strip().lower()
    archive = (request.args.get("archive") or "").strip().lower() in ("1", "on", "true", "yes")
    if order not in ORDERS:
        return render_search(
            text[:MAX_QUERY],
            order="relevance",
            archive=archive,
            status=400,
            error=f"Sort by {' or '.join(ORDERS)}, not “{order[:40]}”.",
        )
    if len(text) > MAX_QUERY:
        return render_search(
            text[:MAX_QUERY],
            order=order,
            archive=archive,
            status=400,
            error=f"Search for at most {MAX_QUERY} characters.",
        )
    return render_search(text, order=order, archive=archive)
