"""Syndicated copies: a report whose text is a near copy of an earlier one.

When a scoop breaks, dozens of outlets rewrite it within hours (reordered
clauses, a synonym, an added attribution). Each rewrite is a report, but it
is one development and one source. Reports a poll cycle appends are compared
with the story's reports published within :data:`~tracker.ingest.near_copies.WINDOW`
of them that share a kind (see :mod:`tracker.ingest.near_copies`); a near
copy is clustered (a ``ReportClustered`` event by ``classifier``) to its
cluster's lead, the earliest report; a late item published before the lead
becomes the lead. The clusterings are recorded in the command that adds the
reports, so both are saved together.

MinHashes are kept in memory per :class:`Syndication` (one poll cycle), so
a story's recent reports are hashed once per cycle, not once per item.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from tracker.application import Newsroom
from tracker.domain.errors import DomainError
from tracker.domain.story import Story
from tracker.ingest.near_copies import Clusterer, Clustering, record, text_of

log = logging.getLogger("tracker.ingest")

CLASSIFIER = "classifier"


class Syndication:
    """Clusters the reports a poll cycle appends (one instance per cycle)."""

    def __init__(self, newsroom: Newsroom, clusterer: Clusterer | None = None) -> None:
        self.newsroom = newsroom
        self.clusterer = clusterer or Clusterer()
        self.items = 0
        self.seconds = 0.0
        self.last_events = 0

    @property
    def cost_per_item(self) -> float:
        """Seconds spent per appended report, recording the clusterings included."""
        return self.seconds / self.items if self.items else 0.0

    def _save(self, slug: str, found: Sequence[Clustering], events: int) -> int:
        """Records the clusterings in one save, or one by one when one is refused; returns the events appended."""
        try:
            self.newsroom.cluster_reports(slug, [(c.report_id, c.lead_id, c.similarity) for c in found], by=CLASSIFIER)
            return events
        except DomainError:
            pass
        events = 0
        for clustering in found:
            try:
                before = self.newsroom.current_story(slug).version
                after = self.newsroom.cluster_report(
                    slug, clustering.report_id, clustering.lead_id, similarity=clustering.similarity, by=CLASSIFIER
                )
                events += after - before
            except DomainError as error:  # an editor changed it meanwhile
                log.info("story %s: %s not clustered to %s: %s", slug, clustering.report_id, clustering.lead_id, error)
        return events

    def clusterings(self, story: Story, report_ids: Sequence[str]) -> tuple[list[Clustering], int]:
        """Where each of ``report_ids`` (new in ``story``) goes, as :meth:`Clusterer.cluster`
        would place them arriving in the order published after the story's other reports;
        with the events recording them takes (one per report moved, copies included)."""
        wanted = set(report_ids)
        seen = {rid: text_of(r) for rid, r in story.reports.items() if rid not in wanted}
        new = sorted(
            (text_of(r) for rid, r in story.reports.items() if rid in wanted),
            key=lambda t: (t.published_at, t.report_id),
        )
        if not new:
            return [], 0
        low = new[0].published_at - self.clusterer.window
        high = new[-1].published_at + self.clusterer.window
        index = self.clusterer.index(t for t in seen.values() if not t.lead and low <= t.published_at <= high)
        found: list[Clustering] = []
        events = 0
        for text in new:
            seen[text.report_id] = text
            clustering = self.clusterer.match(text, seen, index)
            if clustering is not None:
                events += record(seen, clustering, new=text.report_id)
                found.append(clustering)
            if clustering is None or clustering.lead_id == text.report_id:
                index.add(text)  # only leads are indexed: a copy is found through its lead
        self.items += len(new)
        return found, events

    def cluster_new(self, story: Story, report_ids: Sequence[str]) -> None:
        """Clusters reports just added to ``story`` within the same command, so
        they and their clusterings are saved together (one save, and no
        crash between them leaves copies unclustered). :attr:`last_events`:
        the events it added."""
        started = time.perf_counter()
        before = story.version
        found, _ = self.clusterings(story, report_ids)
        if found:
            try:
                story.cluster_reports([(c.report_id, c.lead_id, c.similarity) for c in found], by=CLASSIFIER)
            except DomainError as error:  # cannot happen on the state it was worked out on; keep the reports
                log.warning("story %s: copies not clustered: %s", story.slug, error)
        self.last_events = story.version - before
        self.seconds += time.perf_counter() - started

    def after_append(self, slug: str, report_ids: Sequence[str]) -> int:
        """Clusters a story's reports added earlier (by another command); returns the events it appended."""
        if not report_ids:
            return 0
        started = time.perf_counter()
        try:
            story = self.newsroom.current_story(slug)
        except DomainError:
            return 0
        found, events = self.clusterings(story, report_ids)
        if found:
            events = self._save(slug, found, events)
        self.seconds += time.perf_counter() - started
        return events
