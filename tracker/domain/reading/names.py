"""Proper-name spans: organisations and people, known parties and regulators.

PETRARCH reads actors from dictionaries; a newsroom story knows only a few
parties, so a name is found three ways: a known party's alias (the story's
context, matched as words: "Character AI" = "Character.AI" = "CharacterAI",
capital letter as written so "meta-analysis" is not Meta), a regulator
("the FTC", "regulators"), or a discovered capitalised span ("Acme Corp",
"Noam Shazeer", "xAI"), cut at titles, outlets, days and places.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from tracker.domain.reading.authorities import GENERIC, REGULATOR_GATE, REGULATOR_NAMES, REGULATORS, regulator_like
from tracker.domain.reading.name_words import (
    ALONE,
    AND_HEADS,
    INNER_PLACE,
    MULTI_STOP,
    OF_HEADS,
    ORG_SUFFIXES,
    SECTOR_WORDS,
    STOP,
    VENUES,
)
from tracker.domain.rules import words

#: Hyphenated ordinary words that begin like a party's name ("Meta-analysis").
_COMPOUNDS = re.compile(r"-(?:analys[ie]s|data|physics|morphosis|stasis|bolic|bolism)\b", re.IGNORECASE)
_WORD = r"(?:[A-Z][A-Za-z0-9&]*(?:\.[A-Z][A-Za-z]*)?(?:-[A-Z][A-Za-z0-9]*)*|[a-z]{1,2}[A-Z][A-Za-z0-9]*)"
_SPAN = re.compile(rf"(?<![\w.]){_WORD}(?:(?:[ \t]+|[ \t]+&[ \t]+|[ \t]+(?:of|for|and)[ \t]+){_WORD})*(?![\w])")
_DISTINCT = re.compile(r"[a-z][A-Z]|[A-Za-z]\.[A-Z]|^[A-Z]{2,}$")
_PERSON = re.compile(r"^[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?: [A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?){1,2}$")
_COMPOUND = re.compile(r"[ \t]+(?:tie-up|deal|partnership|merger|pact|alliance|talks|agreement)\b", re.IGNORECASE)
_ACTS = re.compile(
    r"[ \t]+(?:said|says|has|have|had|is|was|will|would|could|can|cannot|may|might|must|did|does|do|and|also"
    r"|ceo|chief|president|founder|co-founder"
    r"|spokesperson|[a-z]+(?:ed|s))\b|[’']s\b",
    re.IGNORECASE,
)
_MULTI_STOP_RE = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, MULTI_STOP), key=len, reverse=True)) + r")\b", re.I
)
_TITLE_WORD = re.compile(r"\b[A-Za-z][a-z]{3,}\b")


@dataclass(slots=True, unsafe_hash=True)  # never mutated; frozen's __init__ costs per object
class Mention:
    """A name at [start, end) of a field: ``name`` canonical (known) or as found."""

    start: int
    end: int
    name: str
    known: bool = False
    person: bool = False
    regulator: bool = False
    proper: bool = True  # False for "regulators": an actor, not a name to suggest
    initial: bool = False  # a lone capitalised word opening a sentence: a name only if it acts


@dataclass(frozen=True)
class Aliases:
    """A context's aliases compiled once: one regex, and key -> canonical."""

    regex: re.Pattern[str] | None
    loose: re.Pattern[str] | None  # the same, any case: finds "meta" in "meta-analysis"
    canonical: dict[str, str]
    persons: frozenset[str]


def _alias_pattern(alias: str) -> str:
    parts = words(alias)
    if not parts:
        return ""
    body = r"[\s.\-]?".join(re.escape(p) for p in parts)
    head = alias.strip()[:1]
    if head.isupper() and parts[0][:1] == head.lower():
        body = f"{re.escape(head)}(?i:{body[1:]})"
    else:
        body = f"(?i:{body})"
    return body


