"""The Story aggregate: a developing story as the sequence of what was reported.

Every change is an event with an explicit, stable topic and a class_version,
so stored events survive renames and refactoring. Public command methods
check their arguments and the current state (raising named errors), then
trigger the private ``@event`` method that records the decision.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from tracker.domain.errors import (
    DuplicateReport,
    InvalidField,
    NothingChanged,
    ReportRetracted,
    UnknownReport,
)
from tracker.domain.report import (
    MAX_HEADLINE,
    Correction,
    Origin,
    Report,
    clean_kinds,
    clean_parties,
    clean_published_at,
    clean_ref,
    clean_speakers,
    clean_text,
    clean_url,
    party_key,
)
from tracker.domain.rules import parse_rules
from tracker.domain.vocabulary import Kind, OriginKind, Status

STORY_NAMESPACE = uuid.UUID("5a0f3c1e-2b7d-4f3e-9c55-6e7a1d0b8c42")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CORRECTABLE = ("headline", "summary", "url")


def clean_slug(value: str) -> str:
    slug = (value or "").strip()
    if not _SLUG.fullmatch(slug) or len(slug) > 120:
        raise InvalidField("slug", f"{value!r} must be lower-case letters, digits and single hyphens (max 120)")
    return slug


def slugify(title: str) -> str:
    """A slug proposal from a title: 'Meta & xAI court Character.AI' -> 'meta-xai-court-character-ai'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:120].strip("-")


