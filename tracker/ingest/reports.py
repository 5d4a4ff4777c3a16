"""What a feed item becomes in a story: the report's fields, and the decision row recorded for it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from tracker.domain.decide import Outcome
from tracker.domain.errors import DomainError
from tracker.domain.reading.checks import MAX_ITEMS
from tracker.domain.reading.model import Reading
from tracker.domain.reading.read import READER, read
from tracker.domain.report import Origin, clean_url
from tracker.domain.rules import Match
from tracker.domain.story import reading_parties
from tracker.domain.vocabulary import OriginKind
from tracker.ingest.store import StoredItem, suggestion_id_for
from tracker.ingest.tracking import Tracked
from tracker.moments import now_utc

FEED_ACTOR = "feed"


def report_fields(story: Tracked, item: StoredItem, result: Match, reading: Reading | None = None) -> dict[str, Any]:
    """The report an item makes, as the reader read it (``reading``: already read,
    e.g. in a parse process; otherwise it is read here, full content included)."""
    if reading is None:
        reading = read(item.title, item.summary, item.content, story.context)
    reading = fitted(reading)
    try:
        url = clean_url(item.link)
    except DomainError:
        url = ""
    evidence = [f"match {result.explain()}", *reading.evidence]
    return {
        "report_id": item.report_id,
        "headline": item.title[:500],
        "summary": item.summary,
        "outlet": (item.feed_name or urlsplit(item.feed_url).hostname or "")[:200],
        "url": url,
        "attribution": ", ".join(item.authors)[:500],
        "parties": reading_parties(reading),
        "speakers": list(reading.speakers),
        "kinds": [k.value for k in reading.kinds],
        "origin": Origin(OriginKind.FEED, ref=item.identity, feed=item.feed_url),
        "published_at": item.published_at or item.first_seen_at,
        "classified_by": READER,
        "evidence": [e[:500] for e in evidence[:MAX_ITEMS]],
        "reading": reading,
    }


def fitted(reading: Reading) -> Reading:
    """A reading of a long article, cut to what a report's event holds (at most
    MAX_ITEMS names, relations, statements and lines of evidence)."""
    cut = {
        name: value[:MAX_ITEMS]
        for name in ("parties", "mentioned", "relations", "statements", "names", "evidence")
        if len(value := getattr(reading, name)) > MAX_ITEMS
    }
    return replace(reading, **cut) if cut else reading


def decision_row(
    story: Tracked, item: StoredItem, result: Match, outcome: Outcome, *, report_id: str, note: str = ""
) -> dict[str, Any]:
    """The decision recorded for (story, item); ``note`` leads its explanation
    ("not appended: 'Meta' here is ..."), before the match's own."""
    return {
        "suggestion_id": suggestion_id_for(story.slug, item.id),
        "story_slug": story.slug,
        "item_id": item.id,
        "outcome": outcome.value,
        "strength": result.strength.value,
        "rules_digest": result.rules_digest,
        "story_version": story.version,
        "explanation": ((f"{note}; " if note else "") + result.explain())[:4000],
        "report_id": report_id,
        "content_hash": item.content_hash,
        "decided_at": now_utc(),
        "decided_by": FEED_ACTOR,
    }


def identity_key(identity: str, feed_url: str) -> tuple[str, str]:
    """An item identity as the cross-feed duplicate check compares it. A URL,
    tag:/urn: URI or content hash means the same item in any feed (a wire
    story syndicated twice); an opaque GUID such as "1" or "item-7" (which
    feedparser may also have resolved into "//host/item-7") only means
    something within its own feed, so two feeds' "1" are different items."""
    if identity.startswith(("http://", "https://", "tag:", "urn:", "sha256:")):
        return ("", identity)
    return (feed_url, identity)
