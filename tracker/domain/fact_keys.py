"""The keys of a story's facts (see :mod:`.state`): one spelling for a
name, an unordered pair and a statement's matter."""

from __future__ import annotations

import re

from tracker.domain.report import party_key

_KEY_PART = 60  # a fact key holds two names at most: 2 x 60 + the rest < 260
_RELATION_LABEL = re.compile(r"^([a-z_]+) (.+)–(.+)$")


def name_key(name: str) -> str:
    return party_key(name)[:_KEY_PART]


def pair_key(a: str, b: str) -> str:
    return "|".join(sorted((name_key(a), name_key(b))))


def relation_label(about: str) -> tuple[str, str, str] | None:
    """(kind, a, b) of a matter written as a relation ("talks_held Meta–Character.AI")."""
    found = _RELATION_LABEL.match(about)
    return (found.group(1), found.group(2), found.group(3)) if found else None


def matter_key(about: str) -> str:
    """One key for a statement's matter: a relation label by its pair, other
    text by its letters (empty: no matter in particular)."""
    label = relation_label(about)
    if label:
        return "pair=" + pair_key(label[1], label[2])
    return re.sub(r"[^0-9a-z]+", "", about.lower())[:_KEY_PART]
