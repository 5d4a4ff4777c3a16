"""Verb and phrase dictionaries per kind, with negation and modality cues.

PETRARCH codes an event from a verb dictionary; here each kind has regular
expressions, split into *verbal* phrases (a predicate: "signed", "declined
to comment") and *nominal* ones ("talks", "licensing deal"). The split
tells a coordinated clause ("... declined to comment and xAI did not
respond") from a coordinated noun phrase ("talks between Meta and xAI").
Everything is compiled at import: the reader runs for every matched item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick  # type: ignore[import-not-found]  # no stubs (as in rule_index.py)

from tracker.domain.reading.phrasebook import CASED, CASED_STEMS, KIND_PATTERNS, STEMS
from tracker.domain.reading.starts import WORD_STARTS, openings, split
from tracker.domain.vocabulary import Kind


@dataclass(slots=True, unsafe_hash=True)  # never mutated; frozen's __init__ costs per object
class Hit:
    """A phrase found in a field: its kind, offsets and whether it is a predicate."""

    kind: Kind
    start: int
    end: int
    text: str
    verbal: bool


def _compile(patterns: tuple[str, ...], flags: int = 0) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + r")(?![\w-])", flags)


# Each kind's phrases twice: for the lower-cased text (case-insensitive matching costs three times as much)
# and, for the rare text whose lower case changes its length, for the text as written.
_COMPILED: tuple[tuple[Kind, re.Pattern[str], re.Pattern[str], bool], ...] = tuple(
    (kind, _compile(patterns), _compile(patterns, re.IGNORECASE), verbal)
    for kind, (verbal_patterns, nominal_patterns) in KIND_PATTERNS.items()
    for patterns, verbal in ((verbal_patterns, True), (nominal_patterns, False))
    if patterns
)
#: The openings each phrase regex (for the lower-cased text) can begin with (see :mod:`.starts`).
_FIRST = tuple(split(openings(regex)) for _kind, regex, _folded, _verbal in _COMPILED)
_COMPILED_CASED = tuple((kind, _compile(patterns, re.IGNORECASE)) for kind, patterns in CASED.items())


def _gate() -> Any:
    """One automaton of every kind's stems: a single pass over a text says which kinds may occur in it."""
    kinds: dict[str, set[Kind | tuple[str, Kind]]] = {}
    for kind, stems in STEMS.items():
        for stem in stems:
            kinds.setdefault(stem, set()).add(kind)
    for kind, stems in CASED_STEMS.items():
        for stem in stems:
            kinds.setdefault(stem, set()).add(("cased", kind))
    automaton = ahocorasick.Automaton()
    for stem, found in kinds.items():
        automaton.add_word(stem, frozenset(found))
    automaton.make_automaton()
    return automaton


_GATE = _gate()


def _open_kinds(lowered: str) -> set[Kind | tuple[str, Kind]]:
    """The kinds whose stems occur (and ``("cased", kind)`` for the cased phrases' stems)."""
    found: set[Kind | tuple[str, Kind]] = set()
    return found.union(*[kinds for _end, kinds in _GATE.iter(lowered)])


def _by_opening() -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """Two characters -> the phrase regexes (indexes in ``_COMPILED``) a match of which can begin
    with them, and the regexes no two characters bound (scanned whole)."""
    by_key: dict[str, list[int]] = {}
    whole: list[int] = []
    for index, first in enumerate(_FIRST):
        if first is None or first[1]:
            whole.append(index)
            continue
        for key in first[0]:
            by_key.setdefault(key, []).append(index)
    return {key: tuple(found) for key, found in by_key.items()}, tuple(whole)


_BY_OPENING, _WHOLE = _by_opening()


@lru_cache(maxsize=512)
def _open_table(opened: frozenset[Kind]) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """:data:`_BY_OPENING` and :data:`_WHOLE` for the regexes of the ``opened`` kinds only (texts open few kinds)."""
    by_key = {}
    for key, indexes in _BY_OPENING.items():
        kept = tuple(i for i in indexes if _COMPILED[i][0] in opened)
        if kept:
            by_key[key] = kept
    return by_key, tuple(i for i in _WHOLE if _COMPILED[i][0] in opened)


def _matches(lowered: str, open_kinds: set[Kind | tuple[str, Kind]]) -> list[tuple[int, int, int, int, Kind, bool]]:
    """Every phrase regex's matches in ``lowered``, as ``finditer`` gives them, each tried only at the
    word starts that can open it (see :mod:`.starts`): one pass over the word starts for all regexes,
    each regex's own matches not overlapping. Entries: (start - end, start, regex index, end, kind, verbal)."""
    found: list[tuple[int, int, int, int, Kind, bool]] = []
    opened = frozenset(kind for kind in open_kinds if isinstance(kind, Kind))
    if not opened:
        return found
    by_opening, whole = _open_table(opened)
    reached = [0] * len(_COMPILED)
    compiled = _COMPILED
    for word in WORD_STARTS.finditer(lowered):
        start = word.start()
        for index in by_opening.get(lowered[start : start + 2], ()):
            if start >= reached[index]:
                kind, regex, _folded, verbal = compiled[index]
                match = regex.match(lowered, start)
                if match is not None:
                    end = reached[index] = match.end()
                    found.append((start - end, start, index, end, kind, verbal))
    for index in whole:
        kind, regex, _folded, verbal = compiled[index]
        found.extend((m.start() - m.end(), m.start(), index, m.end(), kind, verbal) for m in regex.finditer(lowered))
    return found


def find_hits(text: str) -> list[Hit]:
    """Every phrase in ``text``, overlaps resolved longest first (so "no longer in
    talks" beats "talks", "licensing deal" beats "deal with"); between two as long at
    the same place, the kind listed first."""
    lowered = text.lower()
    plain = len(lowered) == len(text)  # lower() keeps offsets (it does not for a few letters, such as "İ")
    open_kinds = _open_kinds(lowered)
    if plain:
        found = _matches(lowered, open_kinds)
    else:
        found = [
            (m.start() - m.end(), m.start(), index, m.end(), kind, verbal)
            for index, (kind, _regex, folded, verbal) in enumerate(_COMPILED)
            if kind in open_kinds
            for m in folded.finditer(text)
        ]
    ascii_text = text.isascii()  # beyond ASCII, a case-blind match may hold none of the stems ("ſ" matches "s")
    for index, (kind, regex) in enumerate(_COMPILED_CASED, len(_COMPILED)):
        if ascii_text and ("cased", kind) not in open_kinds:
            continue
        found.extend((m.start() - m.end(), m.start(), index, m.end(), kind, True) for m in regex.finditer(text))
    found.sort()  # longest first, then leftmost, then in the order of the kinds
    kept: list[Hit] = []
    taken = bytearray(len(text))
    for _length, start, _index, end, kind, verbal in found:
        if taken.find(1, start, end) < 0:
            kept.append(Hit(kind, start, end, text[start:end], verbal))
            taken[start:end] = b"\x01" * (end - start)
    kept.sort(key=lambda h: h.start)
    return kept


SPEAKING = frozenset({Kind.DECLINED_TO_COMMENT, Kind.NO_RESPONSE, Kind.DENIED, Kind.CONFIRMED})
