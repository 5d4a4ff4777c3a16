"""What a story's reports add up to: stances, open questions, last development.

Pure functions over :class:`Report` values, so the same rules serve the
aggregate, the read models and time travel. Reports are taken in the order
the outlets published them (ties: the order recorded); retracted reports
drop out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tracker.domain.report import Report, party_key
from tracker.domain.vocabulary import Kind

#: A party that declined or did not respond has answered once it confirms,
#: denies or announces an agreement.
ANSWERS_SILENCE = frozenset({Kind.CONFIRMED, Kind.DENIED, Kind.AGREEMENT_REACHED})
SILENCE = frozenset({Kind.DECLINED_TO_COMMENT, Kind.NO_RESPONSE})


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


def chronological(reports: Iterable[Report]) -> list[Report]:
    return sorted(reports, key=lambda r: (r.published_at, r.sequence))


def derive_state(reports: Iterable[Report]) -> StoryState:
    active = chronological(r for r in reports if r.active)
    stances: dict[str, Stance] = {}
    questions: dict[str, OpenQuestion] = {}
    for report in active:
        kinds = set(report.kinds)
        for party in report.parties:
            key = party_key(party)
            display = stances[key].party if key in stances else party
            stances[key] = Stance(
                party=display,
                kinds=report.kinds,
                report_id=report.report_id,
                headline=report.headline,
                outlet=report.outlet,
                published_at=report.published_at,
            )
            if kinds & ANSWERS_SILENCE:
                questions.pop(f"silence:{key}", None)
            for kind in sorted(kinds & SILENCE):
                questions[f"silence:{key}"] = OpenQuestion(
                    key=f"silence:{key}",
                    kind=kind,
                    party=display,
                    question=f"{display} {kind.label}: will they comment?",
                    report_id=report.report_id,
                    since=report.published_at,
                )
        if Kind.AGREEMENT_REACHED in kinds:
            questions.pop("agreement", None)
        elif Kind.NO_AGREEMENT in kinds and "agreement" not in questions:
            questions["agreement"] = OpenQuestion(
                key="agreement",
                kind=Kind.NO_AGREEMENT,
                party="",
                question="No agreement yet: will the parties reach one?",
                report_id=report.report_id,
                since=report.published_at,
            )
    return StoryState(
        stances=tuple(sorted(stances.values(), key=lambda s: s.party.lower())),
        open_questions=tuple(sorted(questions.values(), key=lambda q: (q.since, q.key))),
        last_development=active[-1] if active else None,
    )
