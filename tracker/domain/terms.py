"""Terms and texts as tracking rules compare them: words, not characters.

Matching ignores case and accents; a term is a sequence of words whose
punctuation does not count and whose words may be written together; a term
ending in ``*`` matches any word starting so. See tracker.domain.rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Lower-case, accent-free words of ``text``: "Musk's xAI" -> ["musk", "s", "xai"]."""
    if not text:
        return []
    if text.isascii():
        return _WORD.findall(text.lower())
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return _WORD.findall(folded)


@dataclass(frozen=True)
class Term:
    """A phrase as written, and its comparison key (its words run together)."""

    text: str
    key: str
    prefix: bool = False

    @classmethod
    def of(cls, raw: str) -> Term:
        text = " ".join(str(raw).split())
        prefix = text.endswith("*")
        key = "".join(words(text.rstrip("*")))
        return cls(text=text, key=key, prefix=prefix)


class Text:
    """One field's words, prepared for looking up many terms quickly."""

    __slots__ = ("_starts", "joined", "tokens")

    def __init__(self, text: str) -> None:
        self.tokens = words(text)
        self.joined = "".join(self.tokens)
        self._starts: dict[str, list[int]] | None = None

    @property
    def starts(self) -> dict[str, list[int]]:
        """Each word's positions; built on the first lookup that could hit
        (most texts are only ever asked about terms they do not hold)."""
        if self._starts is None:
            starts: dict[str, list[int]] = {}
            for index, token in enumerate(self.tokens):
                starts.setdefault(token, []).append(index)
            self._starts = starts
        return self._starts

    def find(self, term: Term) -> list[tuple[int, int]]:
        """Word spans [start, end) where ``term`` occurs, respecting word boundaries."""
        key = term.key
        if not key or key not in self.joined:
            return []
        spans: list[tuple[int, int]] = []
        tokens = self.tokens
        starts = self.starts
        for length in range(1, len(key) + 1):
            head = key[:length]
            positions = starts.get(head, ())
            if not positions and not term.prefix:
                continue
            if term.prefix and length == len(key):
                # the whole key may end inside a longer word
                positions = [i for i, t in enumerate(tokens) if t.startswith(key)]
            for start in positions:
                end = _span_end(tokens, start, key, term.prefix)
                if end is not None and (start, end) not in spans:
                    spans.append((start, end))
        return sorted(spans)


def _span_end(tokens: Sequence[str], start: int, key: str, prefix: bool) -> int | None:
    acc = ""
    for index in range(start, len(tokens)):
        before = len(acc)
        acc += tokens[index]
        if acc == key:
            return index + 1
        if prefix and acc.startswith(key) and before < len(key):
            return index + 1
        if not key.startswith(acc):
            return None
    return None
