"""Where a phrase regex can begin: the first characters of its matches.

Every phrase pattern opens with ``(?<![\\w-])``, so a match starts at a word's
first character; knowing which characters can open a match, :func:`scan`
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


def _first(items: Any) -> tuple[frozenset[str] | None, bool]:
    """(the characters a match of ``items`` can begin with, or None for any; whether it can match empty)."""
    chars: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is _C.LITERAL:
            return frozenset(chars | {chr(av)}), False
        if op is _C.IN:
            found = _charset(av)
            return (None if found is None else frozenset(chars | found)), False
        if op is _C.BRANCH:
            nullable = False
            for branch in av[1]:
                first, empty = _first(branch)
                if first is None:
                    return None, False
                chars |= first
                nullable = nullable or empty
            if not nullable:
                return frozenset(chars), False
            continue
        if op is _C.SUBPATTERN:
            first, empty = _first(av[3])
            if first is None:
                return None, False
            chars |= first
            if not empty:
                return frozenset(chars), False
            continue
        if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
            low, _high, item = av
            first, empty = _first(item)
            if first is None:
                return None, False
            chars |= first
            if low > 0 and not empty:
                return frozenset(chars), False
            continue
        return None, False  # anything else (any character, a category, a back reference): not bounded
    return frozenset(chars), True


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


def first_characters(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The characters a match of ``pattern`` (case-sensitive) can begin with; None: any, or it may be empty."""
    if pattern.flags & re.IGNORECASE:
        return None
    first, empty = _first(sre_parse.parse(pattern.pattern, pattern.flags))
    if first is None or empty or any(c.isspace() for c in first):
        return None
    return first


def word_starts(text: str) -> dict[str, list[int]]:
    """The word starts of ``text`` by their first character, each list in order."""
    found: dict[str, list[int]] = {}
    for m in WORD_STARTS.finditer(text):
        found.setdefault(m.group(0), []).append(m.start())
    return found


def scan(
    pattern: re.Pattern[str], first: frozenset[str] | None, text: str, starts: dict[str, list[int]]
) -> Iterator[re.Match[str]]:
    """The matches ``pattern.finditer(text)`` gives, trying only the word starts (``starts``, from
    :func:`word_starts`) that ``first`` allows: ``pattern`` opens with a lookbehind for a non-word character, so no match
    begins elsewhere."""
    if first is None:
        yield from pattern.finditer(text)
        return
    candidates = [p for c in starts.keys() & first for p in starts[c]]
    if len(candidates) > 1:
        candidates.sort()
    reached = 0
    for start in candidates:
        if start >= reached:
            found = pattern.match(text, start)
            if found is not None:
                reached = found.end()
                yield found
