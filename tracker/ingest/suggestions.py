"""The suggestion inbox: items a story's rules matched without appending them,
listed for an editor, accepted (appended as a report) or rejected (remembered)."""

from __future__ import annotations

from tracker.application import Newsroom, UnknownStory
from tracker.application.queries import StoryQueries
from tracker.domain.decide import Outcome
from tracker.domain.errors import DomainError, DuplicateReport
from tracker.domain.rules import Rules, match
from tracker.ingest.reports import report_fields
from tracker.ingest.store import Decision, IngestStore, StoredItem
from tracker.ingest.tracking import Tracked, tracked
from tracker.ingest.views import SuggestionView
from tracker.moments import now_utc

#: What the inbox shows with ``include_decided`` (not appended or duplicate rows).
INBOX_OUTCOMES = (Outcome.SUGGESTED, Outcome.ACCEPTED, Outcome.REJECTED, Outcome.WITHDRAWN)


class UnknownSuggestion(LookupError):
    def __init__(self, slug: str, suggestion_id: str) -> None:
        super().__init__(f"story {slug!r} has no open suggestion {suggestion_id!r}")


class Suggestions:
    def __init__(self, newsroom: Newsroom, queries: StoryQueries, store: IngestStore) -> None:
        self.newsroom = newsroom
        self.queries = queries
        self.store = store

    def list(self, slug: str, *, include_decided: bool = False) -> tuple[SuggestionView, ...]:
        """The story's open suggestions (or all, with accepted/rejected/withdrawn)."""
        if not self.queries.story_exists(slug):
            raise UnknownStory(slug)
        outcomes = None if include_decided else (Outcome.SUGGESTED.value,)
        rows = [d for d in self.store.decisions_for_story(slug, outcomes) if d.outcome in INBOX_OUTCOMES]
        views = []
        for decision in rows:
            item = self.store.item(decision.item_id)
            if item is None:
                continue
            views.append(
                SuggestionView(
                    suggestion_id=decision.suggestion_id,
                    story_slug=slug,
                    item_id=item.id,
                    headline=item.title,
                    summary=item.summary,
                    link=item.link,
                    feed_url=item.feed_url,
                    feed_name=item.feed_name,
                    published_at=item.published_at,
                    first_seen_at=item.first_seen_at,
                    strength=decision.strength,
                    explanation=decision.explanation,
                    rules_digest=decision.rules_digest,
                    outcome=decision.outcome,
                    decided_at=decision.decided_at,
                    decided_by=decision.decided_by,
                )
            )
        views.sort(key=lambda v: v.published_at or v.first_seen_at, reverse=True)
        return tuple(views)

    def _open(self, slug: str, suggestion_id: str) -> tuple[Decision, StoredItem]:
        decision = self.store.decision(suggestion_id.strip())
        if decision is None or decision.story_slug != slug or decision.outcome != Outcome.SUGGESTED:
            raise UnknownSuggestion(slug, suggestion_id)
        item = self.store.item(decision.item_id)
        if item is None:
            raise UnknownSuggestion(slug, suggestion_id)
        return decision, item

    def accept(self, slug: str, suggestion_id: str, by: str) -> str:
        """Appends the suggested item as a report (classified like automatic ones); returns its id."""
        by = actor(by)
        _decision, item = self._open(slug, suggestion_id)
        story = tracked(self.newsroom, slug) or Tracked(slug=slug, status="", version=0, rules=Rules())
        result = match(story.rules, item.title, item.summary, item.content)
        fields = report_fields(story, item, result)
        fields["evidence"] = [f"accepted from the suggestion inbox by {by}"[:500], *fields["evidence"]][:50]
        try:
            self.newsroom.add_reports(slug, [fields])
        except DuplicateReport:
            pass  # accepted twice at once: the report is there once
        self.store.update_decision(
            slug,
            item.id,
            only_if=(Outcome.SUGGESTED.value,),
            outcome=Outcome.ACCEPTED.value,
            report_id=item.report_id,
            content_hash=item.content_hash,
            decided_at=now_utc(),
            decided_by=by,
        )
        self._settle_copies(slug, item.id, Outcome.DUPLICATE, by)
        return item.report_id

    def reject(self, slug: str, suggestion_id: str, by: str) -> None:
        """Rejects: the item (every copy of it) is remembered and never suggested to this story again."""
        by = actor(by)
        _decision, item = self._open(slug, suggestion_id)
        self.store.update_decision(
            slug,
            item.id,
            only_if=(Outcome.SUGGESTED.value,),
            outcome=Outcome.REJECTED.value,
            decided_at=now_utc(),
            decided_by=by,
        )
        self._settle_copies(slug, item.id, Outcome.REJECTED, by)

    def _settle_copies(self, slug: str, item_id: int, outcome: Outcome, by: str) -> None:
        """An editor's decision on one copy of an item (the same item through
        another feed, or archived before copies were recognised) is the
        decision on every copy: their open suggestions to this story close,
        rejected with it, or duplicates of the report it was accepted as."""
        for copy_id in self.store.copies_of(item_id):
            self.store.update_decision(
                slug,
                copy_id,
                only_if=(Outcome.SUGGESTED.value,),
                outcome=outcome.value,
                decided_at=now_utc(),
                decided_by=by,
            )


def actor(by: str) -> str:
    text = " ".join((by or "").split())
    if not text:
        raise DomainError("by: say who decided (e.g. --by 'A. Editor')")
    return text[:200]
