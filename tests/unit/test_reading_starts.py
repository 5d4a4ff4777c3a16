"""Phrase regexes tried only at the word starts that can open them give what a full scan gives."""

from __future__ import annotations

import random
import re

from tracker.domain.reading import phrases as ph
from tracker.domain.reading.phrasebook import KIND_PATTERNS
from tracker.domain.reading.starts import openings, scan, split, word_starts

SENTENCES = [
    "Meta is no longer in talks with Character.AI, and xAI declined to comment.",
    "The talks have broken down; Acme has not yet reached an agreement with Beta Corp's board.",
    "Velmar's board rejected Ostrander Pharma's improved offer — it's \"not there yet\" — and walked away.",
    "A judge ruled on Monday that the Guild's copyright claims against Parlance Labs may proceed.",
    "The Office for Fair Markets opened a phase-2 inquiry into the $4bn takeover; shares fell 3%.",
    "Jane Roe was named chief executive, replacing John Doe, who stepped down after the strike.",
    "Neither company responded to requests for comment; a spokesperson couldn’t be reached.",
]


def texts() -> list[str]:
    """The sentences, joined and cut at random places (words glued, punctuation first)."""
    rng = random.Random(16)
    out = [s.lower() for s in SENTENCES]
    for _ in range(300):
        joined = " ".join(rng.sample(SENTENCES, 3)).lower()
        cut = rng.randrange(len(joined))
        out.append(joined[cut:] + joined[:cut])
    return out


def test_every_phrase_regex_finds_the_same_matches_at_word_starts_as_in_a_full_scan():
    for _kind, regex, _folded, _verbal in ph._COMPILED:
        first = split(openings(regex))
        for text in texts():
            starts = word_starts(text)
            assert [m.span() for m in scan(regex, first, text, starts)] == [m.span() for m in regex.finditer(text)]


def test_most_phrase_regexes_are_bounded_and_an_unbounded_or_case_blind_one_is_scanned_whole():
    bounded = [openings(regex) for _kind, regex, _folded, _verbal in ph._COMPILED]
    assert sum(first is not None for first in bounded) >= len(KIND_PATTERNS)
    assert openings(re.compile(r"(?<![\w-])\w+ talks")) is None
    assert openings(re.compile(r"(?<![\w-])(?:talks)", re.IGNORECASE)) is None
    assert openings(re.compile(r"(?<![\w-])(?:(?:has|had) )?(?:ended|stopped) talks")) == frozenset({"ha", "en", "st"})


def full_scan(text: str) -> list[tuple[int, int, str, bool]]:
    """Every phrase regex over the whole text, no gate, no word starts: what find_hits must give."""
    lowered = text.lower()
    plain = len(lowered) == len(text)
    found = [
        (m.start(), m.end(), kind, verbal)
        for kind, regex, folded, verbal in ph._COMPILED
        for m in (regex.finditer(lowered) if plain else folded.finditer(text))
    ]
    found += [(m.start(), m.end(), kind, True) for kind, regex in ph._COMPILED_CASED for m in regex.finditer(text)]
    found.sort(key=lambda h: (h[0] - h[1], h[0]))
    kept, taken = [], bytearray(len(text))
    for start, end, kind, verbal in found:
        if not any(taken[start:end]):
            kept.append((start, end, kind.value, verbal))
            taken[start:end] = b"\x01" * (end - start)
    return sorted(kept)


def test_the_gated_word_start_scan_finds_every_phrase_a_full_scan_finds_in_any_case_and_script():
    samples = SENTENCES + [s.upper() for s in SENTENCES] + [s.replace("s", "ſ") for s in SENTENCES]
    samples += ["Acme named Ann Lee, replacing Bo Chan, who LEFT the company; Beta courts Gamma İnc."]
    for text in samples:
        assert sorted((h.start, h.end, h.kind.value, h.verbal) for h in ph.find_hits(text)) == full_scan(text), text
