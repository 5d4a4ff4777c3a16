"""The Story aggregate: a developing story as the sequence of what was reported.

Every change is an event (story_events.py) with an explicit, stable topic
and a class_version, so stored events survive renames and refactoring.
Public command methods check their arguments and the current state (raising
named errors), then trigger the event that records the decision; each event
class's ``apply`` says what it does to a story, with the event's own version
and timestamp at hand (nothing about the event being applied is kept on the
story).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeAlias

from eventsourcing.domain import Aggregate, event

from tracker.domain import story_events as ev
from tracker.domain.corrections import correction_changes
from tracker.domain.errors import (
    DuplicateReport,
    InvalidField,
    NothingChanged,
    ReportRetracted,
    UnknownReport,
)
from tracker.domain.reading.checks import clean_reading
from tracker.domain.reading.model import Reading
from tracker.domain.reclassification import reading_parties, reclassification
from tracker.domain.report import (
    MAX_HEADLINE,
    Origin,
    Report,
    clean_kinds,
    clean_parties,
    clean_published_at,
    clean_ref,
    clean_speakers,
    clean_text,
    clean_url,
    to_report,
)
from tracker.domain.rules import parse_rules
from tracker.domain.slugs import clean_slug, slugify
from tracker.domain.story_editorial import EditorialCommands
from tracker.domain.story_events import with_party, without_party
from tracker.domain.vocabulary import OriginKind, Status

__all__ = [
    "STORY_NAMESPACE",
    "Story",
    "clean_slug",
    "reading_parties",
    "slugify",
    "to_report",
    "with_party",
    "without_party",
]

STORY_NAMESPACE = uuid.UUID("5a0f3c1e-2b7d-4f3e-9c55-6e7a1d0b8c42")


class Story(EditorialCommands, Aggregate):
    """A developing story; reports are appended, never edited in place."""

    TOPIC = "tracker.story:Story"
    #: 2: snapshots no longer carry ``_recording`` (see :meth:`upcast_v1_v2`).
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        # Snapshots taken before version 2 held the event being applied.
        state.pop("_recording", None)

    # The events live in story_events.py; their topics name them as before.
    Event: TypeAlias = ev.StoryEvent
    Opened: TypeAlias = ev.Opened
    ReportAdded: TypeAlias = ev.ReportAdded
    ReportCorrected: TypeAlias = ev.ReportCorrected
    ReportRetracted: TypeAlias = ev.ReportRetracted
    ReportReclassified: TypeAlias = ev.ReportReclassified
    Retitled: TypeAlias = ev.Retitled
    SummaryChanged: TypeAlias = ev.SummaryChanged
    StatusChanged: TypeAlias = ev.StatusChanged
    RulesChanged: TypeAlias = ev.RulesChanged
    PartyAccepted: TypeAlias = ev.PartyAccepted
    PartyDismissed: TypeAlias = ev.PartyDismissed
    ReportClustered: TypeAlias = ev.ReportClustered
    ReportUnclustered: TypeAlias = ev.ReportUnclustered

    @staticmethod
    def create_id(slug: str, **_: Any) -> uuid.UUID:
        """One story per slug: the id is derived from it, so a duplicate slug conflicts."""
        return uuid.uuid5(STORY_NAMESPACE, slug)

    @classmethod
    def open(
        cls, *, title: str, slug: str = "", summary: str = "", rules: Mapping[str, Any] | None = None, by: str = ""
    ) -> Story:
        title = clean_text(title, "title", required=True, limit=300)
        slug = clean_slug(slug or slugify(title))
        summary = clean_text(summary, "summary", required=False)
        parse_rules(rules)  # the guard: unusable rules never reach the log
        who = clean_text(by, "by", required=False, limit=200)
        story: Story = cls(title=title, slug=slug, summary=summary, rules=dict(rules or {}), by=who)
        return story

    @event(Opened)
    def __init__(self, title: str, slug: str, summary: str, rules: dict[str, Any], by: str) -> None:
        self.title = title
        self.slug = slug
        self.summary = summary
        self.rules = rules
        self.status = Status.DEVELOPING.value
        self.reports: dict[str, dict[str, Any]] = {}

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
        reading: Reading | None = None,
        by: str = "",
    ) -> None:
        """``speakers``: the parties a statement kind (declined to comment, did
        not respond, confirmed, denied) is about; empty means every party
        named. ``reading``: what the reader found (relations, statements,
        names, relevance); its actors and mentioned parties are the report's
        parties when none are given, its speakers its speakers. ``by``: who
        added it (default: ``feed``/``seed`` by origin, else the classifier)."""
        report_id = clean_text(report_id, "report_id", required=True, limit=200)
        if report_id in self.reports:
            raise DuplicateReport(report_id)
        origin = origin or Origin(OriginKind.MANUAL)
        stored_reading = None
        if reading is not None:
            stored_reading = clean_reading(reading)
            parties = list(parties) or reading_parties(reading)
            speakers = list(speakers) or list(reading.speakers)
            kinds = list(kinds) or [k.value for k in reading.kinds]
            evidence = list(evidence) or list(reading.evidence)  # the event keeps it, the stored reading not
        clean_party_list = clean_parties(parties)
        classifier = clean_text(classified_by, "classified_by", required=False, limit=200)
        origin_kind = OriginKind(origin.kind)
        if not by:
            by = origin_kind.value if origin_kind is not OriginKind.MANUAL else classifier
        self.trigger_event(
            self.ReportAdded,
            report_id=report_id,
            headline=clean_text(headline, "headline", required=True, limit=MAX_HEADLINE),
            summary=clean_text(summary, "summary", required=False),
            outlet=clean_text(outlet, "outlet", required=False, limit=200),
            url=clean_url(url),
            attribution=clean_text(attribution, "attribution", required=False, limit=500),
            parties=list(clean_party_list),
            kinds=[k.value for k in clean_kinds(kinds)],
            origin={
                "kind": origin_kind.value,
                "ref": clean_ref(origin.ref, "origin.ref"),
                "feed": clean_ref(origin.feed, "origin.feed"),
            },
            published_at=clean_published_at(published_at),
            classified_by=classifier,
            evidence=[clean_text(e[:500], "evidence", required=False, limit=500) for e in evidence],
            speakers=list(clean_speakers(speakers, clean_party_list)),
            reading=stored_reading,
            by=clean_text(by, "by", required=False, limit=200),
        )

    def correct_report(
        self, report_id: str, *, reason: str, by: str = "", now: datetime | None = None, **fields: Any
    ) -> None:
        """Corrects any of :data:`~tracker.domain.corrections.CORRECTABLE`
        (None leaves a field as it is); the event keeps the old values. A
        date more than a day after ``now`` (the clock) is refused."""
        current = self._live_report(report_id)
        changes, reading = correction_changes(current, now=now, **fields)
        if not changes:
            raise NothingChanged(f"the correction leaves report {report_id!r} as it is")
        self.trigger_event(
            self.ReportCorrected,
            report_id=report_id,
            changes=changes,
            reason=clean_text(reason, "reason", required=True, limit=1000),
            by=clean_text(by, "by", required=False, limit=200),
            reading=reading,
        )

    def retract_report(self, report_id: str, *, reason: str, by: str = "") -> None:
        self._live_report(report_id)
        self.trigger_event(
            self.ReportRetracted,
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
        reading: Reading | None = None,
    ) -> None:
        """``reading``: the new relations, statements and relevance (None:
        derived from the kinds, parties and speakers given)."""
        current = self._live_report(report_id)
        changed = reclassification(current, kinds=kinds, parties=parties, speakers=speakers, reading=reading)
        self.trigger_event(
            self.ReportReclassified,
            report_id=report_id,
            by=clean_text(by, "by", required=True, limit=200),
            evidence=[clean_text(e[:500], "evidence", required=False, limit=500) for e in evidence],
            **changed,
        )

    def retitle(self, title: str, *, by: str = "") -> None:
        title = clean_text(title, "title", required=True, limit=300)
        if title == self.title:
            raise NothingChanged("the story already has this title")
        self.trigger_event(self.Retitled, title=title, by=clean_text(by, "by", required=False, limit=200))

    def change_summary(self, summary: str, *, by: str = "") -> None:
        """A new standfirst (empty clears it)."""
        summary = clean_text(summary, "summary", required=False)
        if summary == self.summary:
            raise NothingChanged("the story already has this summary")
        self.trigger_event(self.SummaryChanged, summary=summary, by=clean_text(by, "by", required=False, limit=200))

    def change_status(self, status: str, *, by: str = "") -> None:
        try:
            new = Status(str(status).strip().lower())
        except ValueError:
            known = ", ".join(s.value for s in Status)
            raise InvalidField("status", f"unknown status {status!r} (known: {known})") from None
        if new.value == self.status:
            raise NothingChanged(f"the story is already {new.value}")
        self.trigger_event(self.StatusChanged, status=new.value, by=clean_text(by, "by", required=False, limit=200))

    def change_rules(self, rules: Mapping[str, Any], *, by: str = "") -> None:
        parse_rules(rules)
        if dict(rules) == self.rules:
            raise NothingChanged("the story already has these tracking rules")
        self.trigger_event(self.RulesChanged, rules=dict(rules), by=clean_text(by, "by", required=False, limit=200))

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
