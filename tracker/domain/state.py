"""What a story's reports add up to, as a set of *latest-of* facts.

Reports are ordered by when the outlets published them (ties: the order the
tracker recorded them). Each report is a candidate for a few facts, keyed by
what they are about, and a fact is the latest candidate (:class:`Facts`), so
the facts can be folded in any order: a report found late, or a read model
fed event by event, reaches the same state as a replay, and time travel asks
for the latest candidate before a moment. Retracted reports drop out;
removing one means folding again. The keys:

- ``rel:<a>|<b>:<kind>``: the latest report of a relation kind between a
  pair of parties (the thread's stages, :mod:`.threads`);
- ``say:<speaker>|<matter>``: the speaker's latest silence (declined to
  comment, did not respond) on a matter; ``ans:<speaker>|<matter>`` its
  latest confirmation or denial there (``ans:<speaker>|`` on no matter in
  particular): an open question is a silence no answer has followed;
- ``act:<name>``, ``ment:<name>``, ``name:<name>``: the latest report where
  a party acts, is only mentioned, or a name not yet a party appears;
- ``last``: the latest core report (context never is the last development).

Context reports and namesakes move no thread and raise no question.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tracker.domain.fact_keys import matter_key, name_key, pair_key
from tracker.domain.reading.model import Reading, Relevance
from tracker.domain.report import Report
from tracker.domain.threads import Cast, StoryState, resolve_state
from tracker.domain.vocabulary import Kind

__all__ = [
    "Cast",
    "Fact",
    "Facts",
    "OrderKey",
    "StoryState",
    "chronological",
    "derive_state",
    "fact_candidates",
    "facts_of",
    "matter_key",
    "order_of",
    "pair_key",
]

SILENCE = frozenset({Kind.DECLINED_TO_COMMENT, Kind.NO_RESPONSE})

#: (published_at, sequence): the order the story's reports happened in.
OrderKey = tuple[datetime, int]


@dataclass(frozen=True)
class Fact:
    """The latest report (by :data:`OrderKey`) for one key, e.g. ``act:meta``."""

    order: OrderKey
    report_id: str
    kind: str = ""


@dataclass
class Facts:
    """The latest report per fact key, and how many reports name each
    ``name:`` and ``act:`` key (for party suggestions)."""

    latest: dict[str, Fact] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    #: Independent sources per ``rel:`` key (None: folded from the reports at resolve).
    sources: dict[str, int] | None = None

    def add(
        self,
        order: OrderKey,
        report_id: str,
        candidates: Iterable[tuple[str, str]],
    ) -> set[str]:
        """Folds one active report's candidates in; returns the keys that changed."""
        changed: set[str] = set()
        for key, kind in candidates:
            if key.startswith(("name:", "act:")):
                self.counts[key] = self.counts.get(key, 0) + 1
            current = self.latest.get(key)
            if current is None or order > current.order:
                self.latest[key] = Fact(order, report_id, kind)
                changed.add(key)
        return changed

    def resolve(self, reports: Mapping[str, Report], cast: Cast | None = None) -> StoryState:
        """The state, with the reports the facts point at (by report id)."""
        return resolve_state(self.latest, self.counts, reports, cast or Cast(), self.sources)


def fact_candidates(reading: Reading) -> list[tuple[str, str]]:
    """The facts one report may be the latest of, as (fact key, kind)."""
    candidates: list[tuple[str, str]] = []
    core = reading.relevance is Relevance.CORE and not reading.namesake
    if core:
        candidates.append(("last", ""))
        for relation in reading.relations:
            if name_key(relation.a) and name_key(relation.b) and name_key(relation.a) != name_key(relation.b):
                candidates.append(
                    (f"rel:{pair_key(relation.a, relation.b)}:{relation.kind.value}", relation.kind.value)
                )
        for statement in reading.statements:
            speaker = name_key(statement.speaker)
            if not speaker:
                continue
            prefix = "say" if statement.kind in SILENCE else "ans"
            candidates.append((f"{prefix}:{speaker}|{matter_key(statement.about)}", statement.kind.value))
    actors = [n for r in reading.relations for n in (r.a, r.b)] + [s.speaker for s in reading.statements]
    seen: set[str] = set()
    for prefix, names in (("act", [*reading.parties, *actors]), ("ment", reading.mentioned), ("name", reading.names)):
        for key in dict.fromkeys(name_key(n) for n in names):
            if key and key not in seen:  # a name counts once per report, as its strongest role
                seen.add(key)
                candidates.append((f"{prefix}:{key}", ""))
    unique: dict[str, str] = {}
    for key, kind in candidates:
        unique.setdefault(key, kind)  # one candidate per key: the first statement of a speaker on a matter
    return list(unique.items())


def order_of(report: Report) -> OrderKey:
    return (report.published_at, report.sequence)


def chronological(reports: Iterable[Report]) -> list[Report]:
    return sorted(reports, key=order_of)


def facts_of(reports: Iterable[Report]) -> Facts:
    facts = Facts()
    for report in reports:
        if report.active:
            facts.add(order_of(report), report.report_id, fact_candidates(report.reading))
    return facts


def derive_state(reports: Iterable[Report], rules: Mapping[str, Any] | None = None) -> StoryState:
    """The state of a story from its reports (``rules``: its tracking rules,
    which name its own parties and the dismissed names)."""
    reports = list(reports)
    return facts_of(reports).resolve({r.report_id: r for r in reports}, Cast.of(rules))
