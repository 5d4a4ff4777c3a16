"""What a story's reports add up to: stances, open questions, last development.

Reports are ordered by when the outlets published them (ties: the order the
tracker recorded them). Every rule is a *latest-of* rule, so the state is a
set of maxima (:class:`Facts`) that can be folded in any order: a report
found late, or a read model fed event by event, reaches the same state as a
replay. Retracted reports drop out; removing one means folding again.

- a party's stance: the kinds of the latest report naming it;
- "declined to comment" / "did not respond" stays open while the party's
  latest silence is not older than its latest confirmation, denial or
  announced agreement;
- "no agreement yet" stays open while the latest such report is newer than
  the latest agreement reached;
- the last development: the latest report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from tracker.domain.report import Report, party_key
from tracker.domain.vocabulary import Kind

ANSWERS_SILENCE = frozenset({Kind.CONFIRMED, Kind.DENIED, Kind.AGREEMENT_REACHED})
SILENCE = (Kind.DECLINED_TO_COMMENT, Kind.NO_RESPONSE)
_NO_AGREEMENT = Kind.NO_AGREEMENT.value
_AGREEMENT = Kind.AGREEMENT_REACHED.value

#: (published_at, sequence): the order the story's reports happened in.
OrderKey = tuple[datetime, int]


@dataclass(frozen=True)
class Stance:
    """A party's latest reported position, and the report that says so."""

    party: str
    kinds: tuple[Kind, ...]
    report_id: str
    headline: str
    outlet: str
    published_at: datetime


@dataclass(frozen=True)
class OpenQuestion:
    """Something the story has not yet answered."""

    key: str
    kind: Kind
    party: str
    question: str
    report_id: str
    since: datetime


@dataclass(frozen=True)
class StoryState:
    stances: tuple[Stance, ...]
    open_questions: tuple[OpenQuestion, ...]
    last_development: Report | None


@dataclass(frozen=True)
class Fact:
    """The latest report (by :data:`OrderKey`) for one rule, e.g. ``stance:meta``."""

    order: OrderKey
    report_id: str
    kind: str = ""


@dataclass
class Facts:
    """The maxima the state is made of, keyed ``stance:<party>``,
    ``silence:<party>``, ``answer:<party>``, ``no_agreement``, ``agreement``, ``last``."""

    latest: dict[str, Fact] = field(default_factory=dict)

    def add(
        self,
        order: OrderKey,
        report_id: str,
        kinds: Iterable[str],
        parties: Iterable[str],
        candidates: list[tuple[str, str]] | None = None,
        speakers: Iterable[str] = (),
    ) -> set[str]:
        """Folds one active report in; returns the fact keys that changed.
        ``candidates`` may pass :func:`fact_candidates` already computed."""
        changed: set[str] = set()
        if candidates is None:
            candidates = fact_candidates(kinds, parties, speakers)
        for key, kind in candidates:
            current = self.latest.get(key)
            if current is None or order > current.order:
                self.latest[key] = Fact(order, report_id, kind)
                changed.add(key)
        return changed

    def is_open(self, key: str) -> bool:
        """Whether a silence:<party> or no_agreement fact is an open question."""
        fact = self.latest.get(key)
        if fact is None:
            return False
        if key == "no_agreement":
            answer = self.latest.get("agreement")
            return answer is None or fact.order > answer.order
        answer = self.latest.get("answer:" + key.split(":", 1)[1])
        return answer is None or fact.order >= answer.order

    def resolve(self, reports: Mapping[str, Report]) -> StoryState:
        """The state, with the reports the facts point at (by report id)."""
        stances = []
        questions = []
        for key, fact in self.latest.items():
            kind, _, pkey = key.partition(":")
            report = reports[fact.report_id]
            if kind == "stance":
                stances.append(
                    Stance(
                        party=_display(report, pkey),
                        kinds=_stance_kinds(report, pkey),
                        report_id=report.report_id,
                        headline=report.headline,
                        outlet=report.outlet,
                        published_at=report.published_at,
                    )
                )
            elif kind in ("silence", "no_agreement") and self.is_open(key):
                questions.append(_question(key, fact, report, pkey))
        last = self.latest.get("last")
        return StoryState(
            stances=tuple(sorted(stances, key=lambda s: s.party.lower())),
            open_questions=tuple(sorted(questions, key=lambda q: (q.since, q.key))),
            last_development=reports[last.report_id] if last else None,
        )


def fact_candidates(
    kinds: Iterable[str], parties: Iterable[str], speakers: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """The facts one report may be the latest of, as (fact key, kind). A
    silence or an answer concerns the report's speakers, or every party
    named when it names no speakers."""
    kinds = {str(k) for k in kinds}  # Kind is a StrEnum: its members are these strings
    candidates: list[tuple[str, str]] = [("last", "")]
    silence = next((k.value for k in SILENCE if k in kinds), None)
    answers = not kinds.isdisjoint(ANSWERS_SILENCE)
    speaking = {party_key(name) for name in speakers}
    for name in parties:
        pkey = party_key(name)
        candidates.append(("stance:" + pkey, ""))
        if speaking and pkey not in speaking:
            continue
        if silence is not None:
            candidates.append(("silence:" + pkey, silence))
        if answers:
            candidates.append(("answer:" + pkey, ""))
    if _NO_AGREEMENT in kinds:
        candidates.append(("no_agreement", _NO_AGREEMENT))
    if _AGREEMENT in kinds:
        candidates.append(("agreement", ""))
    return candidates


STATEMENTS = frozenset(SILENCE) | ANSWERS_SILENCE


def _stance_kinds(report: Report, pkey: str) -> tuple[Kind, ...]:
    """A party the report only mentions takes its kinds without the
    statements (declined, confirmed...) that belong to its speakers."""
    if not report.speakers or pkey in {party_key(s) for s in report.speakers}:
        return report.kinds
    return tuple(k for k in report.kinds if k not in STATEMENTS) or (Kind.OTHER,)


def _display(report: Report, pkey: str) -> str:
    return next((p for p in report.parties if party_key(p) == pkey), pkey)


def _question(key: str, fact: Fact, report: Report, pkey: str) -> OpenQuestion:
    if key == "no_agreement":
        return OpenQuestion(
            key="agreement",
            kind=Kind.NO_AGREEMENT,
            party="",
            question="No agreement yet: will the parties reach one?",
            report_id=report.report_id,
            since=report.published_at,
        )
    party = _display(report, pkey)
    kind = Kind(fact.kind)
    return OpenQuestion(
        key=key,
        kind=kind,
        party=party,
        question=f"{party} {kind.label}: will they comment?",
        report_id=report.report_id,
        since=report.published_at,
    )


def order_of(report: Report) -> OrderKey:
    return (report.published_at, report.sequence)


def chronological(reports: Iterable[Report]) -> list[Report]:
    return sorted(reports, key=order_of)


def facts_of(reports: Iterable[Report]) -> Facts:
    facts = Facts()
    for report in reports:
        if report.active:
            facts.add(order_of(report), report.report_id, report.kinds, report.parties, speakers=report.speakers)
    return facts


def derive_state(reports: Iterable[Report]) -> StoryState:
    reports = list(reports)
    return facts_of(reports).resolve({r.report_id: r for r in reports})
