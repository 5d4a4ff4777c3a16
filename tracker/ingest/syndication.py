"""Syndicated copies: a report whose text is a near copy of an earlier one.

When a scoop breaks, dozens of outlets rewrite it within hours (reordered
clauses, a synonym, an added attribution). Each rewrite is a report, but it
is one development and one source. After reports are appended to a story,
each new one is compared with the story's reports published within
:data:`WINDOW` of it that share a kind: near-duplicate text is estimated as
the Jaccard similarity of the MinHashes (``datasketch``) of their word
shingles. A report at or above :data:`THRESHOLD` is clustered (a
``ReportClustered`` event by ``classifier``) to that cluster's lead, its
earliest report; a late item published before the lead becomes the lead.

MinHashes are kept in memory per :class:`Syndication` (one poll cycle), so
a story's recent reports are hashed once per cycle, not once per item.
``THRESHOLD`` was set from the labelled set in ``tests/fixtures/syndication``
(pairwise precision and recall 1.0 there). Measured cost: hashing a report
and comparing go through a MinHash LSH index per story (:class:`StoryIndex`),
so a report is compared exactly only with the few that share a band with it;
the cost per item is in docs/performance.md.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from datasketch import MinHash, MinHashLSH  # type: ignore[import-untyped]

from tracker.application import Newsroom
from tracker.domain.errors import DomainError

log = logging.getLogger("tracker.ingest")

CLASSIFIER = "classifier"
WINDOW = timedelta(hours=48)
THRESHOLD = 0.4  # labelled set: copies >= 0.54 to their nearest earlier copy, other developments <= 0.28
NUM_PERM = 128  # estimate error ~0.04 near the threshold, well inside the labelled margin
SHINGLE = 2  # words per shingle
MAX_CANDIDATES = 32  # exact comparisons per new report
_WORD = re.compile(r"[^\W_]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "by",
        "with",
        "is",
        "are",
        "was",
        "be",
        "that",
        "this",
        "it",
        "its",
        "as",
        "from",
    ]
)


@dataclass(frozen=True)
class Text:
    """What the comparison needs of a report."""

    report_id: str
    text: str
    published_at: datetime
    kinds: frozenset[str]
    lead: str = ""  # "" when it is not a copy
    active: bool = True


@dataclass(frozen=True)
class Clustering:
    """``report_id`` is a copy of ``lead_id`` (estimated Jaccard ``similarity``)."""

    report_id: str
    lead_id: str
    similarity: float


def shingles(text: str) -> set[bytes]:
    """Word shingles of a text: lower-cased words (stop words left out) taken ``SHINGLE`` at a time."""
    words = [w for w in _WORD.findall(text.lower()) if w not in _STOP]
    if len(words) < SHINGLE:
        return {w.encode() for w in words}
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


SCHEME = "affine32"  # datasketch's default scheme, named so sketches can share their permutations


@functools.cache
def _permutations() -> Any:
    """The hash permutations of every sketch (seed 17), drawn once: datasketch
    draws them again for each MinHash it makes, which costs more than hashing a report."""
    return MinHash(num_perm=NUM_PERM, seed=17, scheme=SCHEME).permutations


@functools.cache
def lsh_params(threshold: float) -> tuple[int, int]:
    """(bands, rows) for an LSH index at ``threshold``: the library finds them by
    numerical integration, once per index; they depend on the threshold alone."""
    probe = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return probe.b, probe.r


def minhash(text: str) -> MinHash:
    sketch = MinHash(num_perm=NUM_PERM, seed=17, permutations=_permutations(), scheme=SCHEME)
    sketch.update_batch(list(shingles(text)))
    return sketch


def text_of(report: Mapping[str, Any]) -> Text:
    """From the dict the Story aggregate keeps per report."""
    return Text(
        report_id=report["report_id"],
        text=f"{report['headline']}\n{report['summary']}",
        published_at=report["published_at"],
        kinds=frozenset(report["kinds"]),
        lead=report.get("cluster_lead") or "",
        active=report["retraction"] is None,
    )


class Clusterer:
    """Finds the lead of a new report among a story's reports, with MinHashes kept per report."""

    def __init__(self, threshold: float = THRESHOLD, window: timedelta = WINDOW) -> None:
        self.threshold = threshold
        self.window = window
        self._sketches: dict[tuple[str, str], MinHash] = {}

    def sketch(self, report: Text) -> MinHash:
        key = (report.report_id, report.text)
        found = self._sketches.get(key)
        if found is None:
            found = self._sketches[key] = minhash(report.text)
        return found

    def index(self, texts: Iterable[Text]) -> StoryIndex:
        """An LSH index of a story's reports, so a new report is compared only
        with the few whose MinHashes share a band with its own (a story with
        thousands of reports in one window is not scanned per item)."""
        found = StoryIndex(self)
        for text in texts:
            found.add(text)
        return found

    def match(self, new: Text, others: Mapping[str, Text], index: StoryIndex | None = None) -> Clustering | None:
        """Where ``new`` goes: under the lead of its most similar report
        (within the window, a kind in common); or, published before that
        lead, the lead's clustering under ``new``. None: independent.
        ``index``: the story's :class:`StoryIndex` (built from ``others`` when not given)."""
        if index is None:
            index = self.index(others.values())
        best: tuple[float, Text] | None = None
        sketch = self.sketch(new)
        for report_id in index.candidates(sketch):
            other = others.get(report_id)
            if other is None or other.report_id == new.report_id or not other.active:
                continue
            if abs(other.published_at - new.published_at) > self.window:
                continue
            if not (other.kinds & new.kinds or not (other.kinds or new.kinds)):
                continue
            similarity = sketch.jaccard(self.sketch(other))
            if similarity >= self.threshold and (best is None or similarity > best[0]):
                best = (similarity, other)
        if best is None:
            return None
        similarity, other = best
        lead = others.get(other.lead) if other.lead else other
        if lead is None or lead.report_id == new.report_id:
            return None
        if (new.published_at, new.report_id) < (lead.published_at, lead.report_id):
            return Clustering(lead.report_id, new.report_id, round(similarity, 3))
        return Clustering(new.report_id, lead.report_id, round(similarity, 3))

    def cluster(self, texts: Iterable[Text]) -> dict[str, str]:
        """Each report's lead when they arrive in the order given (for measuring): report id -> lead ("")."""
        seen: dict[str, Text] = {}
        index = StoryIndex(self)
        for text in texts:
            seen[text.report_id] = text
            found = self.match(text, seen, index)
            if found is not None:
                _record(seen, found, new=text.report_id)
            if found is None or found.lead_id == text.report_id:
                index.add(text)
        return {rid: t.lead for rid, t in seen.items()}


