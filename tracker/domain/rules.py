"""Tracking rules: which wire items belong to a story, and why.

A story's rules are a small mapping (stored in the story's ``Opened`` and
``RulesChanged`` events, written in TOML in seeds/ and by ``tracker rules``):

``all_of``
    A list of groups; each group is a list of aliases of one thing
    (``["Character.AI", "Character AI", "Character Technologies"]``). Every
    group must be hit by at least one of its aliases. A plain string is a
    group of one.
``any_of``
    Terms of which at least ``min_any`` (default 1) distinct ones must be
    hit for a *strong* match. When ``all_of`` is satisfied but too few
    ``any_of`` terms are hit, the match is *weak*: the item goes to the
    story's suggestion inbox instead of the timeline.
``none_of``
    Exclusions: any hit rejects the item outright.
``min_any``
    See ``any_of`` (an integer >= 1).
``auto_append``
    ``true`` (default): strong matches are appended as reports by
    themselves. ``false``: every match waits in the suggestion inbox.
``parties``
    Optional table ``{canonical name = [aliases...]}`` used by the
    classifier to name the parties of a report.
``track_anything``
    ``true`` confirms rules without an ``all_of`` group: the story then takes
    any item that mentions one of the ``any_of`` terms. Without it such rules
    are refused (clearing "must mention" by mistake would flood the story).

A term may not be both required (``all_of``) or wanted (``any_of``) and
excluded (``none_of``). Every alias is kept as written (the form and
``to_dict`` give them all back), though aliases written alike for matching
("Character.AI", "Character AI") are looked up once.

Matching ignores case and accents, and compares words, not characters:
a term is a sequence of words, punctuation between words does not count,
and words may be written together, so ``Character.AI``, ``Character.ai``,
``Character AI`` and ``CharacterAI`` are the same term, while ``Meta`` does
not match ``metadata``. A term ending in ``*`` matches any word starting so
(``acqui*`` hits "acquire", "acquisition").

With neither ``all_of`` nor ``any_of`` a story tracks nothing. Every match
records the rules digest (a hash of the canonical rules), the terms hit and
where (title, summary or the item's full content). Pure Python: no I/O.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from tracker.domain.rule_checks import (
    MAX_TERM_LENGTH,
    MAX_TERMS,
    RULE_KEYS,
    RulesError,
    as_aliases,
    check_conflicts,
    check_names,
    check_track_anything,
    checked_terms,
)
from tracker.domain.terms import Term, Text, words

__all__ = [
    "MAX_TERMS",
    "MAX_TERM_LENGTH",
    "RULE_KEYS",
    "Hit",
    "Match",
    "Rules",
    "RulesError",
    "Strength",
    "Term",
    "Text",
    "match",
    "parse_rules",
    "rules_digest",
    "words",
]

# -- rules ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    all_of: tuple[tuple[Term, ...], ...] = ()
    any_of: tuple[Term, ...] = ()
    none_of: tuple[Term, ...] = ()
    min_any: int = 1
    auto_append: bool = True
    parties: tuple[tuple[str, tuple[Term, ...]], ...] = ()
    #: Names an editor said are not parties: never suggested again.
    not_parties: tuple[str, ...] = ()
    #: Confirmed: no all_of group, any item that mentions an any_of term is taken.
    track_anything: bool = False
    digest: str = field(default="", compare=False)
    #: The rules as written, every alias kept (what ``to_dict`` gives back).
    written: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def tracks_anything(self) -> bool:
        return bool(self.all_of or self.any_of)

    def to_dict(self) -> dict[str, Any]:
        """The canonical form stored in the story's events: every term as written,
        defaults left out, ``parties`` as {name: [its other spellings]}."""
        if self.written:
            return copy.deepcopy(dict(self.written))
        return self._matched_form()

    def _matched_form(self) -> dict[str, Any]:
        """The terms matching looks up (one per spelling that compares alike): what the digest hashes."""
        data: dict[str, Any] = {}
        if self.all_of:
            data["all_of"] = [[t.text for t in group] for group in self.all_of]
        if self.any_of:
            data["any_of"] = [t.text for t in self.any_of]
        if self.none_of:
            data["none_of"] = [t.text for t in self.none_of]
        if self.min_any != 1:
            data["min_any"] = self.min_any
        if not self.auto_append:
            data["auto_append"] = False
        if self.parties:
            data["parties"] = {name: [t.text for t in aliases] for name, aliases in self.parties}
        if self.not_parties:
            data["not_parties"] = list(self.not_parties)
        if self.track_anything:
            data["track_anything"] = True
        return data


def rules_digest(data: Mapping[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def parse_rules(raw: Mapping[str, Any] | None, *, strict: bool = False) -> Rules:
    """Validates a rules mapping (clear errors naming the key) and returns :class:`Rules`.

    ``strict`` (a new rule set, as the form and ``tracker rules`` save it) also
    refuses rules without an all_of group unless ``track_anything`` confirms
    them, a term both wanted and excluded, and a ``*`` inside a term. Rules
    already stored are read without those checks: a story saved before them
    keeps tracking what it tracked."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise RulesError(f"must be a table of all_of/any_of/none_of, got {type(raw).__name__}")
    unknown = sorted(set(raw) - set(RULE_KEYS))
    if unknown:
        raise RulesError(f"unknown key(s) {', '.join(unknown)} (known: {', '.join(RULE_KEYS)})")
    written: dict[str, Any] = {}
    groups_raw = raw.get("all_of", [])
    if isinstance(groups_raw, str) or not isinstance(groups_raw, (list, tuple)):
        raise RulesError('all_of must be a list of groups, e.g. [["Character.AI", "Character AI"]]')
    groups = []
    for index, group in enumerate(groups_raw):
        terms, spelled = checked_terms(group, f"all_of[{index}]", strict)
        if not terms:
            raise RulesError(f"all_of[{index}] is an empty group")
        groups.append(terms)
        written.setdefault("all_of", []).append(spelled)
    any_of, written["any_of"] = checked_terms(raw.get("any_of", []), "any_of", strict)
    none_of, written["none_of"] = checked_terms(raw.get("none_of", []), "none_of", strict)
    min_any = raw.get("min_any", 1)
    if isinstance(min_any, bool) or not isinstance(min_any, int) or min_any < 1:
        raise RulesError(f"min_any must be a whole number >= 1, got {min_any!r}")
    if any_of and min_any > len(any_of):
        raise RulesError(f"min_any is {min_any} but any_of has only {len(any_of)} terms")
    written["min_any"] = min_any
    auto = raw.get("auto_append", True)
    if not isinstance(auto, bool):
        raise RulesError(f"auto_append must be true or false, got {auto!r}")
    written["auto_append"] = auto
    parties_raw = raw.get("parties", {})
    if not isinstance(parties_raw, Mapping):
        raise RulesError('parties must be a table: {"Google" = ["Alphabet"]}')
    parties = []
    for name, aliases in parties_raw.items():
        if not isinstance(name, str) or not name.strip():
            raise RulesError("parties: a party name is empty")
        name = name.strip()
        terms, spelled = checked_terms([name, *as_aliases(aliases, name)], f"parties.{name}")
        parties.append((name, terms))
        written.setdefault("parties", {})[name] = [a for a in spelled if a != " ".join(name.split())]
    not_parties = check_names(raw.get("not_parties", []))
    written["not_parties"] = not_parties
    total = sum(len(g) for g in groups) + len(any_of) + len(none_of)
    if total > MAX_TERMS:
        raise RulesError(f"{total} terms; the limit is {MAX_TERMS}")
    track_anything = check_track_anything(groups, any_of, raw.get("track_anything", False), strict)
    if strict:
        check_conflicts(groups, any_of, none_of)
    written["track_anything"] = track_anything
    rules = Rules(
        all_of=tuple(groups),
        any_of=any_of,
        none_of=none_of,
        min_any=min_any,
        auto_append=auto,
        parties=tuple(parties),
        not_parties=tuple(not_parties),
        track_anything=track_anything,
    )
    data = rules._matched_form()
    if data and not rules.tracks_anything:
        raise RulesError("give all_of or any_of terms; none_of alone matches nothing")
    defaults: dict[str, Any] = {"min_any": 1, "auto_append": True, "track_anything": False}
    kept = {k: v for k, v in written.items() if v not in ([], {}) and defaults.get(k, ...) != v}
    return Rules(**{**rules.__dict__, "digest": rules_digest(data), "written": kept})


