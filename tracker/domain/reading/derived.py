"""What the reader derives from a story's context alone, worked out once per context.

A poll cycle reads many items for the same :class:`StoryContext`; the sets
built from its topic words, dismissed names and parties are the same for
each, so they are kept beside the context (by identity, holding it, so an
id is never reused for another context while its entry lives).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tracker.domain.reading import cues
from tracker.domain.reading import names as nm
from tracker.domain.reading.model import StoryContext
from tracker.domain.rules import words

_LIMIT = 64
#: A story's word that makes it a labour dispute: its pay talks with a union are its news.
_LABOUR_TOPIC = re.compile(r"(?:strike|walkout|walk-out|industrial action|picket|stoppage)", re.IGNORECASE)


@lru_cache(maxsize=8192)
def key(name: str) -> str:
    """A name's words run together: its spelling-blind identity."""
    return "".join(words(name))


@dataclass(frozen=True)
class Derived:
    topic: frozenset[str]  # the keys of topic words that are no party's alias
    dismissed: frozenset[str]  # the keys of names an editor dismissed
    principal: frozenset[str]  # the story's own parties (all of them when it names none)
    labour: bool  # a strike or a union is the story: its pay talks are its news


_CACHE: dict[int, tuple[StoryContext, nm.Aliases, Derived]] = {}


def derived(context: StoryContext, aliases: nm.Aliases) -> Derived:
    """The derived sets of ``context`` whose aliases are ``aliases`` (its parties can change: they are
    compiled by content each read, and a new compilation derives again)."""
    entry = _CACHE.get(id(context))
    if entry is not None and entry[0] is context and entry[1] is aliases:
        return entry[2]
    principal = context.principal or frozenset(context.parties)
    found = Derived(
        topic=frozenset({key(w) for w in context.topic_words} - set(aliases.canonical)),
        dismissed=frozenset(key(d) for d in context.dismissed),
        principal=principal,
        labour=any(_LABOUR_TOPIC.match(w) for w in context.topic_words)
        or any(cues.LABOUR_PARTY.search(p) for p in principal),
    )
    if len(_CACHE) >= _LIMIT:
        _CACHE.clear()
    _CACHE[id(context)] = (context, aliases, found)
    return found
