"""The state a journalist reads: threads between parties, open questions,
the parties and the names that may be parties, resolved from a story's
latest-of facts (:mod:`.state`).

A thread is every relation between one pair of parties. Its status is its
most significant standing fact, not its latest report: an agreement stands
until talks are said to have ended after it; talks that ended stay ended
unless talks are reported held again later (a later "still no deal" is no
news of talks), and then only what was said since the end counts; "no
agreement yet" outranks "talks held" (it says more); legal action, scrutiny and personnel moves show only
for a pair with no deal in play. A later background report erases nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from tracker.domain.fact_keys import matter_key, name_key, pair_key, relation_label, same_matter
from tracker.domain.report import Report
from tracker.domain.vocabulary import Kind

_DEAL = (Kind.AGREEMENT_REACHED, Kind.TALKS_ENDED, Kind.NO_AGREEMENT, Kind.TALKS_HELD)
_OTHER = (Kind.LEGAL_ACTION, Kind.REGULATORY_SCRUTINY, Kind.PERSONNEL)
SUGGEST_AFTER = 2  # reports naming a name before it is suggested (sooner when it relates to a party)


class _Fact(Protocol):
    @property
    def order(self) -> tuple[datetime, int]: ...
    @property
    def report_id(self) -> str: ...
    @property
    def kind(self) -> str: ...


@dataclass(frozen=True)
class Transition:
    """A thread reached ``kind``: the report that says so."""

    kind: Kind
    report_id: str
    published_at: datetime
    headline: str
    outlet: str
    parties: tuple[str, str]
    #: Independent sources: distinct outlets among the active reports behind
    #: this (pair, kind) whose text is not a copy of another report's.
    sources: int = 0


@dataclass(frozen=True)
class Thread:
    parties: tuple[str, str]
    status: Kind
    since: datetime
    report_id: str
    headline: str
    transitions: tuple[Transition, ...]

    @property
    def label(self) -> str:
        return f"{self.parties[0]} – {self.parties[1]}"


@dataclass(frozen=True)
class OpenQuestion:
    """A speaker's silence on a matter that no later statement of theirs
    answered (see :func:`~tracker.domain.fact_keys.same_matter`)."""

    key: str
    speaker: str
    kind: Kind
    about: str
    since: datetime
    report_id: str
    question: str


@dataclass(frozen=True)
class PartyRole:
    name: str
    role: str  # "principal" or "mentioned"
    report_id: str = ""


@dataclass(frozen=True)
class PartySuggestion:
    """A name in the story's reports that is not one of its parties yet."""

    name: str
    reports: int
    related: tuple[str, ...]
    report_id: str


@dataclass(frozen=True)
class StoryState:
    threads: tuple[Thread, ...] = ()
    open_questions: tuple[OpenQuestion, ...] = ()
    parties: tuple[PartyRole, ...] = ()
    party_suggestions: tuple[PartySuggestion, ...] = ()
    key_developments: tuple[Transition, ...] = ()
    last_development: Report | None = None


@dataclass(frozen=True)
class Cast:
    """The story's own parties (canonical name -> the keys of its spellings)
    and the names an editor dismissed, from its tracking rules."""

    own: tuple[tuple[str, frozenset[str]], ...] = ()
    dismissed: frozenset[str] = frozenset()
    #: Names the rules already track (``any_of`` terms): known, so never suggested.
    tracked: frozenset[str] = frozenset()

    @classmethod
    def of(cls, rules: Mapping[str, Any] | None) -> Cast:
        rules = rules or {}
        own: dict[str, set[str]] = {}
        for name, aliases in dict(rules.get("parties", {})).items():
            own.setdefault(name, set()).update(name_key(a) for a in [name, *aliases])
        for group in rules.get("all_of", []):
            if group and not any(name_key(group[0]) in keys for keys in own.values()):
                own.setdefault(group[0], set()).update(name_key(a) for a in group)
        dismissed = frozenset(name_key(n) for n in rules.get("not_parties", []))
        tracked = frozenset(name_key(t) for t in rules.get("any_of", []))
        return cls(tuple((n, frozenset(k)) for n, k in own.items()), dismissed, tracked)

    def own_name(self, key: str) -> str | None:
        return next((name for name, keys in self.own if key in keys), None)


