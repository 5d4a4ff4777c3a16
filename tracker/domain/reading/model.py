"""What the classifier reads in one report: who did what with whom, who said
what about it, which names it holds and whether it is the story's own news.

GDELT and CAMEO code a news event as actor 1, actor 2 and an event type;
PETRARCH finds them with actor and verb dictionaries. A :class:`Reading`
holds the same for a report, each item with the phrase that decided it, and
is stored in the report's event as a plain dict (:meth:`Reading.to_dict`),
so a replay rebuilds the same state after the classifier changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tracker.domain.vocabulary import Kind

#: Kinds that relate two parties (the regulator or plaintiff first for the last two).
RELATION_KINDS = frozenset(
    {
        Kind.TALKS_HELD,
        Kind.NO_AGREEMENT,
        Kind.TALKS_ENDED,
        Kind.AGREEMENT_REACHED,
        Kind.LEGAL_ACTION,
        Kind.REGULATORY_SCRUTINY,
        Kind.PERSONNEL,
    }
)
#: Kinds a speaker states.
STATEMENT_KINDS = frozenset({Kind.DECLINED_TO_COMMENT, Kind.NO_RESPONSE, Kind.CONFIRMED, Kind.DENIED})


class Relevance(StrEnum):
    """Whether a report is a development of the story or context around it
    (a profile, a related lawsuit, an unrelated appointment). Context stays
    on the timeline, marked, and never moves a thread."""

    CORE = "core"
    CONTEXT = "context"


@dataclass(frozen=True)
class Relation:
    """``a`` did ``kind`` with ``b``: (Meta, Character.AI, talks_held);
    for personnel, ``a`` is the person, ``b`` the organisation, ``role`` the
    post. ``phrase`` is the text that decided it, ``where`` the field."""

    a: str
    b: str
    kind: Kind
    phrase: str = ""
    where: str = ""
    role: str = ""

    def to_dict(self) -> dict[str, str]:
        out = {"a": self.a, "b": self.b, "kind": self.kind.value, "phrase": self.phrase, "where": self.where}
        if self.role:
            out["role"] = self.role
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Relation:
        return cls(
            a=str(data["a"]),
            b=str(data["b"]),
            kind=Kind(data["kind"]),
            phrase=str(data.get("phrase", "")),
            where=str(data.get("where", "")),
            role=str(data.get("role", "")),
        )


@dataclass(frozen=True)
class Statement:
    """``speaker`` (the subject of the clause's statement verb) ``kind``
    (declined to comment, did not respond, confirmed, denied) ``about`` a
    matter: a short phrase such as "the talks with Character.AI", empty
    when the report does not say."""

    speaker: str
    kind: Kind
    about: str = ""
    phrase: str = ""
    where: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "speaker": self.speaker,
            "kind": self.kind.value,
            "about": self.about,
            "phrase": self.phrase,
            "where": self.where,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Statement:
        return cls(
            speaker=str(data["speaker"]),
            kind=Kind(data["kind"]),
            about=str(data.get("about", "")),
            phrase=str(data.get("phrase", "")),
            where=str(data.get("where", "")),
        )


@dataclass(frozen=True)
class Reading:
    """One report as the classifier (or an editor) read it.

    - ``kinds``: every kind found (relations' and statements' kinds, or
      ``other``), the report's badges;
    - ``parties``: the known parties the report names as actors;
    - ``mentioned``: known parties named only in passing (not an actor of a
      relation or statement);
    - ``names``: proper names of organisations and people found that are not
      known parties (the candidates for party suggestions);
    - ``namesake``: why a known party's name here seems to mean someone
      else (empty when it does not); such a report is not attached
      automatically and moves no thread.
    """

    kinds: tuple[Kind, ...] = ()
    parties: tuple[str, ...] = ()
    mentioned: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()
    statements: tuple[Statement, ...] = ()
    names: tuple[str, ...] = ()
    relevance: Relevance = Relevance.CORE
    namesake: str = ""
    evidence: tuple[str, ...] = ()
    classified_by: str = ""

    @property
    def speakers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.speaker for s in self.statements))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kinds": [k.value for k in self.kinds],
            "parties": list(self.parties),
            "mentioned": list(self.mentioned),
            "relations": [r.to_dict() for r in self.relations],
            "statements": [s.to_dict() for s in self.statements],
            "names": list(self.names),
            "relevance": self.relevance.value,
            "namesake": self.namesake,
            "evidence": list(self.evidence),
            "classified_by": self.classified_by,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reading:
        return cls(
            kinds=tuple(Kind(k) for k in data.get("kinds", ())),
            parties=tuple(data.get("parties", ())),
            mentioned=tuple(data.get("mentioned", ())),
            relations=tuple(Relation.from_dict(r) for r in data.get("relations", ())),
            statements=tuple(Statement.from_dict(s) for s in data.get("statements", ())),
            names=tuple(data.get("names", ())),
            relevance=Relevance(data.get("relevance", Relevance.CORE.value)),
            namesake=str(data.get("namesake", "")),
            evidence=tuple(data.get("evidence", ())),
            classified_by=str(data.get("classified_by", "")),
        )


@dataclass(frozen=True)
class StoryContext:
    """What the classifier knows of the story an item is read for.

    ``parties``: canonical name -> aliases (the story's rules and accepted
    parties); ``principal``: the story's own parties (canonical names);
    ``topic_words``: the story's words beyond party names (its rules'
    ``any_of`` terms, e.g. "deal", "licensing", "chatbot"), which tell the
    party from a namesake; ``dismissed``: names an editor said are not
    parties (never suggested again); ``anchors``: the parties the story
    requires (its rules' ``all_of`` groups), the target two rival suitors
    each deal with."""

    parties: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    principal: frozenset[str] = frozenset()
    topic_words: tuple[str, ...] = ()
    dismissed: frozenset[str] = frozenset()
    anchors: frozenset[str] = frozenset()
