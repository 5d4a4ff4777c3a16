"""Nothing is lost by re-matching: withdrawn suggestions are listed with why,
and come back to the inbox when the rules match them again.

A rules change that stops matching a pending suggestion withdraws it (its
decision row's outcome becomes "withdrawn", see tracker.ingest.appending).
Before each re-match, :func:`restore_withdrawn` puts the withdrawn ones the
story's rules match again back in the inbox ("suggested"); the re-match then
treats them as any pending suggestion (a strong one is appended, when the
story appends by itself). Rejected suggestions are never touched: a rejected
item stays rejected. Why one was withdrawn is the rules change before it
(who and when), read from the story's RulesChanged events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from tracker.application import Newsroom
from tracker.domain.decide import Outcome
from tracker.domain.rules import match
from tracker.domain.story import Story
from tracker.ingest.reports import FEED_ACTOR
from tracker.ingest.store import STORED_ITEM_COLUMNS, IngestStore, StoredItem
from tracker.ingest.suggestions import Suggestions
from tracker.ingest.tables import items as items_table
from tracker.ingest.tracking import Tracked
from tracker.ingest.views import SuggestionView
from tracker.moments import now_utc


@dataclass(frozen=True)
class RulesChangeSeen:
    by: str
    at: datetime


@dataclass(frozen=True)
class WithdrawnSuggestion:
    suggestion: SuggestionView
    #: "rules changed by Ed at 2026-12-01 20:40 UTC"
    why: str


def _items(store: IngestStore, ids: Sequence[int]) -> dict[int, StoredItem]:
    found: dict[int, StoredItem] = {}
    with store.engine.connect() as conn:
        for start in range(0, len(ids), 500):
            query = select(*STORED_ITEM_COLUMNS).where(items_table.c.id.in_(list(ids[start : start + 500])))
            for row in conn.execute(query):
                item = StoredItem.from_values(row)
                found[item.id] = item
    return found


def restore_withdrawn(store: IngestStore, story: Tracked) -> int:
    """Withdrawn suggestions that ``story``'s rules match again are pending again
    (their match recorded anew); returns how many. Run before a re-match."""
    withdrawn = store.decisions_for_story(story.slug, (Outcome.WITHDRAWN.value,))
    if not withdrawn or not story.rules.tracks_anything:
        return 0
    restored = 0
    archived = _items(store, [d.item_id for d in withdrawn])
    for decision in withdrawn:
        item = archived.get(decision.item_id)
        if item is None:
            continue
        result = match(story.rules, item.title, item.summary, item.content)
        if result.matched and store.update_decision(
            story.slug,
            item.id,
            only_if=(Outcome.WITHDRAWN.value,),
            outcome=Outcome.SUGGESTED.value,
            strength=result.strength.value,
            rules_digest=result.rules_digest,
            story_version=story.version,
            explanation=result.explain()[:4000],
            content_hash=item.content_hash,
            decided_at=now_utc(),
            decided_by=FEED_ACTOR,
        ):
            restored += 1
    return restored


def rules_changes(newsroom: Newsroom, slug: str) -> list[RulesChangeSeen]:
    """Who changed the story's rules and when, oldest first (its RulesChanged events only)."""
    story_id = Story.create_id(slug)
    seen = []
    for notification in newsroom.iter_notifications(topics=[Story.RulesChanged.TOPIC]):
        if notification.originator_id != story_id:
            continue
        event: Any = newsroom.mapper.to_domain_event(notification)
        seen.append(RulesChangeSeen(by=str(getattr(event, "by", "") or ""), at=event.timestamp))
    return seen


def why_withdrawn(changes: Sequence[RulesChangeSeen], withdrawn_at: datetime) -> str:
    """The rules change that withdrew a suggestion: the last one before the withdrawal."""
    before = [c for c in changes if c.at <= withdrawn_at]
    if not before:
        return "the rules no longer match it"
    change = before[-1]
    who = f" by {change.by}" if change.by else ""
    return f"rules changed{who} at {change.at:%Y-%m-%d %H:%M} UTC"


def withdrawn_suggestions(inbox: Suggestions, slug: str) -> tuple[WithdrawnSuggestion, ...]:
    """The story's withdrawn suggestions, newest withdrawal first, each with why."""
    views = [v for v in inbox.list(slug, include_decided=True) if v.outcome == Outcome.WITHDRAWN]
    if not views:
        return ()
    changes = rules_changes(inbox.newsroom, slug)
    views.sort(key=lambda v: v.decided_at, reverse=True)
    return tuple(WithdrawnSuggestion(v, why_withdrawn(changes, v.decided_at)) for v in views)
