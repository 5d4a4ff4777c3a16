"""The checks that keep tracking rules usable (see tracker.domain.rules).

Each refusal is a :class:`RulesError` whose message starts with the rules
key it is about (``all_of[1][0] ...``), and whose ``key`` says so, for a
form to put it beside its field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tracker.domain.errors import InvalidField
from tracker.domain.report import _FORBIDDEN
from tracker.domain.terms import Term

RULE_KEYS = (
    "all_of",
    "any_of",
    "none_of",
    "min_any",
    "auto_append",
    "parties",
    "not_parties",
    "track_anything",
)
MAX_TERMS = 300
MAX_TERM_LENGTH = 120


class RulesError(InvalidField):
    """Rules that cannot be used; the message names the key and the problem
    (``key``: the rules key it is about, for a form to put it beside its field)."""

    def __init__(self, problem: str, key: str = "") -> None:
        super().__init__("rules", problem)
        self.key = key or next((k for k in RULE_KEYS if problem.startswith(k)), "")


def checked_terms(raw: Any, where: str, strict: bool = False) -> tuple[tuple[Term, ...], list[str]]:
    """The terms to match (one per comparison key) and every term as written
    (whitespace tidied, exact repeats dropped): "Character.AI" and
    "Character AI" are looked up once but both kept."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, (list, tuple)):
        raise RulesError(f"{where} must be a list of terms, got {type(raw).__name__}")
    terms: list[Term] = []
    written: list[str] = []
    for index, item in enumerate(raw):
        if not isinstance(item, str):
            raise RulesError(f"{where}[{index}] must be text, got {item!r}")
        if _FORBIDDEN.search(item):
            raise RulesError(f"{where}[{index}] contains a control character; remove it")
        term = Term.of(item)
        if strict and ("*" in term.text.rstrip("*") or term.text.endswith("**")):
            raise RulesError(f"{where}[{index}] {item!r}: a * may only end a term (acqui* for acquire, acquisition)")
        if not term.key:
            raise RulesError(f"{where}[{index}] {item!r} has no letters or digits")
        if len(term.text) > MAX_TERM_LENGTH:
            raise RulesError(f"{where}[{index}] is longer than {MAX_TERM_LENGTH} characters")
        if term.prefix and len(term.key) < 3:
            raise RulesError(f"{where}[{index}] {item!r}: a wildcard term needs at least 3 letters")
        if all(t.key != term.key or t.prefix != term.prefix for t in terms):
            terms.append(term)
        if term.text not in written:
            written.append(term.text)
    return tuple(terms), written


def as_aliases(aliases: Any, name: str) -> list[str]:
    if isinstance(aliases, str):
        return [aliases]
    if not isinstance(aliases, (list, tuple)):
        raise RulesError(f"parties.{name} must be a list of aliases")
    return list(aliases)


def _covers(excluded: Term, term: Term) -> bool:
    """An exclusion hits wherever ``term`` does: the same words, or a wildcard they start with."""
    if excluded.prefix:
        return term.key.startswith(excluded.key)
    return not term.prefix and excluded.key == term.key


def check_conflicts(groups: Sequence[Sequence[Term]], any_of: Iterable[Term], none_of: Sequence[Term]) -> None:
    """Refuses a term that is both required (or wanted) and excluded: such a rule
    set throws out the very items it asks for."""
    wanted = [(f"all_of[{i}]", t) for i, group in enumerate(groups) for t in group]
    wanted += [("any_of", t) for t in any_of]
    for where, term in wanted:
        for excluded in none_of:
            if _covers(excluded, term):
                raise RulesError(
                    f'none_of "{excluded.text}" excludes {where} "{term.text}": a term cannot be both '
                    f"{'required' if where.startswith('all_of') else 'wanted'} and excluded",
                    key="none_of",
                )


def check_track_anything(groups: Sequence[object], any_of: Sequence[object], confirmed: Any, strict: bool) -> bool:
    """Rules without an all_of group take any item that mentions one any_of term:
    refused (``strict``) unless ``track_anything`` confirms it. Returns whether to keep the flag."""
    if not isinstance(confirmed, bool):
        raise RulesError(f"track_anything must be true or false, got {confirmed!r}")
    if groups or not any_of:
        return False  # not needed: there is a required group, or nothing is tracked
    if not confirmed and strict:
        raise RulesError(
            "all_of is empty: with no required group the story would take any item that mentions one of the "
            "any_of terms; add a must-mention group, or confirm with track_anything = true",
            key="all_of",
        )
    return confirmed


def check_names(raw: Any) -> list[str]:
    """The not_parties list: names an editor dismissed."""
    if isinstance(raw, str) or not isinstance(raw, (list, tuple)):
        raise RulesError("not_parties must be a list of names")
    for index, name in enumerate(raw):
        if not isinstance(name, str) or not name.strip() or _FORBIDDEN.search(name):
            raise RulesError(f"not_parties[{index}] must be a name, got {name!r}")
    return [str(n).strip() for n in raw]
