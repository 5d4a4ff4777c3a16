"""An index of many stories' terms: which stories an item could match at all.

Matching an item against every story costs the number of stories; most
stories' terms are not in most items. :class:`RuleIndex` puts the comparison
key of every term of every story (:attr:`Term.key`, the term's words run
together, as :meth:`Text.find` compares them) in one Aho-Corasick automaton
(pyahocorasick) and runs each field's :attr:`Text.joined` through it once.
An occurrence counts only where :meth:`Text.find` would count it: starting
at a word's start and, unless the term ends in ``*``, ending at a word's end
(``Meta`` is not in "metadata"; ``acqui*`` is in "acquisition";
``CharacterAI`` is in "Character.AI").

A story is a *candidate* for an item when every one of its ``all_of`` groups
has a term in the item or, without ``all_of``, when any ``any_of`` term is in
it; a story that is no candidate is not matched by :func:`match` (it would
say NONE), so judging only the candidates gives the same answers as judging
every story. ``none_of`` terms only ever turn a match down and are not
indexed. Pure Python: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import accumulate

import ahocorasick  # type: ignore[import-not-found]  # no stubs: used in this module only

from tracker.domain.rules import Rules, Term, Text

#: A term's id in the index: its key's number times two, plus one for a prefix term.
TermId = int


class RuleIndex:
    """The terms of ``rules`` (one entry per story, in the stories' order)."""

    __slots__ = ("_automaton", "_groups", "_postings")

    def __init__(self, rules: Sequence[Rules]) -> None:
        keys: dict[str, int] = {}
        #: term id -> (story position, group number) of every group holding it
        self._postings: dict[TermId, list[tuple[int, int]]] = {}
        #: story position -> how many groups must be hit (0: never a candidate)
        self._groups: list[int] = []
        for position, story in enumerate(rules):
            groups: tuple[tuple[Term, ...], ...] = story.all_of or ((story.any_of,) if story.any_of else ())
            self._groups.append(len(groups))
            for number, group in enumerate(groups):
                for term in group:
                    if not term.key:
                        continue
                    term_id = keys.setdefault(term.key, len(keys)) * 2 + term.prefix
                    postings = self._postings.setdefault(term_id, [])
                    if (position, number) not in postings:
                        postings.append((position, number))
        automaton = ahocorasick.Automaton()
        for key, number in keys.items():
            automaton.add_word(key, (number, len(key)))
        self._automaton = automaton if keys else None
        if self._automaton is not None:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._groups)

    def terms_in(self, fields: Iterable[Text]) -> set[TermId]:
        """The ids of the indexed terms that occur in any of ``fields``, word boundaries respected."""
        found: set[TermId] = set()
        automaton = self._automaton
        if automaton is None:
            return found
        for text in fields:
            joined = text.joined
            if not joined:
                continue
            offsets = list(accumulate((len(token) for token in text.tokens), initial=0))
            starts = set(offsets[:-1])
            ends = set(offsets[1:])
            for last, (number, length) in automaton.iter(joined):
                if last + 1 - length not in starts:
                    continue
                found.add(number * 2 + 1)  # a prefix term may end inside a word
                if last + 1 in ends:
                    found.add(number * 2)
        return found

    def candidates(self, fields: Iterable[Text]) -> list[int]:
        """The positions (ascending) of the stories whose rules could match an item with these fields."""
        hit: dict[int, set[int]] = {}
        for term_id in self.terms_in(fields):
            for position, number in self._postings.get(term_id, ()):
                hit.setdefault(position, set()).add(number)
        groups = self._groups
        return sorted(position for position, numbers in hit.items() if len(numbers) == groups[position])
