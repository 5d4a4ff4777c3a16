"""What a feed item becomes in a story: the report's fields, and the decision row recorded for it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tracker.domain.classify import CLASSIFIER, classify
from tracker.domain.decide import Outcome
from tracker.domain.errors import DomainError
from tracker.domain.report import Origin, clean_url
from tracker.domain.rules import Match
from tracker.domain.vocabulary import OriginKind
from tracker.ingest.prejudge import Verdict
from tracker.ingest.store import StoredItem, suggestion_id_for
from tracker.ingest.tracking import Tracked
from tracker.moments import now_utc

FEED_ACTOR = "feed"


def report_fields(story: Tracked, item: StoredItem, result: Match, verdict: Verdict | None = None) -> dict[str, Any]:
    """The report an item makes, classified (by the parse process's ``verdict`` when it has one)."""
    found = verdict.found if verdict is not None and verdict.found is not None else None
    if found is None:
        found = classify(item.title, item.summary, story.parties)
    try:
        url = clean_url(item.link)
    except DomainError:
        url = ""
    evidence = [f"match {result.explain()}", *found.evidence]
    return {
        "report_id": item.report_id,
        "headline": item.title[:500],
        "summary": item.summary,
        "outlet": (item.feed_name or urlsplit(item.feed_url).hostname or "")[:200],
        "url": url,
        "attribution": ", ".join(item.authors)[:500],
        "parties": list(found.parties),
        "speakers": list(found.speakers),
        "kinds": [k.value for k in found.kinds],
        "origin": Origin(OriginKind.FEED, ref=item.identity, feed=item.feed_url),
        "published_at": item.published_at or item.first_seen_at,
        "classified_by": CLASSIFIER,
        "evidence": [e[:500] for e in evidence],
    }


def decision_row(
    story: Tracked, item: StoredItem, result: Match, outcome: Outcome, *, report_id: str
) -> dict[str, Any]:
    return {
        "suggestion_id": suggestion_id_for(story.slug, item.id),
        "story_slug": story.slug,
        "item_id": item.id,
        "outcome": outcome.value,
        "strength": result.strength.value,
        "rules_digest": result.rules_digest,
        "story_version": story.version,
        "explanation": result.explain()[:4000],
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
