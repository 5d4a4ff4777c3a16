"""Where a phrase regex can begin: the first characters of its matches.

Every phrase pattern opens with ``(?<![\\w-])``, so a match starts at a word's
first character; knowing which one or two characters can open a match, :func:`scan`
tries a pattern only at those word starts instead of letting the regex
engine try every position of the text (most of its cost on short texts).
The analysis is conservative: a pattern it cannot bound is scanned whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as sre_constants  # type: ignore[attr-defined]  # the parser's view (3.11+)
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_C = sre_constants
#: A word start: a character that is not blank, after one that is not a word character or a hyphen.
WORD_STARTS = re.compile(r"(?<![\w-])\S")
_ZERO_WIDTH = {_C.AT, _C.ASSERT, _C.ASSERT_NOT}


_REPEATS = {_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", _C.MAX_REPEAT)}
_DEPTH = 2  # characters of an opening: two tell "in talks" from "the", "and", "is"
_Openings = set[tuple[str, bool]]  # (what a match can begin with, whether that is the whole match of the part)


def _sequence(items: Any) -> _Openings | None:
    """How a match of the parsed ``items`` can begin: (up to two characters, complete), or None: anything."""
    partial: set[str] = {""}  # begun, may go on with the next item
    done: _Openings = set()  # begun and fixed: the next items do not lengthen these
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        step = _item(op, av)
        if step is None:  # from here on anything: what was begun is all one can say
            done |= {(p, False) for p in partial}
            return None if "" in partial else done
        grown: set[str] = set()
        for begun in partial:
            for more, complete in step:
                joined = begun + more
                if len(joined) >= _DEPTH:
                    done.add((joined[:_DEPTH], False))
                elif complete:
                    grown.add(joined)
                else:
                    done.add((joined, False))
        partial = grown
        if not partial:
            break
    return done | {(p, True) for p in partial}


def _item(op: Any, av: Any) -> _Openings | None:
    if op is _C.LITERAL:
        return {(chr(av), True)}
    if op is _C.IN:
        chars = _charset(av)
        return None if chars is None else {(c, True) for c in chars}
    if op is _C.SUBPATTERN:
        return _sequence(av[3])
    if op is _C.BRANCH:
        found: _Openings = set()
        for branch in av[1]:
            openings = _sequence(branch)
            if openings is None:
                return None
            found |= openings
        return found
    if op in _REPEATS:
        low, high, item = av
        once = _sequence(item)
        if once is None:
            return None
        found = {(s, complete and high == 1) for s, complete in once}  # more repeats may follow
        return found | {("", True)} if low == 0 else found
    return None  # any character, a category, a back reference: not bounded


def _charset(av: Any) -> set[str] | None:
    chars: set[str] = set()
    for op, value in av:
        if op is _C.LITERAL:
            chars.add(chr(value))
        elif op is _C.RANGE and value[1] - value[0] < 128:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        else:
            return None
    return chars


def openings(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The one- or two-character strings one of which every match of ``pattern`` (case-sensitive)
    begins with; None: it can begin with anything, or be empty, or begin with a blank."""
    if pattern.flags & re.IGNORECASE:
        return None
    found = _sequence(sre_parse.parse(pattern.pattern, pattern.flags))
    if found is None:
        return None
    begins = frozenset(s for s, _complete in found)
    if "" in begins or any(s[0].isspace() for s in begins):
        return None
    return begins


def word_starts(text: str) -> dict[str, list[int]]:
    """The word starts of ``text`` by their first two characters, each list in order (a word's
    first character is its key's first: :func:`scan` finds one-character openings from these)."""
    pairs: dict[str, list[int]] = {}
    for m in WORD_STARTS.finditer(text):
        start = m.start()
        key = text[start : start + 2]
        if key in pairs:
            pairs[key].append(start)
        else:
            pairs[key] = [start]
    return pairs


def split(begins: frozenset[str] | None) -> tuple[frozenset[str], frozenset[str]] | None:
    """``begins`` as (its two-character openings, its one-character ones) for :func:`scan`."""
    if begins is None:
        return None
    return frozenset(b for b in begins if len(b) == 2), frozenset(b for b in begins if len(b) == 1)


def scan(
    pattern: re.Pattern[str],
    begins: tuple[frozenset[str], frozenset[str]] | None,
    text: str,
    starts: dict[str, list[int]],
) -> Iterator[re.Match[str]]:
    """The matches ``pattern.finditer(text)`` gives, trying only the word starts (``starts``, from
    :func:`word_starts`) that open with one of ``begins`` (from :func:`split`): ``pattern`` opens with
    a lookbehind for a non-word character, so no match begins elsewhere."""
    if begins is None:
        yield from pattern.finditer(text)
        return
    two, one = begins
    if one:
        candidates = [p for key, found in starts.items() if key in two or key[0] in one for p in found]
    else:
        candidates = [p for key in starts.keys() & two for p in starts[key]]
    candidates.sort()
    reached = 0
    match_at = pattern.match
    for start in candidates:
        if start >= reached:
            match = match_at(text, start)
            if match is not None:
                reached = match.end()
                yield match
