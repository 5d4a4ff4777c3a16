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

import re
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
    party_key,
    to_report,
)
from tracker.domain.rules import parse_rules
from tracker.domain.story_events import with_party, without_party
from tracker.domain.vocabulary import OriginKind, Status

__all__ = ["STORY_NAMESPACE", "Story", "clean_slug", "slugify", "to_report", "with_party", "without_party"]

STORY_NAMESPACE = uuid.UUID("5a0f3c1e-2b7d-4f3e-9c55-6e7a1d0b8c42")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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
        if reading is not None and parties is None:
            parties = [*current["parties"], *(p for p in reading_parties(reading) if p not in current["parties"])]
        new_kinds = [k.value for k in clean_kinds(kinds)]
        new_parties = list(current["parties"] if parties is None else clean_parties(parties))
        old_speakers = [s for s in current.get("speakers", []) if party_key(s) in {party_key(p) for p in new_parties}]
        if speakers is None and reading is not None:
            speakers = list(reading.speakers)
        new_speakers = list(old_speakers if speakers is None else clean_speakers(speakers, new_parties))
        new_reading = None if reading is None else clean_reading(reading)
        unchanged = (new_kinds, new_parties, new_speakers) == (
            current["kinds"],
            current["parties"],
            current.get("speakers", []),
        )
        if unchanged and (new_reading is None or _same_reading(new_reading, current.get("reading"))):
            raise NothingChanged(f"report {report_id!r} already reads like this")
        self.trigger_event(
            self.ReportReclassified,
            report_id=report_id,
            kinds=new_kinds,
            parties=new_parties,
            by=clean_text(by, "by", required=True, limit=200),
            evidence=[clean_text(e[:500], "evidence", required=False, limit=500) for e in evidence],
            speakers=new_speakers,
            reading=new_reading,
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

    def accept_party(self, name: str, *, aliases: Iterable[str] = (), by: str) -> None:
        name = clean_text(name, "name", required=True, limit=200)
        clean_aliases = [a for a in clean_parties(aliases, "aliases") if party_key(a) != party_key(name)]
        known = {party_key(n) for n in self.rules.get("parties", {})}
        if party_key(name) in known:
            raise NothingChanged(f"{name} is already a party of the story")
        parse_rules(with_party(self.rules, name, clean_aliases))
        self.trigger_event(
            self.PartyAccepted, name=name, aliases=clean_aliases, by=clean_text(by, "by", required=True, limit=200)
        )

    def dismiss_party(self, name: str, *, by: str) -> None:
        name = clean_text(name, "name", required=True, limit=200)
        if party_key(name) in {party_key(n) for n in self.rules.get("not_parties", [])}:
            raise NothingChanged(f"{name} is already dismissed")
        parse_rules(without_party(self.rules, name))
        self.trigger_event(self.PartyDismissed, name=name, by=clean_text(by, "by", required=True, limit=200))

    def cluster_report(self, report_id: str, lead_id: str, *, similarity: float = 1.0, by: str) -> None:
        """Records ``report_id`` as a copy of ``lead_id`` (of the lead's lead
        when that is a copy itself); the report's own copies, if any, move
        to the new lead with it."""
        self.cluster_reports([(report_id, lead_id, similarity)], by=by)

    def cluster_reports(self, clusterings: Iterable[tuple[str, str, float]], *, by: str) -> None:
        """:meth:`cluster_report` for several, finding every lead's copies in
        one pass over the reports (not one pass per clustering: a scoop's
        thousand copies would make it quadratic)."""
        copies: dict[str, dict[str, None]] = {}  # lead -> its copies, in the order recorded
        for rid, r in self.reports.items():
            if r.get("cluster_lead"):
                copies.setdefault(r["cluster_lead"], {})[rid] = None
        for report_id, lead_id, similarity in clusterings:
            own = [rid for rid in copies.pop(report_id, {}) if self.reports[rid].get("cluster_lead") == report_id]
            lead = self._cluster(report_id, lead_id, similarity, by, own)
            copies.setdefault(lead, {}).update(dict.fromkeys((report_id, *own)))

    def _cluster(self, report_id: str, lead_id: str, similarity: float, by: str, copies: list[str]) -> str:
        """Clusters ``report_id`` and its ``copies`` under ``lead_id``'s lead; returns that lead."""
        report = self._live_report(report_id)
        lead = self._live_report(lead_id)
        lead_id = lead.get("cluster_lead") or lead_id
        self._live_report(lead_id)
        if lead_id == report_id:
            raise InvalidField("lead_id", f"report {report_id!r} cannot be a copy of itself")
        if report.get("cluster_lead") == lead_id:
            raise NothingChanged(f"report {report_id!r} is already a copy of {lead_id!r}")
        if not 0.0 <= float(similarity) <= 1.0:
            raise InvalidField("similarity", f"{similarity!r} must be between 0 and 1")
        who = clean_text(by, "by", required=True, limit=200)
        for rid in [report_id, *copies]:
            self.trigger_event(
                self.ReportClustered, report_id=rid, lead_id=lead_id, similarity=float(similarity), by=who
            )
        return lead_id

    def split_report(self, report_id: str, *, by: str) -> None:
        """Makes a copy an independent report again."""
        report = self._live_report(report_id)
        if not report.get("cluster_lead"):
            raise NothingChanged(f"report {report_id!r} is not a copy")
        self.trigger_event(
            self.ReportUnclustered, report_id=report_id, by=clean_text(by, "by", required=True, limit=200)
        )

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


def reading_parties(reading: Reading) -> list[str]:
    """Every name a reading holds as a party: its known parties, the actors
    of its relations and statements (discovered names included) and the
    parties it only mentions."""
    names = [
        *reading.parties,
        *(n for r in reading.relations for n in (r.a, r.b)),
        *(s.speaker for s in reading.statements),
        *reading.mentioned,
    ]
    return list(dict.fromkeys(names))


def _same_reading(new: Mapping[str, Any], old: Mapping[str, Any] | None) -> bool:
    """Whether two stored readings say the same (evidence and classifier aside)."""
    if old is None:
        return False
    keys = ("kinds", "parties", "mentioned", "relations", "statements", "names", "relevance", "namesake")
    return all(new.get(k) == old.get(k) for k in keys)
