"""Where words occur in a text, as tracking rules and search find them.

:func:`marked` cuts a text into plain and matched pieces so a page can
highlight them (with ``<mark>``, escaping every piece: this escapes nothing);
:func:`snippet` keeps the part of a long text around its first match. Words
compare as matching compares them (case, accents and punctuation between
words ignored; ``word*`` a prefix). Pure Python.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from tracker.domain.terms import Term, Text

_WORD = re.compile(r"[^\W_]+")

Pieces = list[tuple[str, bool]]


def _fold(char: str) -> str:
    folded = unicodedata.normalize("NFKD", char)
    return "".join(c for c in folded if not unicodedata.combining(c)).casefold()


def _token_spans(text: str) -> list[tuple[str, int, int]]:
    """The words matching compares (lower-case, accent-free), each with its span in ``text``."""
    folded, origin = [], []
    for index, char in enumerate(text):
        piece = char.lower() if char.isascii() else _fold(char)
        folded.append(piece)
        origin.extend([index] * len(piece))
    joined = "".join(folded)
    return [(m.group(), origin[m.start()], origin[m.end() - 1] + 1) for m in _WORD.finditer(joined)]


def marked(text: str, terms: Iterable[str]) -> Pieces:
    """``text`` in pieces, True for those where one of ``terms`` occurs (as matching finds them)."""
    if not text:
        return []
    spans = _token_spans(text)
    prepared = Text(text)
    if [s[0] for s in spans] != prepared.tokens:  # a folding this cannot map back: show it unmarked
        return [(text, False)]
    ranges: list[tuple[int, int]] = []
    for raw in terms:
        term = Term.of(raw)
        for start, end in prepared.find(term):
            ranges.append((spans[start][1], spans[end - 1][2]))
    pieces: Pieces = []
    at = 0
    for start, end in sorted(ranges):
        if end <= at:
            continue
        start = max(start, at)
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def snippet(pieces: Pieces, width: int = 240) -> Pieces:
    """At most about ``width`` characters of ``pieces``, starting a little before the first match ("…" where cut)."""
    total = sum(len(text) for text, _ in pieces)
    if total <= width:
        return pieces
    first, at = 0, 0
    for text, hit in pieces:
        if hit:
            first = at
            break
        at += len(text)
    start = max(0, min(first - width // 4, total - width))
    end = start + width
    cut: Pieces = [("…", False)] if start else []
    at = 0
    for text, hit in pieces:
        lo, hi = max(start, at), min(end, at + len(text))
        if lo < hi:
            cut.append((text[lo - at : hi - at], hit))
        at += len(text)
    if end < total:
        cut.append(("…", False))
    return cut