# -- matching ---------------------------------------------------------------------


class Strength(StrEnum):
    STRONG = "strong"  # append a report
    WEAK = "weak"  # suggest it to the story's inbox
    NONE = "none"
    EXCLUDED = "excluded"  # a none_of term was hit


@dataclass(frozen=True)
class Hit:
    term: str
    rule: str  # "all_of[0]", "any_of" or "none_of"
    where: str  # "title", "summary" or "content"


@dataclass(frozen=True)
class Match:
    strength: Strength
    rules_digest: str
    hits: tuple[Hit, ...] = ()

    @property
    def matched(self) -> bool:
        return self.strength in (Strength.STRONG, Strength.WEAK)

    def explain(self) -> str:
        """'strong: all_of[0] "Character.AI" (title); any_of "Meta" (summary) [rules 1a2b...]'"""
        return self._explanation

    @cached_property
    def _explanation(self) -> str:  # asked for twice per appended item: the report's evidence, its decision
        hits = "; ".join(f'{h.rule} "{h.term}" ({h.where})' for h in self.hits) or "no terms hit"
        return f"{self.strength.value}: {hits} [rules {self.rules_digest}]"


def _hits(term: Term, rule: str, fields: Iterable[tuple[str, Text]]) -> list[Hit]:
    for where, text in fields:
        if text.find(term):
            return [Hit(term.text, rule, where)]
    return []


def match(
    rules: Rules,
    title: str,
    summary: str = "",
    content: str = "",
    *,
    prepared: tuple[Text, Text] | tuple[Text, Text, Text] | None = None,
) -> Match:
    """Decides how strongly an item (title, summary and, when the feed gives
    one, its full content) belongs to a story under ``rules``. A term is
    credited to the first field that holds it, in that order."""
    if not rules.tracks_anything:
        return Match(Strength.NONE, rules.digest)
    if prepared is None:
        prepared = (Text(title), Text(summary), Text(content))
    fields: tuple[tuple[str, Text], ...] = (("title", prepared[0]), ("summary", prepared[1]))
    if len(prepared) == 3 and prepared[2].tokens:
        fields += (("content", prepared[2]),)
    for term in rules.none_of:
        found = _hits(term, "none_of", fields)
        if found:
            return Match(Strength.EXCLUDED, rules.digest, tuple(found))
    hits: list[Hit] = []
    for index, group in enumerate(rules.all_of):
        group_hits = [h for term in group for h in _hits(term, f"all_of[{index}]", fields)]
        if not group_hits:
            return Match(Strength.NONE, rules.digest)
        hits.extend(group_hits)
    any_hits = [h for term in rules.any_of for h in _hits(term, "any_of", fields)]
    hits.extend(any_hits)
    if not rules.any_of or len(any_hits) >= rules.min_any:
        strength = Strength.STRONG
    elif rules.all_of or any_hits:
        strength = Strength.WEAK
    else:
        strength = Strength.NONE
    if strength is Strength.NONE:
        return Match(strength, rules.digest)
    return Match(strength, rules.digest, tuple(hits))
