"""Reading matched items for their stories: once per item and story in a
batch (the parse process's reading when it has one), timed for the cycle's
summary; holding back a namesake; reading a revised item's report again.

A reading decides what the cycle does with a strong match: an item whose
reading says a party's name here means someone else (``Reading.namesake``)
goes to the story's inbox with that reason instead of its timeline, and so
does one read as background in which none of the story's own parties acts
(a profile, a namesake village, an engineer who once worked there): the desk
decides whether such context belongs on the timeline.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from eventsourcing.application import AggregateNotFoundError

from tracker.application import Newsroom, UnknownStory
from tracker.application.reading import CLASSIFIER_ACTOR, is_classifier
from tracker.domain.errors import DomainError, NothingChanged
from tracker.domain.reading.checks import MAX_ITEMS
from tracker.domain.reading.model import Reading, Relevance
from tracker.domain.report import to_report
from tracker.domain.rules import Match
from tracker.domain.story import reading_parties
from tracker.ingest.prejudge import Verdict, timed_read
from tracker.ingest.reports import fitted
from tracker.ingest.store import StoredItem
from tracker.ingest.summary import Counts
from tracker.ingest.tracking import Tracked

log = logging.getLogger("tracker.ingest")

REREAD_NOTE = "re-read: the feed item was revised"


def _no_verdict(story: Tracked, item: StoredItem) -> Verdict | None:
    return None


class Readings:
    """The readings of one batch of items (kept until :meth:`forget`)."""

    def __init__(self, verdict: Callable[[Tracked, StoredItem], Verdict | None] = _no_verdict) -> None:
        self.verdict = verdict
        self._kept: dict[tuple[str, int, str], Reading] = {}

    def forget(self) -> None:
        self._kept.clear()

    def of(self, story: Tracked, item: StoredItem, counts: Counts) -> Reading:
        """The item's reading for ``story`` (read once; the time it took goes to ``counts``)."""
        key = (story.slug, item.id, item.content_hash)
        kept = self._kept.get(key)
        if kept is not None:
            return kept
        judged = self.verdict(story, item)
        if judged is not None and judged.found is not None:
            reading, seconds = judged.found, judged.read_seconds
        else:
            reading, seconds = timed_read(item.title, item.summary, item.content, story.context)
        counts.read += 1
        counts.read_seconds += seconds
        self._kept[key] = reading
        return reading

    def hold(self, story: Tracked, item: StoredItem, result: Match, counts: Counts) -> str:
        """Why a strong match is not appended by itself ("" when nothing holds it back)."""
        reading = self.of(story, item, counts)
        if reading.namesake:
            return f"not appended: {reading.namesake}"
        if reading.relevance is Relevance.CONTEXT and not set(reading.parties) & story.context.principal:
            return "not appended: read as background (none of the story's own parties acts in it)"
        return ""

    def reread(self, newsroom: Newsroom, story: Tracked, item: StoredItem, report_id: str, counts: Counts) -> bool:
        """Reads a revised item again; a report last read by a classifier whose
        reading changes is reclassified by the classifier. An editor's
        reading is left as it is. Returns whether it was reclassified."""
        try:
            data = newsroom.current_story(story.slug).reports.get(report_id)
        except (AggregateNotFoundError, UnknownStory):
            return False
        if data is None or data["retraction"] is not None:
            return False
        report = to_report(data)
        if not is_classifier(report.classified_by):
            return False
        after = fitted(self.of(story, item, counts))
        if same_reading(report.reading, after):
            return False
        try:
            newsroom.reclassify_report(
                story.slug,
                report_id,
                kinds=[k.value for k in after.kinds],
                parties=reading_parties(after),
                speakers=list(after.speakers),
                by=CLASSIFIER_ACTOR,
                evidence=[REREAD_NOTE, *after.evidence][:MAX_ITEMS],
                reading=after,
            )
        except NothingChanged:
            return False
        except DomainError as error:
            log.info("story %s: re-reading %s not applied: %s", story.slug, report_id, error)
            return False
        counts.reread += 1
        return True


def same_reading(a: Reading, b: Reading) -> bool:
    """Whether two readings say the same (their evidence and reader aside)."""

    def said(reading: Reading) -> dict[str, object]:
        data = reading.to_dict()
        data.pop("evidence")
        data.pop("classified_by")
        return data

    return said(a) == said(b)
