"""Carrying a matching plan out: reports appended (one save per story per
chunk, each as the reader read it), decisions recorded, suggestions
promoted or withdrawn (a namesake held back with its reason), reports of
revised items corrected and read again.

Exactly-once: a report's id is derived from feed URL and item identity, so a
replay after a crash raises DuplicateReport in the story and counts as done;
each (story, item) gets one decision row (unique in the database).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from tracker.application import Newsroom, UnknownStory
from tracker.domain.decide import Outcome, Plan, decide
from tracker.domain.errors import DomainError, DuplicateReport, NothingChanged, ReportRetracted, UnknownReport
from tracker.domain.rules import Match
from tracker.domain.story import Story
from tracker.ingest.prejudge import Verdict
from tracker.ingest.readings import Readings
from tracker.ingest.reports import FEED_ACTOR, decision_row, identity_key, report_fields
from tracker.ingest.store import IngestStore, StoredItem
from tracker.ingest.summary import Counts
from tracker.ingest.syndication import Syndication
from tracker.ingest.text import canonical_url
from tracker.ingest.tracking import Tracked
from tracker.moments import now_utc
from tracker.tuning import Tuning

log = logging.getLogger("tracker.ingest")

REVISION_REASON = "feed item revised"

#: Per story: (version, feed item keys, links) of its reports, for the duplicate check.
Known = tuple[int, set[tuple[str, str]], set[str]]


def _no_verdict(story: Tracked, item: StoredItem) -> Verdict | None:
    return None


def _no_match(story: Tracked, item: StoredItem) -> Match | None:
    return None


class Appender:
    """Matches batches of items and carries the plans out, for one cycle (or one re-match)."""

    def __init__(
        self,
        newsroom: Newsroom,
        store: IngestStore,
        tuning: Tuning,
        *,
        verdict: Callable[[Tracked, StoredItem], Verdict | None] = _no_verdict,
        looked_up: Callable[[Tracked, StoredItem], Match | None] = _no_match,
    ) -> None:
        self.newsroom = newsroom
        self.store = store
        self.append_chunk = tuning.append_chunk
        self.failpoint = tuning.failpoint or (lambda _name: None)
        self.readings = Readings(verdict)
        self.looked_up = looked_up if looked_up is not _no_match else None
        self.known: dict[Any, Known] = {}
        self.syndication = Syndication()

    def process_items(
        self,
        batch: Sequence[StoredItem],
        stories: Sequence[Tracked],
        counts: Counts,
        *,
        withdraw_unmatched: bool = False,
    ) -> Counts:
        """Matches items against stories; appends, suggests and corrects as needed."""
        if not stories or not batch:
            return counts
        decided = self.store.decisions_for_items([i.id for i in batch])
        self.readings.forget()

        def hold(story: Tracked, item: StoredItem, result: Match) -> str:
            return self.readings.hold(story, item, result, counts)

        plan = decide(
            batch, stories, decided, looked_up=self.looked_up, withdraw_unmatched=withdraw_unmatched, hold=hold
        )
        self.carry_out(plan, stories, counts)
        self.readings.forget()
        return counts

    def carry_out(self, plan: Plan[Tracked, StoredItem], stories: Sequence[Tracked], counts: Counts) -> None:
        by_slug = {s.slug: s for s in stories}
        outcomes: dict[tuple[str, int], str] = {}
        for slug, entries in plan.appends.items():
            outcomes.update(self.append(by_slug[slug], entries, counts))
        for slug, item, result in plan.promoted:
            outcome = outcomes.get((slug, item.id), "")
            if outcome:
                self.store.update_decision(
                    slug,
                    item.id,
                    only_if=(Outcome.SUGGESTED.value,),
                    outcome=outcome,
                    strength=result.strength.value,
                    rules_digest=result.rules_digest,
                    explanation=result.explain()[:4000],
                    report_id=item.report_id if outcome == Outcome.APPENDED else "",
                    content_hash=item.content_hash,
                    decided_at=now_utc(),
                )
        if plan.suggestions:
            self.store.record_decisions(
                [
                    decision_row(s, i, m, Outcome.SUGGESTED, report_id="", note=plan.held.get((s.slug, i.id), ""))
                    for s, i, m in plan.suggestions
                ]
            )
            counts.suggested += len(plan.suggestions)
        for story, item in plan.corrections:
            self.correct(story, item, counts)
        for slug, item_id in plan.withdrawn:
            self.store.update_decision(
                slug, item_id, only_if=(Outcome.SUGGESTED.value,), outcome=Outcome.WITHDRAWN.value, decided_at=now_utc()
            )

    def append(
        self, story: Tracked, entries: Sequence[tuple[StoredItem, Match]], counts: Counts
    ) -> dict[tuple[str, int], str]:
        """Appends reports in one save per chunk; returns each item's outcome ("appended" or "duplicate")."""
        try:
            current: Story = self.newsroom.current_story(story.slug)
        except (AggregateNotFoundError, UnknownStory):
            return {}
        refs, links = self._known_items(current)
        rows: list[dict[str, Any]] = []
        batch: list[tuple[StoredItem, Match, dict[str, Any]]] = []
        for item, result in entries:
            if current.has_report(item.report_id):
                rows.append(decision_row(story, item, result, Outcome.APPENDED, report_id=item.report_id))
            elif identity_key(item.identity, item.feed_url) in refs or (item.link_key and item.link_key in links):
                rows.append(decision_row(story, item, result, Outcome.DUPLICATE, report_id=""))
                counts.duplicates += 1
            else:
                refs.add(identity_key(item.identity, item.feed_url))
                if item.link_key:
                    links.add(item.link_key)
                reading = self.readings.of(story, item, counts)
                batch.append((item, result, report_fields(story, item, result, reading)))
        version: int | None = current.version  # the story's version once these are appended
        for start in range(0, len(batch), self.append_chunk):
            chunk = batch[start : start + self.append_chunk]
            try:
                self.newsroom.add_reports(
                    story.slug, [fields for _, _, fields in chunk], then=self.syndication.cluster_new
                )
                counts.appended += len(chunk)
                if version is not None:
                    version += len(chunk) + self.syndication.last_events  # one event per report, then clusterings
                rows.extend(decision_row(story, i, m, Outcome.APPENDED, report_id=i.report_id) for i, m, _ in chunk)
            except DomainError:
                version = None  # not all of them appended: the sets no longer describe the story
                # someone appended one of them meanwhile, or one item is unusable: one by one
                for item, result, fields in chunk:
                    outcome = self._append_one(story.slug, fields)
                    if outcome is Outcome.APPENDED:
                        counts.appended += 1
                    if outcome is not Outcome.NOT_APPENDED:
                        rows.append(decision_row(story, item, result, Outcome.APPENDED, report_id=item.report_id))
        if version is None:
            self.known.pop(current.id, None)
        else:
            self.known[current.id] = (version, refs, links)
        self.failpoint("after-append")
        self.store.record_decisions(rows)
        return {(story.slug, row["item_id"]): row["outcome"] for row in rows}

    def _known_items(self, story: Story) -> tuple[set[tuple[str, str]], set[str]]:
        """The feed items (identity keys) and links a story's reports already
        came from, for the duplicate check. Worked out once per cycle and
        kept up to date by the cycle's own appends, instead of again from
        every report at every flush; a story changed by anyone else since
        (another version than expected) is worked out again."""
        kept = self.known.get(story.id)
        if kept is not None and kept[0] == story.version:
            return kept[1], kept[2]
        refs = {
            identity_key(r["origin"].get("ref", ""), r["origin"].get("feed", ""))
            for r in story.reports.values()
            if r["origin"].get("kind") == "feed"
        }
        links = {canonical_url(r["url"]) for r in story.reports.values() if r["url"]}
        return refs, links

    def _append_one(self, slug: str, fields: dict[str, Any]) -> Outcome:
        try:
            self.newsroom.add_reports(slug, [fields], then=self.syndication.cluster_new)
            return Outcome.APPENDED
        except DuplicateReport:
            return Outcome.PRESENT
        except DomainError as error:
            log.warning("story %s: feed item %s not appended: %s", slug, fields.get("report_id"), error)
            return Outcome.NOT_APPENDED

    def correct(self, story: Tracked, item: StoredItem, counts: Counts) -> None:
        """Corrects the report of a revised item, then reads it again (see Readings.reread)."""
        decision = self.store.decisions_for_items([item.id]).get((story.slug, item.id))
        if decision is None or not decision.report_id:
            return
        corrected = True
        try:
            self.newsroom.correct_report(
                story.slug,
                decision.report_id,
                headline=item.title[:500],
                summary=item.summary,
                reason=REVISION_REASON,
                by=FEED_ACTOR,
            )
            counts.corrected += 1
        except NothingChanged:
            pass  # already corrected (a replay after a crash): perhaps not yet read again
        except (ReportRetracted, UnknownReport, DomainError) as error:
            corrected = False
            log.info("story %s: revision of %s not applied: %s", story.slug, decision.report_id, error)
        if corrected:
            self.readings.reread(self.newsroom, story, item, decision.report_id, counts)
        self.store.update_decision(story.slug, item.id, content_hash=item.content_hash)

    def rematch(self, story: Tracked) -> Counts:
        """Matches the whole wire archive against one story (opened or rules changed)."""
        counts = Counts()
        for chunk in self.store.iter_archive():
            self.process_items(chunk, [story], counts, withdraw_unmatched=True)
        self.store.set_matched_digest(story.slug, story.rules.digest)
        return counts