@lru_cache(maxsize=256)
def _compile_aliases(parties: tuple[tuple[str, tuple[str, ...]], ...]) -> Aliases:
    canonical: dict[str, str] = {}
    patterns: list[str] = []
    firsts: set[str] = set()  # what an alias's match begins with, in any case: most positions fail at once
    persons = set()
    for name, aliases in parties:
        if _PERSON.match(name) and not _org_like(name) and not _first_word_alias(name, aliases):
            persons.add(name)
        for alias in (name, *aliases):
            key = "".join(words(alias))
            if key and key not in canonical:
                canonical[key] = name
                patterns.append(_alias_pattern(alias))
                firsts.add(key[0])
    patterns = sorted({p for p in patterns if p}, key=len, reverse=True)
    if not patterns:
        return Aliases(None, None, canonical, frozenset())
    body = "|".join(patterns)
    ahead = "(?=(?i:[" + "".join(re.escape(c) for c in sorted(firsts)) + "]))"
    regex = re.compile(rf"{ahead}(?<![\w])(?:{body})(?![\w])")
    loose = re.compile(rf"{ahead}(?<![\w])(?:{body})", re.IGNORECASE)
    return Aliases(regex, loose, canonical, frozenset(persons))


def _first_word_alias(name: str, aliases: tuple[str, ...]) -> bool:
    """ "Skyreach" for "Skyreach Airways": an organisation goes by its first word, a person by the last."""
    first = name.split()[0].lower()
    return any(a.strip().lower() == first for a in aliases)


@lru_cache(maxsize=8192)
def _word_key(spelling: str) -> str:
    return "".join(words(spelling))


def aliases_of(parties: Mapping[str, tuple[str, ...]]) -> Aliases:
    """The compiled aliases of a context (cached by content: contexts repeat every poll)."""
    return _compile_aliases(tuple((n, (a,) if isinstance(a, str) else tuple(a)) for n, a in parties.items()))


def _org_like(text: str) -> bool:
    lowered = [w.lower().strip(".") for w in text.split()]
    return bool(lowered) and (lowered[-1] in ORG_SUFFIXES or any(w in SECTOR_WORDS for w in lowered))


def distinct(name: str) -> bool:
    """A name that cannot be an ordinary word or a place: inner capitals, dots, all capitals, a company suffix."""
    return bool(_DISTINCT.search(name)) or _org_like(name)


def person_name(name: str) -> bool:
    """ "Agnieszka Holm": two or three capitalised words, no company word."""
    return bool(_PERSON.match(name)) and not distinct(name)


def title_cased(title: str) -> bool:
    """A headline in Title Case: its capitals say nothing about names."""
    long_words = _TITLE_WORD.findall(title)
    return len(long_words) >= 4 and all(w[0].isupper() for w in long_words)


def known_mentions(text: str, aliases: Aliases) -> list[Mention]:
    if aliases.regex is None:
        return []
    found = []
    for m in aliases.regex.finditer(text):
        if _COMPOUNDS.match(text, m.end()):
            continue  # "Meta-analysis" is a kind of study (left to the namesake check)
        name = aliases.canonical.get(_word_key(m.group(0)), m.group(0))
        found.append(
            Mention(
                m.start(), m.end(), name, known=True, person=name in aliases.persons, regulator=regulator_like(name)
            )
        )
    return found


def regulator_mentions(text: str) -> list[Mention]:
    found: list[Mention] = []
    if not REGULATOR_GATE.search(text.lower()):
        return found
    for m in REGULATORS.finditer(text):
        name = m.group(0)
        proper = not GENERIC.search(name)
        name = _tidy(name) if proper else name.lower()
        name = REGULATOR_NAMES.get(name.lower(), name)
        found.append(Mention(m.start(), m.end(), name, regulator=True, proper=proper))
    return found


def _tidy(name: str) -> str:
    return " ".join(name.split())


