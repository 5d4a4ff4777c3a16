"""Matching and classifying items where they were parsed.

In a big cycle the parse processes have time to spare while the cycle's one
thread archives and appends. Matching an item against the stories' rules and
classifying a strong match are pure functions of its text, so a parse process
works them out next to the parse; the cycle's thread then only looks the
verdicts up. What it cannot look up (an item parsed elsewhere, a story whose
rules changed meanwhile) it works out itself, with the same functions.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.domain.classify import Classification, classify
from tracker.domain.rules import Match, Rules, Strength, Text, match
from tracker.ingest.parser import FeedItem, ParsedFeed, parse_feed

if TYPE_CHECKING:
    from tracker.ingest.tracking import Tracked

PARSE_NICENESS = 5
PR_SET_PDEATHSIG = 1  # linux/prctl.h

#: An item's text, as its verdicts are filed: (content hash, title length);
#: the length settles a title that itself holds the hash's separator.
TextKey = tuple[str, int]


@dataclass(frozen=True)
class Verdict:
    """An item's match with one story's rules and, for a strong one, its classification."""

    result: Match
    found: Classification | None


@dataclass(frozen=True)
class Judge:
    """What a parse process needs of one story: its rules and known parties."""

    slug: str
    rules: Rules
    parties: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, story: Tracked) -> Judge:
        return cls(story.slug, story.rules, dict(story.parties))


def text_key(title: str, content_hash: str) -> TextKey:
    """The hash covers title and summary; the title's length places the split."""
    return (content_hash, len(title))


def judge(items: Iterable[FeedItem], judges: Sequence[Judge]) -> dict[TextKey, dict[str, Verdict]]:
    """Every item's matched stories (slug -> verdict); an item no story matches maps to {}."""
    verdicts: dict[TextKey, dict[str, Verdict]] = {}
    for item in items:
        key = text_key(item.title, item.content_hash)
        if key in verdicts:
            continue
        prepared = (Text(item.title), Text(item.summary))
        found: dict[str, Verdict] = {}
        for story in judges:
            result = match(story.rules, item.title, item.summary, prepared=prepared)
            if not result.matched:
                continue
            classified = (
                classify(item.title, item.summary, story.parties, prepared=prepared)
                if result.strength is Strength.STRONG
                else None
            )
            found[story.slug] = Verdict(result, classified)
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
