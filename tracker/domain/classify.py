"""Classifying a wire item: report kinds and parties from its text.

Pure and deterministic. Each kind has a list of phrases (same word matching
as the tracking rules: case, accents and punctuation ignored, ``*`` for a
word prefix). A phrase preceded by a negation ("not", "no", "never",
"didn't") does not count for agreement_reached, confirmed or denied ("has
not confirmed" is not a confirmation). "no agreement" and "agreement
reached" exclude each other: the negative wins when both are found.

Parties come from the candidates the caller passes (canonical name ->
aliases): the story's rules (``parties`` and the first alias of every
``all_of`` group) and the parties its reports already name. The phrases
that decided every kind and party are returned as evidence, e.g.
``kind talks_held: "in talks" (title)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from tracker.domain.rules import Rules, Term, Text
from tracker.domain.vocabulary import Kind

CLASSIFIER = "feed-classifier/1"

KIND_PHRASES: dict[Kind, tuple[str, ...]] = {
    Kind.NO_AGREEMENT: (
        "no agreement",
        "no deal",
        "not reached",
        "yet to agree",
        "yet to reach",
        "without a deal",
        "without an agreement",
        "talks stalled",
        "talks collapsed",
        "talks broke down",
        "called off",
        "walked away",
        "no decision",
        "not agreed",
        "failed to agree",
    ),
    Kind.AGREEMENT_REACHED: (
        "agreed",
        "agrees to",
        "signed",
        "signs",
        "struck a deal",
        "strikes a deal",
        "strikes deal",
        "reached an agreement",
        "reached a deal",
        "licensing deal",
        "licensing agreement",
        "licence agreement",
        "license agreement",
        "deal to license",
        "will license",
        "to license",
        "acquires",
        "acquired",
        "completes",
        "completed the",
        "closed the deal",
        "seals deal",
        "sealed a deal",
    ),
    Kind.TALKS_HELD: (
        "talks",
        "held talks",
        "in talks",
        "discussions",
        "discussed",
        "negotiat*",
        "explored",
        "exploring",
        "courting",
        "courted",
        "approached",
        "early stage conversations",
    ),
    Kind.DECLINED_TO_COMMENT: (
        "declined to comment",
        "declined to say",
        "declined to discuss",
        "declined comment",
        "refused to comment",
        "would not comment",
        "no comment",
    ),
    Kind.NO_RESPONSE: (
        "did not respond",
        "didn't respond",
        "did not reply",
        "didn't reply",
        "not immediately respond*",
        "did not return",
        "could not be reached",
        "unavailable for comment",
        "no response",
    ),
    Kind.DENIED: ("denied", "denies", "deny", "dismissed reports", "rejected reports", "not true"),
    Kind.CONFIRMED: ("confirmed", "confirms", "said in a statement", "announced", "announces"),
    Kind.REGULATORY_SCRUTINY: (
        "regulator*",
        "antitrust",
        "anti trust",
        "competition authorit*",
        "competition watchdog",
        "watchdog",
        "FTC",
        "Federal Trade Commission",
        "Competition and Markets Authority",
        "CMA",
        "Justice Department",
        "Department of Justice",
        "DOJ",
        "European Commission",
        "probe",
        "inquiry",
        "investigat*",
        "scrutin*",
    ),
    Kind.LEGAL_ACTION: (
        "lawsuit*",
        "sued",
        "sues",
        "suing",
        "filed suit",
        "legal action",
        "complaint",
        "court filing",
        "in court",
        "judge",
        "litigation",
    ),
    Kind.PERSONNEL: (
        "hired",
        "hires",
        "hiring",
        "rejoin*",
        "joins",
        "joined",
        "steps down",
        "stepped down",
        "resign*",
        "appointed",
        "appoints",
        "named chief*",
        "departure",
        "leaves",
        "poach*",
        "acqui hire",
        "acquihire",
    ),
}

_NEGATABLE = {Kind.AGREEMENT_REACHED, Kind.CONFIRMED, Kind.DENIED}
_NEGATIONS = {"not", "no", "never", "t", "nor", "without"}  # "t": didn't, hasn't
_KIND_TERMS = {kind: tuple(Term.of(p) for p in phrases) for kind, phrases in KIND_PHRASES.items()}
# One search per kind over a field's run-together words: a kind none of whose keys occur
# there cannot be found by Text.find, so its terms are not looked up one by one.
_KIND_KEYS = {
    kind: re.compile("|".join(re.escape(t.key) for t in terms if t.key)) for kind, terms in _KIND_TERMS.items()
}


@lru_cache(maxsize=4096)
def _alias_term(alias: str) -> Term:
    return Term.of(alias)


def _may_hold(kind: Kind, fields: Iterable[tuple[str, Text]]) -> bool:
    keys = _KIND_KEYS[kind]
    return any(keys.search(text.joined) for _, text in fields)


_PERSON = re.compile(r"^[A-Z][a-z]+(?: [A-Z][a-z]+)+$")


@dataclass(frozen=True)
class Classification:
    kinds: tuple[Kind, ...]
    parties: tuple[str, ...]
    evidence: tuple[str, ...]
    classified_by: str = CLASSIFIER
    #: Parties named in the sentences that hold a statement ("Meta declined
    #: to comment"); empty when no statement names one.
    speakers: tuple[str, ...] = ()


_STATEMENTS = (Kind.DECLINED_TO_COMMENT, Kind.NO_RESPONSE, Kind.CONFIRMED, Kind.DENIED, Kind.AGREEMENT_REACHED)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def party_candidates(rules: Rules | None, known_parties: Iterable[str] = ()) -> dict[str, tuple[str, ...]]:
    """Canonical party name -> aliases, from a story's rules and its reports' parties.

    A person's surname alone also names them ("Musk" -> "Elon Musk").
    """
    candidates: dict[str, list[str]] = {}

    def add(name: str, *aliases: str) -> None:
        entry = candidates.setdefault(name, [name])
        for alias in aliases:
            if alias not in entry:
                entry.append(alias)

    if rules is not None:
        for name, terms in rules.parties:
            add(name, *(t.text for t in terms))
        for group in rules.all_of:
            add(group[0].text, *(t.text for t in group))
    for name in known_parties:
        if _PERSON.match(name):
            surname = name.split()[-1]
            add(name, surname) if len(surname) >= 4 else add(name)
        else:
            add(name)
    # a name already known under another canonical spelling keeps one entry
    merged: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for name, aliases in candidates.items():
        key = Term.of(name).key
        if key in seen:
            merged[seen[key]] = tuple(dict.fromkeys(merged[seen[key]] + tuple(aliases)))
            continue
        for alias in aliases:
            seen.setdefault(Term.of(alias).key, name)
        merged[name] = tuple(aliases)
    return merged


def classify(
    title: str,
    summary: str = "",
    parties: Mapping[str, Iterable[str]] | None = None,
    *,
    prepared: tuple[Text, Text] | None = None,
) -> Classification:
    """Kinds and parties of an item, with the phrases that decided them
    (``prepared``: title and summary as :class:`Text`, when the caller has them)."""
    title_text, summary_text = prepared or (Text(title), Text(summary))
    fields = (("title", title_text), ("summary", summary_text))
    kinds: list[Kind] = []
    evidence: list[str] = []
    for kind, terms in _KIND_TERMS.items():
        if not _may_hold(kind, fields):
            continue
        for term in terms:
            where = _first_hit(term, fields, negatable=kind in _NEGATABLE)
            if where:
                kinds.append(kind)
                evidence.append(f'kind {kind.value}: "{term.text}" ({where})')
                break
    if Kind.NO_AGREEMENT in kinds and Kind.AGREEMENT_REACHED in kinds:
        index = kinds.index(Kind.AGREEMENT_REACHED)
        kinds.pop(index)
        evidence.pop(index)
    if not kinds:
        kinds.append(Kind.OTHER)
        evidence.append("kind other: no kind phrase found")
    found_parties: list[str] = []
    for name, aliases in (parties or {}).items():
        for alias in aliases:
            where = _first_hit(_alias_term(alias), fields, negatable=False)
            if where:
                found_parties.append(name)
                evidence.append(f'party {name}: "{alias}" ({where})')
                break
    speakers = _speakers(title, summary, kinds, {n: a for n, a in (parties or {}).items() if n in found_parties})
    if speakers:
        evidence.append("speakers: " + ", ".join(speakers))
    return Classification(kinds=tuple(kinds), parties=tuple(found_parties), evidence=tuple(evidence), speakers=speakers)


def _speakers(title: str, summary: str, kinds: Iterable[Kind], parties: Mapping[str, Iterable[str]]) -> tuple[str, ...]:
    """The parties named in the sentences where a statement kind was found."""
    statements = [k for k in kinds if k in _STATEMENTS]
    if not statements:
        return ()
    sentences = [Text(part) for text in (title, summary) for part in _SENTENCE_END.split(text) if part.strip()]
    holding = [
        sentence
        for sentence in sentences
        if any(
            _first_hit(term, [("sentence", sentence)], negatable=kind in _NEGATABLE)
            for kind in statements
            if _KIND_KEYS[kind].search(sentence.joined)
            for term in _KIND_TERMS[kind]
        )
    ]
    found = []
    for name, aliases in parties.items():
        if any(sentence.find(_alias_term(alias)) for sentence in holding for alias in aliases):
            found.append(name)
    return tuple(found)


def _first_hit(term: Term, fields: Iterable[tuple[str, Text]], *, negatable: bool) -> str:
    if not term.key:
        return ""
    for where, text in fields:
        for start, _end in text.find(term):
            if negatable and any(t in _NEGATIONS for t in text.tokens[max(0, start - 2) : start]):
                continue
            return where
    return ""
