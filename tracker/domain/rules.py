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

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from tracker.domain.errors import InvalidField
from tracker.domain.report import _FORBIDDEN

RULE_KEYS = ("all_of", "any_of", "none_of", "min_any", "auto_append", "parties", "not_parties")
MAX_TERMS = 300
MAX_TERM_LENGTH = 120
_WORD = re.compile(r"[^\W_]+")


class RulesError(InvalidField):
    """Rules that cannot be used; the message names the key and the problem."""

    def __init__(self, problem: str) -> None:
        super().__init__("rules", problem)


# -- text -----------------------------------------------------------------------


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
    digest: str = field(default="", compare=False)

    @property
    def tracks_anything(self) -> bool:
        return bool(self.all_of or self.any_of)

    def to_dict(self) -> dict[str, Any]:
        """The canonical form stored in the story's events."""
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
        return data


def rules_digest(data: Mapping[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def _terms(raw: Any, where: str) -> tuple[Term, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, (list, tuple)):
        raise RulesError(f"{where} must be a list of terms, got {type(raw).__name__}")
    terms: list[Term] = []
    for index, item in enumerate(raw):
        if not isinstance(item, str):
            raise RulesError(f"{where}[{index}] must be text, got {item!r}")
        if _FORBIDDEN.search(item):
            raise RulesError(f"{where}[{index}] contains a control character; remove it")
        term = Term.of(item)
        if not term.key:
            raise RulesError(f"{where}[{index}] {item!r} has no letters or digits")
        if len(term.text) > MAX_TERM_LENGTH:
            raise RulesError(f"{where}[{index}] is longer than {MAX_TERM_LENGTH} characters")
        if term.prefix and len(term.key) < 3:
            raise RulesError(f"{where}[{index}] {item!r}: a wildcard term needs at least 3 letters")
        if all(t.key != term.key or t.prefix != term.prefix for t in terms):
            terms.append(term)
    return tuple(terms)


def parse_rules(raw: Mapping[str, Any] | None) -> Rules:
    """Validates a rules mapping (clear errors naming the key) and returns :class:`Rules`."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise RulesError(f"must be a table of all_of/any_of/none_of, got {type(raw).__name__}")
    unknown = sorted(set(raw) - set(RULE_KEYS))
    if unknown:
        raise RulesError(f"unknown key(s) {', '.join(unknown)} (known: {', '.join(RULE_KEYS)})")
    groups_raw = raw.get("all_of", [])
    if isinstance(groups_raw, str) or not isinstance(groups_raw, (list, tuple)):
        raise RulesError('all_of must be a list of groups, e.g. [["Character.AI", "Character AI"]]')
    groups = []
    for index, group in enumerate(groups_raw):
        terms = _terms(group, f"all_of[{index}]")
        if not terms:
            raise RulesError(f"all_of[{index}] is an empty group")
        groups.append(terms)
    any_of = _terms(raw.get("any_of", []), "any_of")
    none_of = _terms(raw.get("none_of", []), "none_of")
    min_any = raw.get("min_any", 1)
    if isinstance(min_any, bool) or not isinstance(min_any, int) or min_any < 1:
        raise RulesError(f"min_any must be a whole number >= 1, got {min_any!r}")
    if any_of and min_any > len(any_of):
        raise RulesError(f"min_any is {min_any} but any_of has only {len(any_of)} terms")
    auto = raw.get("auto_append", True)
    if not isinstance(auto, bool):
        raise RulesError(f"auto_append must be true or false, got {auto!r}")
    parties_raw = raw.get("parties", {})
    if not isinstance(parties_raw, Mapping):
        raise RulesError('parties must be a table: {"Google" = ["Alphabet"]}')
    parties = []
    for name, aliases in parties_raw.items():
        if not isinstance(name, str) or not name.strip():
            raise RulesError("parties: a party name is empty")
        parties.append((str(name).strip(), _terms([name, *_as_list(aliases, name)], f"parties.{name}")))
    not_raw = raw.get("not_parties", [])
    if isinstance(not_raw, str) or not isinstance(not_raw, (list, tuple)):
        raise RulesError("not_parties must be a list of names")
    for index, name in enumerate(not_raw):
        if not isinstance(name, str) or not name.strip() or _FORBIDDEN.search(name):
            raise RulesError(f"not_parties[{index}] must be a name, got {name!r}")
    total = sum(len(g) for g in groups) + len(any_of) + len(none_of)
    if total > MAX_TERMS:
        raise RulesError(f"{total} terms; the limit is {MAX_TERMS}")
    rules = Rules(
        all_of=tuple(groups),
        any_of=any_of,
        none_of=none_of,
        min_any=min_any,
        auto_append=auto,
        parties=tuple(parties),
        not_parties=tuple(str(n).strip() for n in not_raw),
    )
    data = rules.to_dict()
    if data and not rules.tracks_anything:
        raise RulesError("give all_of or any_of terms; none_of alone matches nothing")
    return Rules(**{**rules.__dict__, "digest": rules_digest(data)})


def _as_list(aliases: Any, name: str) -> list[str]:
    if isinstance(aliases, str):
        return [aliases]
    if not isinstance(aliases, (list, tuple)):
        raise RulesError(f"parties.{name} must be a list of aliases")
    return list(aliases)


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