class StoryIndex:
    """The MinHash LSH of one story's cluster leads (a band structure tuned
    for :data:`THRESHOLD`): candidates share a band, then are compared
    exactly. Only leads are indexed (leader clustering), so a scoop copied a
    thousand times is one entry, not a thousand."""

    def __init__(self, clusterer: Clusterer) -> None:
        self.clusterer = clusterer
        threshold = clusterer.threshold * 0.8  # a margin below: LSH is approximate
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, params=lsh_params(threshold))
        self.inserted: set[str] = set()

    def add(self, text: Text) -> None:
        if text.report_id not in self.inserted:
            self.inserted.add(text.report_id)
            self.lsh.insert(text.report_id, self.clusterer.sketch(text))

    def candidates(self, sketch: MinHash) -> list[str]:
        """At most :data:`MAX_CANDIDATES` of them: copies of one scoop share
        its lead, so comparing a few finds it (a templated wire can make
        thousands of reports share a band)."""
        return sorted(self.lsh.query(sketch))[:MAX_CANDIDATES]


def _record(seen: dict[str, Text], found: Clustering, *, new: str = "") -> int:
    """Applies a clustering to the texts (the copy's own copies move with it); returns the reports moved.
    ``new``: the report just arrived, which has no copies yet."""
    if found.report_id == new:
        moved = [new]
    else:
        moved = [rid for rid, t in seen.items() if rid == found.report_id or t.lead == found.report_id]
    for rid in moved:
        old = seen[rid]
        seen[rid] = Text(old.report_id, old.text, old.published_at, old.kinds, found.lead_id, old.active)
    return len(moved)


class Syndication:
    """Clusters the reports a poll cycle appends (one instance per cycle)."""

    def __init__(self, newsroom: Newsroom, clusterer: Clusterer | None = None) -> None:
        self.newsroom = newsroom
        self.clusterer = clusterer or Clusterer()
        self.items = 0
        self.seconds = 0.0

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

    def after_append(self, slug: str, report_ids: Sequence[str]) -> int:
        """Clusters the story's new reports; returns the events it appended."""
        if not report_ids:
            return 0
        started = time.perf_counter()
        events = 0
        try:
            story = self.newsroom.current_story(slug)
        except DomainError:
            return 0
        wanted = set(report_ids)
        # The story before these reports, then each of them in the order published, as :meth:`Clusterer.cluster`.
        seen = {rid: text_of(r) for rid, r in story.reports.items() if rid not in wanted}
        new = sorted(
            (text_of(r) for rid, r in story.reports.items() if rid in wanted),
            key=lambda t: (t.published_at, t.report_id),
        )
        found: list[Clustering] = []
        if not new:
            return 0
        low = new[0].published_at - self.clusterer.window
        high = new[-1].published_at + self.clusterer.window
        index = self.clusterer.index(t for t in seen.values() if not t.lead and low <= t.published_at <= high)
        for text in new:
            seen[text.report_id] = text
            clustering = self.clusterer.match(text, seen, index)
            if clustering is not None:
                events += _record(seen, clustering, new=text.report_id)
                found.append(clustering)
            if clustering is None or clustering.lead_id == text.report_id:
                index.add(text)  # only leads are indexed: a copy is found through its lead
        if found:
            events = self._save(slug, found, events)
        self.items += len(new)
        self.seconds += time.perf_counter() - started
        return events
