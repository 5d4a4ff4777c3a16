"""The story page's replay: the steps of tracker.application.replay, kept per story version.

A version never changes, so its steps are folded once per process and any
worker may serve any step; only ``?step=`` pages pay for the fold (the page
of the story now only links to step 1), which keeps the usual page fast on
stories of thousands of reports.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from tracker.application import StoryView
from tracker.application.replay import Replay, ReplayStep, replay_story, view_at_step
from web import queries

REPLAYS_KEPT = 8

_replays: OrderedDict[tuple[str, str, int], tuple[StoryView, Replay]] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Stepping:
    """What the replay control shows: where the reader is among the steps."""

    replay: Replay
    current: ReplayStep

    @property
    def total(self) -> int:
        return len(self.replay.steps)

    @property
    def previous(self) -> int | None:
        return self.current.number - 1 if self.current.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.current.number + 1 if self.current.number < self.total else None


def story_replay(slug: str) -> tuple[StoryView, Replay]:
    """The story now and its replay, folded once per story version."""
    key = (str(id(queries.runtime())), slug, queries.version_of(slug))
    with _lock:
        if key in _replays:
            _replays.move_to_end(key)
            return _replays[key]
    found = replay_story(queries.source(), slug)
    with _lock:  # kept under the version it was read at (the story may have moved on since the lookup)
        _replays[(key[0], slug, found[0].version)] = found
        while len(_replays) > REPLAYS_KEPT:
            _replays.popitem(last=False)
    return found


def at_step(slug: str, number: int) -> tuple[StoryView, Stepping]:
    """The story as it stood at step ``number`` (raises ``UnknownStep``) and the control's position."""
    view, found = story_replay(slug)
    return view_at_step(view, found, number), Stepping(found, found.step(number))