def resolve_state(
    latest: Mapping[str, _Fact],
    counts: Mapping[str, int],
    reports: Mapping[str, Report],
    cast: Cast,
    sources: Mapping[str, int] | None = None,
) -> StoryState:
    """``sources``: independent outlets per ``rel:`` key (None: folded from
    ``reports``, which must then hold every report)."""
    if sources is None:
        sources = fold_sources(reports.values())
    stages: dict[str, dict[Kind, _Fact]] = {}
    for key, fact in latest.items():
        if key.startswith("rel:"):
            pair, _, kind = key[4:].rpartition(":")
            if not any(k in cast.dismissed for k in pair.split("|")):
                stages.setdefault(pair, {})[Kind(kind)] = fact
    threads = [_thread(pair, facts, reports, sources) for pair, facts in stages.items()]
    own_keys = {k for _, keys in cast.own for k in keys}
    related: dict[str, set[str]] = {}
    for pair in stages:
        a, _, b = pair.partition("|")
        related.setdefault(a, set()).add(b)
        related.setdefault(b, set()).add(a)
    principal = own_keys | {k for o in own_keys for k in related.get(o, ())}
    threads.sort(key=lambda t: (not _touches(t, own_keys), -t.since.timestamp(), t.label))
    last = latest.get("last")
    return StoryState(
        threads=tuple(threads),
        open_questions=_questions(latest, reports, cast),
        parties=_parties(latest, reports, cast, principal),
        party_suggestions=_suggestions(latest, counts, reports, cast, related),
        key_developments=tuple(
            sorted((t for th in threads for t in th.transitions), key=lambda t: t.published_at, reverse=True)
        ),
        last_development=reports[last.report_id] if last else None,
    )


def _status(facts: Mapping[Kind, _Fact]) -> Kind:
    def later(x: Kind, y: Kind) -> bool:
        return x in facts and (y not in facts or facts[x].order > facts[y].order)

    agreed, ended, held, none = Kind.AGREEMENT_REACHED, Kind.TALKS_ENDED, Kind.TALKS_HELD, Kind.NO_AGREEMENT
    if agreed in facts and not later(ended, agreed):
        return agreed
    if ended in facts:
        if not later(held, ended):
            return ended  # "still no deal" after the end says nothing new; only talks held again reopen them
        return none if later(none, ended) else held  # resumed: what was said since, not before the end
    for kind in (none, held):
        if kind in facts:
            return kind
    return max((k for k in _OTHER if k in facts), key=lambda k: (facts[k].order, -_OTHER.index(k)))


def fold_sources(reports: Iterable[Report]) -> dict[str, int]:
    """Independent outlets per ``rel:`` key, from every report of a story."""
    from tracker.domain.state import fact_candidates  # state builds on this module

    outlets: dict[str, set[str]] = {}
    for report in reports:
        if report.active and not report.cluster_lead:
            for key, _kind in fact_candidates(report.reading):
                if key.startswith("rel:"):
                    outlets.setdefault(key, set()).add(report.outlet)
    return {key: len(names) for key, names in outlets.items()}


def _thread(
    pair: str, facts: Mapping[Kind, _Fact], reports: Mapping[str, Report], sources: Mapping[str, int]
) -> Thread:
    status = _status(facts)
    fact = facts[status]
    names = _pair_names(pair, reports[fact.report_id])
    transitions = tuple(
        sorted(
            (
                _transition(kind, f, reports[f.report_id], pair, sources.get(f"rel:{pair}:{kind.value}", 0))
                for kind, f in facts.items()
            ),
            key=lambda t: (t.published_at, _rank(t.kind)),
        )
    )
    report = reports[fact.report_id]
    return Thread(names, status, report.published_at, report.report_id, report.headline, transitions)


def _rank(kind: Kind) -> int:
    order = (Kind.TALKS_HELD, Kind.NO_AGREEMENT, Kind.TALKS_ENDED, Kind.AGREEMENT_REACHED, *_OTHER)
    return order.index(kind) if kind in order else len(order)


def _transition(kind: Kind, fact: _Fact, report: Report, pair: str, sources: int) -> Transition:
    return Transition(
        kind, report.report_id, report.published_at, report.headline, report.outlet, _pair_names(pair, report), sources
    )


def _pair_names(pair: str, report: Report) -> tuple[str, str]:
    """The pair as the report names it (the regulator or plaintiff first)."""
    for relation in report.reading.relations:
        if pair_key(relation.a, relation.b) == pair:
            return (relation.a, relation.b)
    a, _, b = pair.partition("|")
    return (a, b)


def _touches(thread: Thread, own_keys: set[str]) -> bool:
    return any(name_key(n) in own_keys for n in thread.parties)


