"""The projection: one handler per Story event type.

Each handler changes the in-memory rows of a :class:`~.batch.WorkingSet`
(the batch's stories, reports, candidate rows, search rows); the working
set writes them. Handlers read an event's fields by name, so a field added
to an event (with its upcaster) changes nothing here until a view shows it.
"""

from __future__ import annotations

from datetime import datetime
from functools import singledispatchmethod
from typing import TYPE_CHECKING, Any

from tracker.domain.story import Story, with_party, without_party
from tracker.domain.story_events import corrected_value
from tracker.readmodels.errors import ProjectionError
from tracker.readmodels.poison import Undecodable, clean_text
from tracker.readmodels.values import utc

if TYPE_CHECKING:
    from tracker.readmodels.batch import StoryState, WorkingSet


class StoryProjection:
    """Applies Story events to a working set's rows."""

    def __init__(self, work: WorkingSet) -> None:
        self.work = work
        # The handler for an event type, from the registry of :meth:`handle`
        # (cached per type): calling ``self.handle`` would build a wrapper
        # per event (singledispatchmethod.__get__), seconds per million events.
        self._handler = type(self).__dict__["handle"].dispatcher.dispatch

    def apply(self, event: Any, story_id: str, notification_id: int) -> None:
        if isinstance(event, Undecodable):
            raise ProjectionError(f"topic {clean_text(event.topic, 120)!r} does not decode ({event.error})")
        recorded_at = utc(event.timestamp)
        self.work.versions.append(
            {
                "story_id": story_id,
                "version": event.originator_version,
                "recorded_at": recorded_at,
                "event_type": type(event).__name__,
            }
        )
        self._handler(type(event))(self, event, story_id, recorded_at, notification_id)

    def _advance(self, event: Any, story_id: str, recorded_at: datetime) -> StoryState:
        """The story's state, moved to the event's version (which must follow)."""
        state = self.work.stories[story_id]
        story = state.row
        if event.originator_version != story["version"] + 1:
            raise ProjectionError(f"version {event.originator_version} follows {story['version']}")
        story["version"] = event.originator_version
        story["updated_at"] = story["last_recorded_at"] = recorded_at
        return state

    @singledispatchmethod
    def handle(self, event: Any, story_id: str, recorded_at: datetime, notification_id: int) -> None:
        self._advance(event, story_id, recorded_at)
        raise ProjectionError(f"no read model handles {type(event).TOPIC!r}")

    @handle.register(Story.Opened)
    def _opened(self, event: Any, story_id: str, recorded_at: datetime, notification_id: int) -> None:
        row = {
            "story_id": story_id,
            "slug": event.slug,
            "title": event.title,
            "summary": event.summary,
            "status": "developing",
            "rules": event.rules,
            "version": 1,
            "report_count": 0,
            "report_total": 0,
            "last_report_id": None,
            "last_published_at": None,
            "last_recorded_at": recorded_at,
            "opened_at": recorded_at,
            "updated_at": recorded_at,
        }
        self.work.open_story(story_id, row)

    @handle.register(Story.ReportAdded)
    def _report_added(self, event: Any, story_id: str, recorded_at: datetime, notification_id: int) -> None:
        """The report's row id is its event's notification id: the same in
        an incremental projection, a rebuild and a rebuild split by story."""
        state = self._advance(event, story_id, recorded_at)
        story = state.row
        story["report_total"] += 1
        story["report_count"] += 1
        published_at = utc(event.published_at)
        row = {
            "id": notification_id,
            "story_id": story["story_id"],
            "report_id": event.report_id,
            "seq": story["report_total"],
            "headline": event.headline,
            "summary": event.summary,
            "url": event.url,
            "outlet": event.outlet,
            "attribution": event.attribution,
            "parties": list(event.parties),
            "kinds": list(event.kinds),
            "origin_kind": event.origin.get("kind", ""),
            "origin_ref": event.origin.get("ref", ""),
            "origin_feed": event.origin.get("feed", ""),
            "published_at": published_at,
            "recorded_at": recorded_at,
            "version_added": event.originator_version,
            "corrections": [],
            "reclassifications": [],
            "retracted_version": None,
            "retracted_at": None,
            "retraction_reason": "",
            "classified_by": event.classified_by,
            "evidence": list(event.evidence),
            "speakers": list(event.speakers),
            "reading": event.reading,
            "cluster_lead": None,
            "clusterings": [],
        }
        self.work.new_reports[(story["story_id"], event.report_id)] = row
        candidates = self.work.add_fact_rows(row, event.originator_version)
        self.work.index(row)
        state.dirty_facts |= state.facts.add((published_at, row["seq"]), row["report_id"], candidates)

    @handle.register(Story.ReportCorrected)
    def _report_corrected(self, event: Any, story_id: str, recorded_at: datetime, notification_id: int) -> None:
        """A corrected date, party or speaker moves the report's facts as a
        reclassification does; its previous classification is kept with the
        reclassifications (marked as a correction) so time travel undoes it."""
        state = self._advance(event, story_id, recorded_at)
        report = self.work.report(story_id, event.report_id)
        moves_facts = event.reading is not None or bool({"published_at", "parties", "speakers"} & set(event.changes))
        if moves_facts:
            report["reclassifications"] = [*report["reclassifications"], self._previous(report, event, recorded_at)]
        for name, (_old, new) in event.changes.items():
            value = corrected_value(name, new)
            report[name] = utc(value) if name == "published_at" else value
        if event.reading is not None:
            report["reading"] = event.reading
        report["corrections"] = [
            *report["corrections"],
            {
                "version": event.originator_version,
                "recorded_at": recorded_at.isoformat(),
                "reason": event.reason,
                "by": event.by,
                "changes": event.changes,
            },
        ]
        self.work.index(report)
        if moves_facts:
            self._refold(state, report, event.originator_version)

    def _refold(self, state: StoryState, report: dict[str, Any], version: int) -> None:
        """The report's facts as it now reads (and dates), folded in again."""
        self.work.close_fact_rows(report, version)
        candidates = self.work.add_fact_rows(report, version)
        state.recompute |= state.facts_held_by(report["report_id"])
        if report["retracted_version"] is None:
            order = (utc(report["published_at"]), report["seq"])
            state.dirty_facts |= state.facts.add(order, report["report_id"], candidates)

    @staticmethod
    def _previous(report: dict[str, Any], event: Any, recorded_at: datetime) -> dict[str, Any]:
        return {
            "version": event.originator_version,
            "recorded_at": recorded_at.isoformat(),
            "by": event.by,
            "correction": isinstance(event, Story.ReportCorrected),
            "previous": {
                "kinds": report["kinds"],
                "parties": report["parties"],
                "classified_by": report["classified_by"],
                "evidence": report["evidence"],
                "speakers": report["speakers"],
                "reading": report["reading"],
            },
        }

    @handle.register(Story.ReportRetracted)
    def _report_retracted(self, event: Any, story_id: str, recorded_at: datetime, notification_id: int) -> None:
        state = self._advance(event, story_id, recorded_at)
        report = self.work.report(story_id, event.report_id)
        report["retracted_version"] = event.originator_version
        report["retracted_at"] = recorded_at
        report["retraction_reason"] = event.reason
        self.work.retract_fact_rows(report, event.originator_version)
        state.row["report_count"] -= 1
        state.recompute |= state.facts_held_by(event.report_id)

    @handle.register(Story.ReportReclassified)
    def _report_reclassified(self, event: Any, story_id: str, recorded_at: datetime, notification_id: int) -> None:
        state = self._advance(event, story_id, recorded_at)
        report = self.work.report(story_id, event.report_id)
        report["reclassifications"] = [*report["reclassifications"], self._previous(report, event, recorded_at)]
        report["kinds"] = list(event.kinds)
        report["parties"] = list(event.parties)
        report["classified_by"] = event.by
        report["evidence"] = list(event.evidence)
        if event.speakers is not None:
            report["speakers"] = list(event.speakers)
        report["reading"] = event.reading
        self.work.index(report)
        self._refold(state, report, event.originator_version)

    @handle.register(Story.SummaryChanged)
    def _summary_changed(self, event: Any, story_id: str, recorded_at: datetime, notification_id: int) -> None:
        state = self._advance(event, story_id, recorded_at)
        state.row["summary"] = event.summary
        self.work.story_changed(state.row)

    @handle.register(Story.Retitled)
    def _retitled(self, event: Any, story_id: str, recorded_at: datetime, notification_id: int) -> None:
        state = self._advance(event, story_id, recorded_at)
        state.row["title"] = event.title
        self.work.story_changed(state.row)

    @handle.register(Story.StatusChanged)
    def _status_changed(self, event: Any, story_id: str, recorded_at: datetime, notification_id: int) -> None:
        state = self._advance(event, story_id, recorded_at)
        state.row["status"] = event.status
        self.work.story_changed(state.row)

    @handle.register(Story.RulesChanged)
    def _rules_changed(self, event: Any, story_id: str, recorded_at: datetime, notification_id: int) -> None:
        state = self._advance(event, story_id, recorded_at)
        state.row["rules"] = event.rules
        self.work.story_changed(state.row)

    @handle.register(Story.PartyAccepted)
    def _party_accepted(self, event: Any, story_id: str, recorded_at: datetime, notification_id: int) -> None:
        state = self._advance(event, story_id, recorded_at)
        state.row["rules"] = with_party(state.row["rules"], event.name, event.aliases)
        self.work.story_changed(state.row)

    @handle.register(Story.PartyDismissed)
    def _party_dismissed(self, event: Any, story_id: str, recorded_at: datetime, notification_id: int) -> None:
        state = self._advance(event, story_id, recorded_at)
        state.row["rules"] = without_party(state.row["rules"], event.name)
        self.work.story_changed(state.row)

    @handle.register(Story.ReportClustered)
    def _report_clustered(self, event: Any, story_id: str, recorded_at: datetime, notification_id: int) -> None:
        self._advance(event, story_id, recorded_at)
        self._cluster(story_id, event.report_id, event.lead_id, event.originator_version)

    @handle.register(Story.ReportUnclustered)
    def _report_unclustered(self, event: Any, story_id: str, recorded_at: datetime, notification_id: int) -> None:
        self._advance(event, story_id, recorded_at)
        self._cluster(story_id, event.report_id, "", event.originator_version)

    def _cluster(self, story_id: str, report_id: str, lead: str, version: int) -> None:
        """The report's current lead, and its history (for time travel)."""
        report = self.work.report(story_id, report_id)
        report["cluster_lead"] = lead or None
        report["clusterings"] = [*report["clusterings"], {"version": version, "lead": lead}]
