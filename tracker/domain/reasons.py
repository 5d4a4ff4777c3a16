"""Why an item matched a story, in plain words, and where its words are.

The stored reason stays what matching wrote (``Match.explain()``:
``weak: all_of[0] "Character.AI" (title) [rules 8f0562fb6d50]``, perhaps
led by a note such as ``not appended: ...``); this module reads it back and
says it the way a journalist would ("mentions Character.AI in the headline,
but none of: Meta, xAI, deal ...") with the story's rules, when they are the
rules it was matched under. The matched words are marked with
:func:`tracker.domain.highlight.marked`. Pure Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.domain.highlight import marked
from tracker.domain.rules import Hit, Rules

#: How many missing terms a reason names before "…".
NAMED_MISSING = 6

_WHERE = {"title": "the headline", "summary": "the summary", "content": "the full text"}
_STRENGTH = re.compile(r"(?:^|; )(strong|weak|excluded|none): ")
_RULES = re.compile(r"\s*\[rules ([0-9a-f]*)\]\s*$")
_HIT = re.compile(r'(all_of\[\d+\]|any_of|none_of) "(.+?)" \((title|summary|content)\)(?:; |$)')


@dataclass(frozen=True)
class Explained:
    """A stored reason read back: its note, strength, hits and the rules' digest."""

    note: str
    strength: str
    hits: tuple[Hit, ...]
    digest: str


def read_explanation(text: str) -> Explained:
    """Reads what ``Match.explain()`` wrote (with a leading note, if any); unknown text is kept as the note."""
    rules = _RULES.search(text)
    body = text[: rules.start()] if rules else text
    marks = list(_STRENGTH.finditer(body))
    if not marks:
        return Explained(text.strip(), "", (), rules.group(1) if rules else "")
    last = marks[-1]
    hits = tuple(Hit(m.group(2), m.group(1), m.group(3)) for m in _HIT.finditer(body[last.end() :]))
    return Explained(body[: last.start()].strip(), last.group(1), hits, rules.group(1) if rules else "")


def _listed(terms: Sequence[str]) -> str:
    shown = list(dict.fromkeys(terms))
    more = len(shown) > NAMED_MISSING
    return ", ".join(shown[:NAMED_MISSING]) + (" …" if more else "")


def _mentions(hits: Iterable[Hit]) -> str:
    by_place: dict[str, list[str]] = {}
    for hit in hits:
        by_place.setdefault(hit.where, [])
        if hit.term not in by_place[hit.where]:
            by_place[hit.where].append(hit.term)
    parts = []
    for where, terms in by_place.items():
        words = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]
        parts.append(f"{words} in {_WHERE.get(where, where)}")
    return "; ".join(parts)


def plain_reason(explained: Explained, rules: Rules | None) -> str:
    """The reason in words; ``rules`` are the story's rules now (their digest says whether they still apply)."""
    current = rules is not None and bool(explained.digest) and rules.digest == explained.digest
    wanted = [h for h in explained.hits if h.rule != "none_of"]
    excluded = [h for h in explained.hits if h.rule == "none_of"]
    if explained.strength == "excluded":
        text = f"excluded: mentions {_mentions(excluded)}, which the rules rule out"
    elif not wanted:
        text = explained.note or "no reason was recorded"
        return text[:1].upper() + text[1:]
    else:
        text = f"mentions {_mentions(wanted)}"
    if explained.strength == "weak":
        hit_any = {h.term for h in wanted if h.rule == "any_of"}
        if current and rules is not None and rules.any_of:
            missing = [t.text for t in rules.any_of if t.text not in hit_any]
            if rules.min_any > 1 and hit_any:
                text += f", but only {len(hit_any)} of the {rules.min_any} needed from: {_listed(missing)}"
            elif missing:
                text += f", but none of: {_listed(missing)}"
        else:
            text += ", but too few of the other words the rules wanted"
    elif explained.strength == "strong" and current and rules is not None and not rules.auto_append:
        text += " (this story's rules send every match to the inbox)"
    if explained.note:
        note = explained.note.removeprefix("not appended: ")
        text += f"; held back: {note}"
    if not current and explained.digest:
        text += " (under earlier rules)"
    return text[:1].upper() + text[1:]


__all__ = ["Explained", "marked", "plain_reason", "read_explanation"]
