"""The keys of a story's facts (see :mod:`.state`): one spelling for a
name, an unordered pair and a statement's matter."""

from __future__ import annotations

import itertools
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


#: Words that name one matter in several ways ("the talks", "the partnership
#: reports"), so a speaker's answer is matched to its silence by the matter.
_CONCEPTS = {
    **dict.fromkeys(
        (
            "talk",
            "talks",
            "discussion",
            "discussions",
            "negotiation",
            "negotiations",
            "partnership",
            "partnerships",
            "courtship",
            "conversations",
            "approach",
            "approaches",
            "tie",
            "merger",
        ),
        "talks",
    ),
    **dict.fromkeys(
        ("deal", "deals", "agreement", "agreements", "licence", "license", "licensing", "contract"), "deal"
    ),
    **dict.fromkeys(("suit", "lawsuit", "lawsuits", "case", "claims", "claim", "ruling", "court", "trial"), "case"),
    **dict.fromkeys(("inquiry", "probe", "investigation", "scrutiny", "review", "questionnaires"), "inquiry"),
    **dict.fromkeys(("settlement", "settle", "settled"), "settlement"),
    **dict.fromkeys(("hire", "hiring", "appointment", "departure", "role"), "people"),
}
_KIND_CONCEPT = {
    "talks_held": "talks",
    "no_agreement": "talks",
    "talks_ended": "talks",
    "agreement_reached": "deal",
    "legal_action": "case",
    "regulatory_scrutiny": "inquiry",
    "personnel": "people",
}
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "about",
        "to",
        "its",
        "it",
        "their",
        "his",
        "her",
        "they",
        "them",
        "this",
        "that",
        "these",
        "those",
        "with",
        "for",
        "in",
        "and",
        "or",
        "by",
        "from",
        "over",
        "into",
        "at",
        "as",
        "is",
        "was",
        "be",
        "been",
        "whether",
        "any",
        "what",
        "how",
        "reports",
        "report",
        "request",
        "requests",
        "comment",
        "comments",
        "question",
        "questions",
        "matter",
        "plan",
        "plans",
        "said",
        "says",
    ]
)


def matter_key(about: str) -> str:
    """One key for a statement's matter: a relation label as ``rel=kind=pair``,
    other text as its words joined by hyphens (empty: no matter in particular)."""
    label = relation_label(about)
    if label:
        return f"rel={label[0]}={pair_key(label[1], label[2])}"
    return "-".join(re.findall(r"[0-9a-z]+", about.lower()))[:_KEY_PART].strip("-")


def matter_terms(key: str) -> frozenset[str]:
    """What a matter key is about: concepts ("talks", "deal"...), the other
    words, and for a relation its kind's concept and both parties."""
    if key.startswith("rel="):
        _, kind, pair = key.split("=", 2)
        return frozenset({_KIND_CONCEPT.get(kind, kind), *pair.split("|")})
    raw = [w for w in key.split("-") if w]
    words = [w for w in raw if w not in _STOP]
    joined = {a + b for a, b in itertools.pairwise(raw)}  # "character ai" names the party characterai
    return frozenset({_CONCEPTS.get(w, w) for w in words} | joined)


def concept_of(about: str) -> str | None:
    """The one concept a short matter names ("the talks" -> "talks", "the lawsuit" -> "case"), else None."""
    words = [w for w in re.findall(r"[0-9a-z]+", about.lower()) if w not in _STOP]
    return _CONCEPTS.get(words[0]) if len(words) == 1 else None


def kind_concept(kind: str) -> str:
    return _KIND_CONCEPT.get(kind, kind)


def same_matter(asked: str, answered: str) -> bool:
    """Whether an answer on ``answered`` speaks to a silence on ``asked`` (matter keys).

    A silence on nothing in particular is answered by any later answer; an
    answer on nothing in particular answers only such a silence; two
    relations are one matter when they concern one pair; otherwise the
    matters must share a concept, a word or a party."""
    if not asked:
        return True
    if not answered:
        return False
    if asked.startswith("rel=") and answered.startswith("rel="):
        return asked.split("=", 2)[2] == answered.split("=", 2)[2]
    return bool(matter_terms(asked) & matter_terms(answered))
