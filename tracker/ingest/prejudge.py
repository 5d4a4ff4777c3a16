"""Matching and reading items where they were parsed.

In a big cycle the parse processes have time to spare while the cycle's one
thread archives and appends. Matching an item against the stories' rules and
reading a strong match (:func:`~tracker.domain.reading.read.read`) are pure
functions of its text and the story's context, so a parse process works them
out next to the parse; the cycle's thread then only looks the verdicts up.
What it cannot look up (an item parsed elsewhere, a story whose rules
changed meanwhile) it works out itself, with the same functions.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import pickle
import signal
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker.domain.reading.model import Reading, StoryContext
from tracker.domain.reading.read import read
from tracker.domain.rule_index import RuleIndex
from tracker.domain.rules import Match, Rules, Strength, Text, match
from tracker.ingest.parser import FeedItem, ParsedFeed, parse_feed

if TYPE_CHECKING:
    from tracker.ingest.tracking import Tracked

PARSE_NICENESS = 5
PR_SET_PDEATHSIG = 1  # linux/prctl.h

#: An item's text, as its verdicts are filed: (content hash, title length,
#: digest of the full content); the length settles a title that itself holds
#: the hash's separator, the digest a body that changed under the same summary.
TextKey = tuple[str, int, str]


@dataclass(frozen=True)
class Verdict:
    """An item's match with one story's rules and, for a strong one, its reading
    (with the seconds that reading took, for the cycle's cost figures)."""

    result: Match
    found: Reading | None
    read_seconds: float = 0.0


@dataclass(frozen=True)
class Judge:
    """What a parse process needs of one story: its rules and what the reader knows of it."""

    slug: str
    rules: Rules
    context: StoryContext

    @classmethod
    def of(cls, story: Tracked) -> Judge:
        return cls(story.slug, story.rules, story.context)


class Judges(tuple[Judge, ...]):
    """A cycle's judges as the fetch threads hand them to the parse processes
    with every feed: pickled once (not again for every feed), and unpickled
    once per process (a process keeps the last set it was sent and is sent
    only its digest's match again). With a thousand stories a pickle is
    hundreds of kilobytes and takes far longer to rebuild than a feed to parse."""

    _shipped: tuple[str, bytes] | None = None

    def shipped(self) -> tuple[str, bytes]:
        """(digest, pickle) of the plain tuple, worked out once (a race works it out twice, alike)."""
        if self._shipped is None:
            blob = pickle.dumps(tuple(self), protocol=pickle.HIGHEST_PROTOCOL)
            self._shipped = (hashlib.blake2b(blob, digest_size=16).hexdigest(), blob)
        return self._shipped

    def __reduce__(self) -> tuple[Any, tuple[str, bytes]]:
        return (_received, self.shipped())


#: The judges a parse process was last sent: (digest, judges).
_received_last: tuple[str, tuple[Judge, ...]] | None = None


def _received(digest: str, blob: bytes) -> tuple[Judge, ...]:
    global _received_last
    if _received_last is None or _received_last[0] != digest:
        _received_last = (digest, pickle.loads(blob))
    return _received_last[1]


def text_key(title: str, content_hash: str, content: str = "") -> TextKey:
    """The hash covers title and summary; the title's length places the split; the
    full content (not in the hash, so archives keep their hashes) has its own digest."""
    body = hashlib.blake2b(content.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest() if content else ""
    return (content_hash, len(title), body)


def timed_read(title: str, summary: str, content: str, context: StoryContext) -> tuple[Reading, float]:
    """The reading of an item for a story, and the seconds it took."""
    started = time.perf_counter()
    reading = read(title, summary, content, context)
    return reading, time.perf_counter() - started


#: The last index built, with the stories it was built for: a parse process
#: judges feed after feed for the same stories (one cycle's).
_index: tuple[Sequence[Judge], tuple[tuple[str, str], ...], RuleIndex] | None = None


def rule_index(judges: Sequence[Judge]) -> RuleIndex:
    """The index of these stories' rules (built once for a cycle's stories)."""
    global _index
    if _index is not None and _index[0] is judges:
        return _index[2]
    wanted = tuple((story.slug, story.rules.digest) for story in judges)
    if _index is None or _index[1] != wanted:
        _index = (judges, wanted, RuleIndex([story.rules for story in judges]))
    else:
        _index = (judges, wanted, _index[2])
    return _index[2]


def judge(items: Iterable[FeedItem], judges: Sequence[Judge]) -> dict[TextKey, dict[str, Verdict]]:
    """Every item's matched stories (slug -> verdict); an item no story matches maps to {}.
    Only the stories whose terms the item holds are matched (see rule_index)."""
    verdicts: dict[TextKey, dict[str, Verdict]] = {}
    index = rule_index(judges)
    for item in items:
        key = text_key(item.title, item.content_hash, item.content)
        if key in verdicts:
            continue
        prepared = (Text(item.title), Text(item.summary), Text(item.content))
        found: dict[str, Verdict] = {}
        for position in index.candidates(prepared):
            story = judges[position]
            result = match(story.rules, item.title, item.summary, item.content, prepared=prepared)
            if not result.matched:
                continue
            if result.strength is Strength.STRONG:
                reading, seconds = timed_read(item.title, item.summary, item.content, story.context)
                found[story.slug] = Verdict(result, reading, seconds)
            else:
                found[story.slug] = Verdict(result, None)
        verdicts[key] = found
    return verdicts


def parse_and_judge(
    body: bytes, headers: Mapping[str, str], url: str, judges: Sequence[Judge]
) -> tuple[ParsedFeed, dict[TextKey, dict[str, Verdict]]]:
    """What a parse process runs: the parse (raising FeedError as parse_feed does), then the verdicts."""
    parsed = parse_feed(body, headers, url)
    return parsed, judge(parsed.items, judges)


def parse_process_started(parent: int | None = None) -> None:
    """Parse processes die with the poller and yield to the cycle's own thread,
    which stores and matches what they parse. (It lives here, not with the
    orchestrator, so a parse process imports only the parser and the domain,
    never the store.)"""
    if parent is not None:
        die_with_parent(parent)
    try:
        os.nice(PARSE_NICENESS)
    except OSError:
        pass


def die_with_parent(parent: int) -> None:
    """Asks Linux to SIGKILL this process when its parent dies (a SIGKILLed poller
    cannot shut its pool down), then checks the parent is still the one expected:
    if it died before the request, nothing would ever deliver that signal."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass
    if os.getppid() != parent:
        os._exit(1)


def process_ready() -> int:
    """A no-op task: submitting one per process starts them all while the cycle sets up."""
    return os.getpid()