class Story(Aggregate):
    """A developing story; reports are appended, never edited in place."""

    TOPIC = "tracker.story:Story"
    class_version = 1

    class Event(Aggregate.Event):
        TOPIC = "tracker.story:Event"

        def mutate(self, aggregate: Any) -> Any:
            # The recording time of the event being applied, for the body of
            # the decorated method (the library sets modified_on afterwards).
            if aggregate is not None:
                aggregate._recording = (self.originator_version, self.timestamp)
            return super().mutate(aggregate)

    class Opened(Aggregate.Created, Event):
        TOPIC = "tracker.story:Opened"
        class_version = 1
        title: str
        slug: str
        summary: str
        rules: dict[str, Any]

    class ReportAdded(Event):
        TOPIC = "tracker.story:ReportAdded"
        class_version = 2
        report_id: str
        headline: str
        summary: str
        outlet: str
        url: str
        attribution: str
        parties: list[str]
        kinds: list[str]
        origin: dict[str, str]
        published_at: datetime
        classified_by: str
        evidence: list[str]
        speakers: list[str]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # v2 names who a statement kind is about; before, it was every party.
            state["speakers"] = []

    class ReportCorrected(Event):
        TOPIC = "tracker.story:ReportCorrected"
        class_version = 1
        report_id: str
        changes: dict[str, list[str]]
        reason: str
        by: str

    class ReportRetracted(Event):
        TOPIC = "tracker.story:ReportRetracted"
        class_version = 1
        report_id: str
        reason: str
        by: str

    class ReportReclassified(Event):
        TOPIC = "tracker.story:ReportReclassified"
        class_version = 2
        report_id: str
        kinds: list[str]
        parties: list[str]
        by: str
        evidence: list[str]
        speakers: list[str] | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["speakers"] = None  # v1 left the speakers as they were

    class Retitled(Event):
        TOPIC = "tracker.story:Retitled"
        class_version = 1
        title: str

    class StatusChanged(Event):
        TOPIC = "tracker.story:StatusChanged"
        class_version = 1
        status: str

    class RulesChanged(Event):
        TOPIC = "tracker.story:RulesChanged"
        class_version = 1
        rules: dict[str, Any]

    @staticmethod
    def create_id(slug: str, **_: Any) -> uuid.UUID:
        """One story per slug: the id is derived from it, so a duplicate slug conflicts."""
        return uuid.uuid5(STORY_NAMESPACE, slug)

    @classmethod
    def open(cls, *, title: str, slug: str = "", summary: str = "", rules: Mapping[str, Any] | None = None) -> Story:
        title = clean_text(title, "title", required=True, limit=300)
        slug = clean_slug(slug or slugify(title))
        summary = clean_text(summary, "summary", required=False)
        parse_rules(rules)  # the guard: unusable rules never reach the log
        return cls(title=title, slug=slug, summary=summary, rules=dict(rules or {}))

    @event(Opened)
    def __init__(self, title: str, slug: str, summary: str, rules: dict[str, Any]) -> None:
        self.title = title
        self.slug = slug
        self.summary = summary
        self.rules = rules
        self.status = Status.DEVELOPING.value
        self.reports: dict[str, dict[str, Any]] = {}
        self._recording: tuple[int, datetime] | None = None

    # -- commands -----------------------------------------------------------

    def add_report(
        self,
        *,
        report_id: str,
        headline: str,
        published_at: datetime,
        kinds: Iterable[str],
        summary: str = "",
        outlet: str = "",
        url: str = "",
        attribution: str = "",
        parties: Iterable[str] = (),
        origin: Origin | None = None,
        classified_by: str = "",
        evidence: Iterable[str] = (),
        speakers: Iterable[str] = (),
    ) -> None:
        """``speakers``: the parties a statement kind (declined to comment, did
        not respond, confirmed, denied, agreement reached) is about; empty
        means every party named."""
        report_id = clean_text(report_id, "report_id", required=True, limit=200)
        if report_id in self.reports:
            raise DuplicateReport(report_id)
        origin = origin or Origin(OriginKind.MANUAL)
        clean_party_list = clean_parties(parties)
        self._add_report(
            report_id=report_id,
            headline=clean_text(headline, "headline", required=True, limit=MAX_HEADLINE),
            summary=clean_text(summary, "summary", required=False),
            outlet=clean_text(outlet, "outlet", required=False, limit=200),
            url=clean_url(url),
            attribution=clean_text(attribution, "attribution", required=False, limit=500),
            parties=list(clean_party_list),
            kinds=[k.value for k in clean_kinds(kinds)],
            origin={
                "kind": OriginKind(origin.kind).value,
                "ref": clean_ref(origin.ref, "origin.ref"),
                "feed": clean_ref(origin.feed, "origin.feed"),
            },
            published_at=clean_published_at(published_at),
            classified_by=clean_text(classified_by, "classified_by", required=False, limit=200),
            evidence=[clean_text(e, "evidence", required=False, limit=500) for e in evidence],
            speakers=list(clean_speakers(speakers, clean_party_list)),
        )

    def correct_report(
        self,
        report_id: str,
        *,
        reason: str,
        headline: str | None = None,
        summary: str | None = None,
        url: str | None = None,
        by: str = "",
    ) -> None:
        current = self._live_report(report_id)
        wanted = {
            "headline": None
            if headline is None
            else clean_text(headline, "headline", required=True, limit=MAX_HEADLINE),
            "summary": None if summary is None else clean_text(summary, "summary", required=False),
            "url": None if url is None else clean_url(url),
        }
        changes = {
            name: [current[name], value]
            for name, value in wanted.items()
            if value is not None and value != current[name]
        }
        if not changes:
            raise NothingChanged(f"the correction leaves report {report_id!r} as it is")
        self._correct_report(
            report_id=report_id,
            changes=changes,
            reason=clean_text(reason, "reason", required=True, limit=1000),
            by=clean_text(by, "by", required=False, limit=200),
        )

    def retract_report(self, report_id: str, *, reason: str, by: str = "") -> None:
        self._live_report(report_id)
        self._retract_report(
            report_id=report_id,
            reason=clean_text(reason, "reason", required=True, limit=1000),
            by=clean_text(by, "by", required=False, limit=200),
        )

    def reclassify_report(
        self,
        report_id: str,
        *,
        kinds: Iterable[str],
        parties: Iterable[str] | None = None,
        by: str,
        evidence: Iterable[str] = (),
        speakers: Iterable[str] | None = None,
    ) -> None:
        current = self._live_report(report_id)
        new_kinds = [k.value for k in clean_kinds(kinds)]
        new_parties = list(current["parties"] if parties is None else clean_parties(parties))
        old_speakers = [s for s in current.get("speakers", []) if party_key(s) in {party_key(p) for p in new_parties}]
        new_speakers = list(old_speakers if speakers is None else clean_speakers(speakers, new_parties))
        if (new_kinds, new_parties, new_speakers) == (
            current["kinds"],
            current["parties"],
            current.get("speakers", []),
        ):
            raise NothingChanged(f"report {report_id!r} already has these kinds, parties and speakers")
        self._reclassify_report(
            report_id=report_id,
            kinds=new_kinds,
            parties=new_parties,
            by=clean_text(by, "by", required=True, limit=200),
            evidence=[clean_text(e, "evidence", required=False, limit=500) for e in evidence],
            speakers=new_speakers,
        )

    def retitle(self, title: str) -> None:
        title = clean_text(title, "title", required=True, limit=300)
        if title == self.title:
            raise NothingChanged("the story already has this title")
        self._retitle(title=title)

    def change_status(self, status: str) -> None:
        try:
            new = Status(str(status).strip().lower())
        except ValueError:
            known = ", ".join(s.value for s in Status)
            raise InvalidField("status", f"unknown status {status!r} (known: {known})") from None
        if new.value == self.status:
            raise NothingChanged(f"the story is already {new.value}")
        self._change_status(status=new.value)

    def change_rules(self, rules: Mapping[str, Any]) -> None:
        parse_rules(rules)
        if dict(rules) == self.rules:
            raise NothingChanged("the story already has these tracking rules")
        self._change_rules(rules=dict(rules))

    # -- events ---------------------------------------------------------------

    @event(ReportAdded)
    def _add_report(
        self,
        report_id: str,
        headline: str,
        summary: str,
        outlet: str,
        url: str,
        attribution: str,
        parties: list[str],
        kinds: list[str],
        origin: dict[str, str],
        published_at: datetime,
        classified_by: str,
        evidence: list[str],
        speakers: list[str],
    ) -> None:
        version, recorded_at = self._recording or (self.version + 1, self.modified_on)
        self.reports[report_id] = {
            "report_id": report_id,
            "headline": headline,
            "summary": summary,
            "outlet": outlet,
            "url": url,
            "attribution": attribution,
            "parties": list(parties),
            "kinds": list(kinds),
            "origin": dict(origin),
            "published_at": published_at,
            "recorded_at": recorded_at,
            "version": version,
            "sequence": len(self.reports) + 1,
            "corrections": [],
            "retraction": None,
            "classified_by": classified_by,
            "evidence": list(evidence),
            "speakers": list(speakers),
        }

    @event(ReportCorrected)
    def _correct_report(self, report_id: str, changes: dict[str, list[str]], reason: str, by: str) -> None:
        version, recorded_at = self._recording or (self.version + 1, self.modified_on)
        report = self.reports[report_id]
        for name, (_old, new) in changes.items():
            report[name] = new
        report["corrections"].append(
            {"version": version, "recorded_at": recorded_at, "reason": reason, "changes": changes}
        )

    @event(ReportRetracted)
    def _retract_report(self, report_id: str, reason: str, by: str) -> None:
        version, recorded_at = self._recording or (self.version + 1, self.modified_on)
        self.reports[report_id]["retraction"] = {
            "version": version,
            "recorded_at": recorded_at,
            "reason": reason,
            "by": by,
        }

    @event(ReportReclassified)
    def _reclassify_report(
        self,
        report_id: str,
        kinds: list[str],
        parties: list[str],
        by: str,
        evidence: list[str],
        speakers: list[str] | None,
    ) -> None:
        report = self.reports[report_id]
        report["kinds"] = list(kinds)
        report["parties"] = list(parties)
        if speakers is not None:
            report["speakers"] = list(speakers)
        report["classified_by"] = by
        report["evidence"] = list(evidence)

    @event(Retitled)
    def _retitle(self, title: str) -> None:
        self.title = title

    @event(StatusChanged)
    def _change_status(self, status: str) -> None:
        self.status = status

    @event(RulesChanged)
    def _change_rules(self, rules: dict[str, Any]) -> None:
        self.rules = rules

    # -- guards and reads ---------------------------------------------------------

    def _live_report(self, report_id: str) -> dict[str, Any]:
        try:
            report = self.reports[report_id]
        except KeyError:
            raise UnknownReport(report_id) from None
        if report["retraction"] is not None:
            raise ReportRetracted(report_id)
        return report

    def has_report(self, report_id: str) -> bool:
        return report_id in self.reports

    def report_list(self) -> list[Report]:
        """Every report, retracted ones included, in the order recorded."""
        return [to_report(r) for r in self.reports.values()]


def to_report(data: Mapping[str, Any]) -> Report:
    retraction = data["retraction"]
    origin = data["origin"]
    return Report(
        report_id=data["report_id"],
        headline=data["headline"],
        summary=data["summary"],
        outlet=data["outlet"],
        url=data["url"],
        attribution=data["attribution"],
        parties=tuple(data["parties"]),
        kinds=tuple(Kind(k) for k in data["kinds"]),
        origin=Origin(OriginKind(origin["kind"]), origin.get("ref", ""), origin.get("feed", "")),
        published_at=data["published_at"],
        recorded_at=data["recorded_at"],
        version=data["version"],
        sequence=data["sequence"],
        corrections=tuple(Correction.from_record(c) for c in data["corrections"]),
        retracted=retraction is not None,
        retraction_reason=retraction["reason"] if retraction else "",
        retracted_at=retraction["recorded_at"] if retraction else None,
        classified_by=data.get("classified_by", ""),
        classification_evidence=tuple(data.get("evidence", ())),
        speakers=tuple(data.get("speakers", ())),
    )
