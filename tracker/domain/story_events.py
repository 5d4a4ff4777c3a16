"""The Story's events: one class per change, each with an explicit, stable
TOPIC and a class_version (upcasters bring older stored versions up), so
stored events survive renames and this module's split from story.py.

Every event says who caused it (``by``: an editor's name, ``feed``,
``classifier``, ``seed``, ``import``; "" where an old version did not say).
Each ``apply`` uses the event's own version and timestamp.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from tracker.domain.report import party_key

if TYPE_CHECKING:
    from tracker.domain.story import Story


class StoryEvent(Aggregate.Event):
    TOPIC = "tracker.story:Event"


class Opened(Aggregate.Created, StoryEvent):
    TOPIC = "tracker.story:Opened"
    #: v2: ``by``.
    class_version = 2
    title: str
    slug: str
    summary: str
    rules: dict[str, Any]
    by: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["by"] = ""  # v1 did not say who


class ReportAdded(StoryEvent):
    TOPIC = "tracker.story:ReportAdded"
    #: v4: ``by``, who added it (before: the feed, the seed, else whoever classified it).
    class_version = 4
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
    #: v3: relations, statements, names and relevance (Reading.to_dict);
    #: None for reports recorded before, read as a legacy reading.
    reading: dict[str, Any] | None
    by: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        # v2 names who a statement kind is about; before, it was every party.
        state["speakers"] = []

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        state["reading"] = None

    @staticmethod
    def upcast_v3_v4(state: dict[str, Any]) -> None:
        kind = state.get("origin", {}).get("kind", "")
        state["by"] = kind if kind in ("feed", "seed") else state.get("classified_by", "")

    def apply(self, aggregate: Story) -> None:
        aggregate.reports[self.report_id] = {
            "report_id": self.report_id,
            "headline": self.headline,
            "summary": self.summary,
            "outlet": self.outlet,
            "url": self.url,
            "attribution": self.attribution,
            "parties": list(self.parties),
            "kinds": list(self.kinds),
            "origin": dict(self.origin),
            "published_at": self.published_at,
            "recorded_at": self.timestamp,
            "version": self.originator_version,
            "sequence": len(aggregate.reports) + 1,
            "corrections": [],
            "retraction": None,
            "classified_by": self.classified_by,
            "evidence": list(self.evidence),
            "speakers": list(self.speakers),
            "reading": self.reading,
        }


class ReportCorrected(StoryEvent):
    """``changes``: field -> [old, new] (dates as ISO text, parties and
    speakers as lists), so the earlier values are kept."""

    TOPIC = "tracker.story:ReportCorrected"
    #: v2: outlet, attribution, published_at, parties and speakers may be
    #: corrected; ``reading``: the report's reading after a party or speaker
    #: correction (None: the reading is unchanged).
    class_version = 2
    report_id: str
    changes: dict[str, list[Any]]
    reason: str
    by: str
    reading: dict[str, Any] | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["reading"] = None  # v1 corrected headline, summary and url only

    def apply(self, aggregate: Story) -> None:
        report = aggregate.reports[self.report_id]
        for name, (_old, new) in self.changes.items():
            report[name] = corrected_value(name, new)
        if self.reading is not None:
            report["reading"] = self.reading
        report["corrections"].append(
            {
                "version": self.originator_version,
                "recorded_at": self.timestamp,
                "reason": self.reason,
                "by": self.by,
                "changes": self.changes,
            }
        )


class ReportRetracted(StoryEvent):
    TOPIC = "tracker.story:ReportRetracted"
    class_version = 1
    report_id: str
    reason: str
    by: str

    def apply(self, aggregate: Story) -> None:
        aggregate.reports[self.report_id]["retraction"] = {
            "version": self.originator_version,
            "recorded_at": self.timestamp,
            "reason": self.reason,
            "by": self.by,
        }


class ReportReclassified(StoryEvent):
    TOPIC = "tracker.story:ReportReclassified"
    class_version = 3
    report_id: str
    kinds: list[str]
    parties: list[str]
    by: str
    evidence: list[str]
    speakers: list[str] | None
    #: v3: the new reading (None: derived from kinds, parties and speakers).
    reading: dict[str, Any] | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["speakers"] = None  # v1 left the speakers as they were

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        state["reading"] = None

    def apply(self, aggregate: Story) -> None:
        report = aggregate.reports[self.report_id]
        report["kinds"] = list(self.kinds)
        report["parties"] = list(self.parties)
        if self.speakers is not None:
            report["speakers"] = list(self.speakers)
        report["classified_by"] = self.by
        report["evidence"] = list(self.evidence)
        report["reading"] = self.reading
        report.setdefault("reclassifications", []).append(
            {"version": self.originator_version, "recorded_at": self.timestamp, "by": self.by}
        )


class Retitled(StoryEvent):
    TOPIC = "tracker.story:Retitled"
    class_version = 2
    title: str
    by: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["by"] = ""  # v1 did not say who

    def apply(self, aggregate: Story) -> None:
        aggregate.title = self.title


class SummaryChanged(StoryEvent):
    """The story's standfirst, rewritten by an editor as the story moves on."""

    TOPIC = "tracker.story:SummaryChanged"
    class_version = 1
    summary: str
    by: str

    def apply(self, aggregate: Story) -> None:
        aggregate.summary = self.summary


