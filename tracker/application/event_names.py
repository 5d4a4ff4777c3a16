"""A stored event in plain words, and who caused it, for the history page
and ``tracker history``: "Report added", "Reclassified by the classifier",
not class names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker.application.views import HistoryEntry

#: The ``by`` of the tracker's own machinery, as a reader would say it.
MACHINES = {"feed": "a feed", "classifier": "the classifier", "seed": "the seed", "import": "an import"}
#: Prefixes of versioned classifiers' names (``feed-classifier/1``, ``reader/3``).
CLASSIFIER_PREFIXES = ("feed-classifier/", "reader/")

NAMES = {
    "Opened": "Story opened",
    "ReportAdded": "Report added",
    "ReportCorrected": "Report corrected",
    "ReportRetracted": "Report retracted",
    "ReportReclassified": "Reclassified",
    "Retitled": "Retitled",
    "SummaryChanged": "Summary rewritten",
    "StatusChanged": "Status changed",
    "RulesChanged": "Tracking rules changed",
    "PartyAccepted": "Party accepted",
    "PartyDismissed": "Name dismissed as a party",
    "ReportClustered": "Marked as a copy",
    "ReportUnclustered": "No longer a copy",
}


def who(by: str) -> str:
    """Who an event's ``by`` names ("" when the event did not say)."""
    name = (by or "").strip()
    if name.startswith(CLASSIFIER_PREFIXES):
        return "the classifier"
    return MACHINES.get(name, name)


def what(event_type: str, payload: Mapping[str, Any]) -> str:
    """The event in plain words; a machine's reclassification says which machine."""
    name = NAMES.get(event_type, event_type)
    if event_type == "StatusChanged" and payload.get("status"):
        return f"{name} to {payload['status']}"
    if event_type in ("PartyAccepted", "PartyDismissed") and payload.get("name"):
        return f"{name}: {payload['name']}"
    if event_type == "ReportCorrected" and payload.get("changes"):
        return f"{name}: {', '.join(str(k).replace('_', ' ') for k in payload['changes'])}"
    actor = who(str(payload.get("by", "")))
    if event_type == "ReportReclassified" and actor.startswith("the "):
        return f"{name} by {actor}"
    return name


def describe(entry: HistoryEntry) -> tuple[str, str]:
    """(what, who) of one history entry."""
    return what(entry.event_type, entry.payload), who(str(entry.payload.get("by", "")))
