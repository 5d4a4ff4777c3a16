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
from collections.abc import Sequence

from tracker.domain.errors import DomainError
from tracker.domain.story import Story
from tracker.ingest.near_copies import Clusterer, Clustering, record, text_of

log = logging.getLogger("tracker.ingest")

CLASSIFIER = "classifier"


class Syndication:
    """Clusters the reports a poll cycle appends (one instance per cycle, so a
    story's recent reports are hashed once per cycle)."""

    def __init__(self, clusterer: Clusterer | None = None) -> None:
        self.clusterer = clusterer or Clusterer()
        self.last_events = 0

    def clusterings(self, story: Story, report_ids: Sequence[str]) -> list[Clustering]:
        """Where each of ``report_ids`` (new in ``story``) goes, as :meth:`Clusterer.cluster`
        would place them arriving in the order published after the story's other reports."""
        wanted = set(report_ids)
        seen = {rid: text_of(r) for rid, r in story.reports.items() if rid not in wanted}
        new = sorted(
            (text_of(r) for rid, r in story.reports.items() if rid in wanted),
            key=lambda t: (t.published_at, t.report_id),
        )
        if not new:
            return []
        low = new[0].published_at - self.clusterer.window
        high = new[-1].published_at + self.clusterer.window
        index = self.clusterer.index(t for t in seen.values() if not t.lead and low <= t.published_at <= high)
        found: list[Clustering] = []
        for text in new:
            seen[text.report_id] = text
            clustering = self.clusterer.match(text, seen, index)
            if clustering is not None:
                record(seen, clustering, new=text.report_id)
                found.append(clustering)
            if clustering is None or clustering.lead_id == text.report_id:
                index.add(text)  # only leads are indexed: a copy is found through its lead
        return found

    def cluster_new(self, story: Story, report_ids: Sequence[str]) -> None:
        """Clusters reports just added to ``story`` within the same command, so
        they and their clusterings are saved together (one save, and no
        crash between them leaves copies unclustered). :attr:`last_events`:
        the events it added."""
        before = story.version
        found = self.clusterings(story, report_ids)
        if found:
            try:
                story.cluster_reports([(c.report_id, c.lead_id, c.similarity) for c in found], by=CLASSIFIER)
            except DomainError as error:  # cannot happen on the state it was worked out on; keep the reports
                log.warning("story %s: copies not clustered: %s", story.slug, error)
        self.last_events = story.version - before