def _questions(latest: Mapping[str, _Fact], reports: Mapping[str, Report], cast: Cast) -> tuple[OpenQuestion, ...]:
    answers: dict[str, list[tuple[str, _Fact]]] = {}
    for key, fact in latest.items():
        if key.startswith("ans:"):
            speaker, _, matter = key[4:].partition("|")
            answers.setdefault(speaker, []).append((matter, fact))
    questions = []
    for key, fact in latest.items():
        if not key.startswith("say:"):
            continue
        speaker, _, matter = key[4:].partition("|")
        if speaker in cast.dismissed:
            continue
        answered = any(f.order > fact.order and same_matter(matter, m) for m, f in answers.get(speaker, ()))
        if not answered:
            questions.append(_question(key, fact, reports[fact.report_id], speaker, matter, cast))
    return tuple(sorted(questions, key=lambda q: (q.since, q.key)))


def _question(key: str, fact: _Fact, report: Report, speaker: str, matter: str, cast: Cast) -> OpenQuestion:
    statement = next(
        (
            s
            for s in report.reading.statements
            if name_key(s.speaker) == speaker and matter_key(s.about) == matter and s.kind.value == fact.kind
        ),
        None,
    )
    name = statement.speaker if statement else (cast.own_name(speaker) or speaker)
    about = statement.about if statement else ""
    kind = Kind(fact.kind)
    return OpenQuestion(
        key=key,
        speaker=name,
        kind=kind,
        about=about,
        since=report.published_at,
        report_id=report.report_id,
        question=f"{name} {kind.label}" + (f"{_ON[kind]}{describe_matter(about)}" if about else ""),
    )


_ON = {Kind.DECLINED_TO_COMMENT: " on ", Kind.NO_RESPONSE: " to questions about "}


def describe_matter(about: str) -> str:
    """A matter as a reader says it: "talks_held Meta–Character.AI" -> "talks held between Meta and Character.AI"."""
    label = relation_label(about)
    if label is None:
        return about
    kind, a, b = label
    try:
        said = Kind(kind).label
    except ValueError:
        said = kind.replace("_", " ")
    return f"{said} between {a} and {b}"


def _display(key: str, report: Report, cast: Cast) -> str:
    own = cast.own_name(key)
    if own:
        return own
    reading = report.reading
    names = [*reading.parties, *(n for r in reading.relations for n in (r.a, r.b)), *reading.mentioned, *reading.names]
    names += [s.speaker for s in reading.statements] + list(report.parties)
    return next((n for n in names if name_key(n) == key), key)


def _parties(
    latest: Mapping[str, _Fact], reports: Mapping[str, Report], cast: Cast, principal: set[str]
) -> tuple[PartyRole, ...]:
    out: dict[str, PartyRole] = {}
    for name, keys in cast.own:
        fact = next((latest[f"act:{k}"] for k in keys if f"act:{k}" in latest), None)
        out[name_key(name)] = PartyRole(name, "principal", fact.report_id if fact else "")
    own_keys = {k for _, keys in cast.own for k in keys}
    for prefix in ("act:", "ment:"):
        for key, fact in sorted(sorted(latest.items()), key=lambda kv: kv[1].order, reverse=True):
            name = key[len(prefix) :]
            if not key.startswith(prefix) or name in out or name in own_keys or name in cast.dismissed:
                continue
            role = "principal" if name in principal else "mentioned"
            out[name] = PartyRole(_display(name, reports[fact.report_id], cast), role, fact.report_id)
    roles = list(out.values())
    return tuple(sorted(roles, key=lambda p: p.role != "principal"))


def _suggestions(
    latest: Mapping[str, _Fact],
    counts: Mapping[str, int],
    reports: Mapping[str, Report],
    cast: Cast,
    related: Mapping[str, set[str]],
) -> tuple[PartySuggestion, ...]:
    own_keys = {k for _, keys in cast.own for k in keys}
    found: dict[str, PartySuggestion] = {}
    for key in latest:
        prefix, _, name = key.partition(":")
        if prefix not in ("name", "act") or name in own_keys or name in cast.dismissed or name in cast.tracked:
            continue
        if name in found:
            continue
        total = counts.get(f"name:{name}", 0) + counts.get(f"act:{name}", 0)
        with_own = sorted(cast.own_name(k) or k for k in related.get(name, ()) if k in own_keys)
        if total < SUGGEST_AFTER and not with_own:
            continue
        newest = max((f for f in (latest.get(f"act:{name}"), latest.get(f"name:{name}")) if f), key=lambda f: f.order)
        found[name] = PartySuggestion(
            _display(name, reports[newest.report_id], cast), total, tuple(with_own), newest.report_id
        )
    return tuple(sorted(found.values(), key=lambda s: (not s.related, -s.reports, s.name.lower())))
