"""Near copies: how alike two reports' texts are, and which earlier report
a new one copies.

Near-duplicate text is estimated as the Jaccard similarity of the MinHashes
of word shingles (``rensa``: a compiled MinHash and LSH that imports in a
millisecond; datasketch, with SciPy under it, took over half a second and
50 MB to import into every cycle). ``THRESHOLD`` was set from the labelled
set in ``tests/fixtures/syndication`` (pairwise precision and recall 1.0
there). A report is compared exactly only with the few cluster leads whose
MinHashes share an LSH band with its own (:class:`StoryIndex`); the cost per
item is in docs/performance.md. Pure computation: recording what it finds is
:mod:`tracker.ingest.syndication`'s.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from rensa import RMinHash as MinHash  # type: ignore[import-untyped]
from rensa import RMinHashLSH

WINDOW = timedelta(hours=48)
THRESHOLD = 0.4  # labelled set: copies >= 0.54 to their nearest earlier copy, other developments <= 0.28
NUM_PERM = 120  # estimate error ~0.045 near the threshold, well inside the labelled margin
BANDS = 40  # of 3 rows: pairs at 0.4 share a band 93% of the time, at 0.54 99.9%, at 0.15 13%
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


def minhash(text: str) -> MinHash:
    sketch = MinHash(num_perm=NUM_PERM, seed=17)
    sketch.update([s.decode() for s in shingles(text)])
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
                record(seen, found, new=text.report_id)
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
        self.lsh = RMinHashLSH(threshold=clusterer.threshold, num_perm=NUM_PERM, num_bands=BANDS)
        self.inserted: dict[str, int] = {}  # report id -> its key in the index (the order inserted)
        self.ids: list[str] = []

    def add(self, text: Text) -> None:
        if text.report_id not in self.inserted:
            self.inserted[text.report_id] = len(self.ids)
            self.lsh.insert(len(self.ids), self.clusterer.sketch(text))
            self.ids.append(text.report_id)

    def candidates(self, sketch: MinHash) -> list[str]:
        """At most :data:`MAX_CANDIDATES` of them: copies of one scoop share
        its lead, so comparing a few finds it (a templated wire can make
        thousands of reports share a band)."""
        return [self.ids[key] for key in sorted(self.lsh.query(sketch))[:MAX_CANDIDATES]]


def record(seen: dict[str, Text], found: Clustering, *, new: str = "") -> None:
    """Applies a clustering to the texts (the copy's own copies move with it).
    ``new``: the report just arrived, which has no copies yet."""
    if found.report_id == new:
        moved = [new]
    else:
        moved = [rid for rid, t in seen.items() if rid == found.report_id or t.lead == found.report_id]
    for rid in moved:
        old = seen[rid]
        seen[rid] = dataclasses.replace(old, lead=found.lead_id)