def discovered_mentions(text: str, sentence_starts: frozenset[int], distinct_only: bool = False) -> list[Mention]:
    """Capitalised spans that look like names, cut at stop words and titles."""
    found: list[Mention] = []
    blanks = [(m.start(), m.end()) for m in _MULTI_STOP_RE.finditer(text)] if _may_hold_outlets(text) else []
    for m in _SPAN.finditer(text):
        pieces = _pieces(text, m.start(), m.end(), blanks)
        if pieces and "-" in text[pieces[-1][0] : pieces[-1][1]] and _COMPOUND.match(text, pieces[-1][1]):
            start, end = pieces.pop()  # "the Microsoft-OpenAI tie-up": two parties, one hyphen
            cut = text.index("-", start, end)
            pieces += [(start, cut), (cut + 1, end)]
        for start, end in pieces:
            piece = text[start:end]
            skip, distinct, person, regulator, name = _piece(piece)
            if skip or (distinct_only and not distinct):
                continue
            initial = (
                " " not in piece
                and not distinct
                and _at_start(text, start, sentence_starts)
                and not _ACTS.match(text, end)  # "Google hired", "Alphabet CEO Sundar Pichai"
            )
            found.append(Mention(start, end, name, person=person, initial=initial, regulator=regulator))
    return found


@lru_cache(maxsize=16384)
def _piece(piece: str) -> tuple[bool, bool, bool, bool, str]:
    """What a piece of a name span is, by its text alone (names recur across items and polls):
    not a name, distinct, a person, a regulator, and its tidy spelling."""
    lowered = piece.lower()
    skip = lowered in MULTI_STOP or lowered in STOP or lowered in ALONE or _venue(lowered)
    distinct = bool(_DISTINCT.search(piece)) or _org_like(piece)
    return skip, distinct, bool(_PERSON.match(piece)) and not distinct, regulator_like(piece), _tidy(piece)


_TOKEN = re.compile(r"\S+")
_BLANK = re.compile(r"\s")


def _may_hold_outlets(text: str) -> bool:
    """Whether an outlet's or a place's two-word name may be in ``text`` (a case-blind match beyond ASCII: assume so)."""
    if not text.isascii():
        return True
    lowered = text.lower()
    return any(name in lowered for name in MULTI_STOP)


def _venue(lowered: str) -> bool:
    """ "High Court", "Court of Appeal": where a case is heard."""
    words = lowered.split()
    return words[-1] in VENUES or (len(words) > 2 and words[0] in VENUES and words[1] == "of")


def _at_start(text: str, start: int, sentence_starts: frozenset[int]) -> bool:
    while start not in sentence_starts and start > 0 and text[start - 1] in "\"'“‘(":
        start -= 1
    return start in sentence_starts


def _pieces(text: str, start: int, end: int, blanks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The span split at stop words ("The", "CEO", "Monday"), each piece trimmed."""
    pieces: list[tuple[int, int]] = []
    begin: int | None = None
    last_end = start
    if not _BLANK.search(text, start, end):  # one word, as most spans are
        token = text[start:end].lower()
        held = token in STOP or token == "&" or any(s <= start < e for s, e in blanks)
        return [] if held else [(start, end)]
    institution = text[start:end].split()[-1].lower() in AND_HEADS
    for w in _TOKEN.finditer(text, start, end):
        ws, we = w.start(), w.end()
        token = w.group(0).lower()
        if begin is not None and we < end and (token in INNER_PLACE or (token == "and" and institution)):
            last_end = we
            continue  # "Harwell County Pension Fund", "Arbitration and Conciliation Service": one name
        if token in STOP or token == "&" or any(s <= ws < e for s, e in blanks):
            if token in ("of", "for") and begin is not None and text[begin:last_end].split()[-1].lower() in OF_HEADS:
                continue
            if begin is not None:
                pieces.append((begin, last_end))
            begin = None
            continue
        if begin is None:
            begin = ws
        last_end = we
    if begin is not None:
        pieces.append((begin, last_end))
    return pieces


def merge(known: list[Mention], regulators: list[Mention], discovered: list[Mention]) -> list[Mention]:
    """One mention per place: known parties first, then regulators, then discovered
    names (a discovered span holding a known alias, like "Meta Financial Group",
    is left to the namesake check and kept whole)."""
    kept: list[Mention] = []
    taken = bytearray(max((m.end for m in (*known, *regulators, *discovered)), default=0))
    for group in (known, regulators, discovered):
        for mention in group:
            if not any(taken[mention.start : mention.end]):
                kept.append(mention)
                taken[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
    kept.sort(key=lambda m: m.start)
    return kept