class StatusChanged(StoryEvent):
    TOPIC = "tracker.story:StatusChanged"
    class_version = 2
    status: str
    by: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["by"] = ""  # v1 did not say who

    def apply(self, aggregate: Story) -> None:
        aggregate.status = self.status


class RulesChanged(StoryEvent):
    TOPIC = "tracker.story:RulesChanged"
    class_version = 2
    rules: dict[str, Any]
    by: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["by"] = ""  # v1 did not say who

    def apply(self, aggregate: Story) -> None:
        aggregate.rules = self.rules


class PartyAccepted(StoryEvent):
    """An editor made a suggested name one of the story's parties (its
    rules' ``parties``, so matching and reading know it from now on)."""

    TOPIC = "tracker.story:PartyAccepted"
    class_version = 1
    name: str
    aliases: list[str]
    by: str

    def apply(self, aggregate: Story) -> None:
        aggregate.rules = with_party(aggregate.rules, self.name, self.aliases)


class PartyDismissed(StoryEvent):
    """An editor said a suggested name is not a party: never suggested again."""

    TOPIC = "tracker.story:PartyDismissed"
    class_version = 1
    name: str
    by: str

    def apply(self, aggregate: Story) -> None:
        aggregate.rules = without_party(aggregate.rules, self.name)


class ReportClustered(StoryEvent):
    """A report's text is a near copy of ``lead_id``'s (syndication, a
    rewrite): one development, not an independent source."""

    TOPIC = "tracker.story:ReportClustered"
    class_version = 1
    report_id: str
    lead_id: str
    similarity: float
    by: str

    def apply(self, aggregate: Story) -> None:
        aggregate.reports[self.report_id]["cluster_lead"] = self.lead_id


class ReportUnclustered(StoryEvent):
    """A copy split out of its cluster: an independent report again."""

    TOPIC = "tracker.story:ReportUnclustered"
    class_version = 1
    report_id: str
    by: str

    def apply(self, aggregate: Story) -> None:
        aggregate.reports[self.report_id]["cluster_lead"] = ""


def corrected_value(name: str, stored: Any) -> Any:
    """A correction's stored value as the report keeps it (dates are ISO text in the event)."""
    if name == "published_at":
        return datetime.fromisoformat(stored)
    if isinstance(stored, list):
        return list(stored)
    return stored


def with_party(rules: Mapping[str, Any], name: str, aliases: Iterable[str]) -> dict[str, Any]:
    """``rules`` with ``name`` among its parties (and no longer dismissed)."""
    parties = dict(rules.get("parties", {}))
    parties[name] = list(aliases)
    out = {**rules, "parties": parties}
    rest = [n for n in rules.get("not_parties", []) if party_key(n) != party_key(name)]
    if rest:
        out["not_parties"] = rest
    else:
        out.pop("not_parties", None)
    return out


def without_party(rules: Mapping[str, Any], name: str) -> dict[str, Any]:
    """``rules`` with ``name`` dismissed (and no longer a party)."""
    parties = {n: a for n, a in rules.get("parties", {}).items() if party_key(n) != party_key(name)}
    out = {**rules, "not_parties": [*rules.get("not_parties", []), name]}
    if parties:
        out["parties"] = parties
    else:
        out.pop("parties", None)
    return out
