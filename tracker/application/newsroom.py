"""The Newsroom application: the service layer over Story aggregates.

Commands load a story, call one of its command methods and save; a save
that conflicts with a concurrent one is retried against the fresh state, so
it succeeds whenever the command still applies and otherwise raises the
domain's named error. Queries return frozen dataclasses from views.py.

A save is done once its events are stored: if waiting for the read models
afterwards fails (they lag, the disk is full, a lock timed out), the command
still succeeds, and the failure is logged and noted on the thread's
:class:`SaveWatch`, so a caller can say the change will show in a moment
instead of reporting an error that would invite a duplicate.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, project_aggregate
from eventsourcing.persistence import IntegrityError, Notification

from tracker.application.views import HistoryEntry, Mode, StorySummary, StoryView, to_jsonable
from tracker.domain.errors import DomainError
from tracker.domain.report import Origin
from tracker.domain.state import chronological, derive_state
from tracker.domain.story import Story, clean_slug
from tracker.eventsourcing_overrides import TrackerApplication

log = logging.getLogger("tracker.application")

SAVE_ATTEMPTS = 8
#: Stories kept in memory between commands (see ``Newsroom._story_for_command``).
KEPT_STORIES = 4  # a long story takes tens of MB; the desk works on a few at a time


class UnknownStory(DomainError, LookupError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"no story with slug {slug!r}")
        self.slug = slug


class DuplicateSlug(DomainError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"a story with slug {slug!r} already exists")
        self.slug = slug


class StoryNotYetOpened(DomainError, LookupError):
    def __init__(self, slug: str, moment: datetime) -> None:
        super().__init__(f"story {slug!r} had not been opened by {moment.isoformat()}")


class UnknownVersion(DomainError, LookupError):
    def __init__(self, slug: str, version: int, latest: int) -> None:
        super().__init__(f"story {slug!r} has versions 1 to {latest}, not {version}")


class ConcurrentEdit(DomainError):
    """Others kept changing the story faster than this command could be saved."""


@dataclass
class SaveWatch:
    """What this thread's saves did while watched (one web request): the
    last notification stored, and why the read models do not show it yet."""

    stored: int | None = None
    not_shown: BaseException | None = None


def new_report_id() -> str:
    return "r-" + uuid.uuid4().hex[:12]


class Newsroom(TrackerApplication):
    """Story commands and queries; the library overrides are in tracker.eventsourcing_overrides."""

    name = "Newsroom"
    snapshotting_intervals = {Story: 50}  # switches snapshots on; every ``snapshot_interval`` events

    def __init__(self, env: Mapping[str, str] | None = None, *, snapshot_interval: int = 50) -> None:
        super().__init__(env, snapshot_interval=snapshot_interval)
        #: Called with the last notification id after every save, so read
        #: models can catch up before a command returns (read your writes).
        self.after_save: Callable[[int], None] | None = None
        #: Called after ``after_save`` on a thread that watches its saves
        #: (:meth:`watch_saves`): raises when the read models passed the
        #: save without showing it (a story stopped at a poisoned event).
        self.shown_check: Callable[[int], None] | None = None
        self._kept: OrderedDict[UUID, Story] = OrderedDict()
        self._kept_lock = threading.Lock()
        self._local = threading.local()

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Stores the events, then lets the read models catch up; a failure
        of the latter is logged and watched, not raised (the events are
        stored: raising would make the caller think nothing was)."""
        recordings = super().save(*objs, **kwargs)
        if not recordings:
            return recordings
        last = max(r.notification.id for r in recordings)
        watch: SaveWatch | None = getattr(self._local, "watch", None)
        if watch is not None:
            watch.stored = last
        hook = getattr(self._local, "saved", None) or self.after_save
        if hook is not None:
            try:
                hook(last)
                if watch is not None and self.shown_check is not None:
                    self.shown_check(last)
            except Exception as error:
                log.warning("notification %s is stored, but the read models do not show it yet: %s", last, error)
                if watch is not None:
                    watch.not_shown = error
        return recordings

    def watch_saves(self) -> SaveWatch:
        """Starts noting this thread's saves on a fresh :class:`SaveWatch`
        (until :meth:`unwatch_saves`), so a caller can tell "nothing was
        stored" from "stored, not shown yet"."""
        watch = SaveWatch()
        self._local.watch = watch
        return watch

    def unwatch_saves(self) -> None:
        self._local.watch = None

    @contextmanager
    def saves_handed_to(self, saved: Callable[[int], None]) -> Iterator[None]:
        """Saves made on this thread hand their last notification id to
        ``saved`` instead of waiting for the read models (a poll cycle lets
        another thread bring them up to date while it goes on)."""
        self._local.saved = saved
        try:
            yield
        finally:
            self._local.saved = None

    def cycle_snapshots(self) -> AbstractContextManager[None]:
        """This thread's saves snapshot each story once, at the end (see
        ``snapshots_deferred``), of the story kept from its last save."""
        return self.snapshots_deferred(self._take_kept, self._keep)

    def _take_kept(self, story_id: UUID) -> Story | None:
        with self._kept_lock:
            return self._kept.pop(story_id, None)

    @contextmanager
    def saves_gathered(self) -> Iterator[None]:
        """Within :meth:`saves_handed_to`, this block's saves are handed over
        once, at its end: a poll cycle's follower then projects a batch after
        the cycle has recorded what it decided about its items, instead of
        taking SQLite's one write lock between the save and those writes."""
        hand = getattr(self._local, "saved", None)
        if hand is None:
            yield
            return
        last = 0

        def gather(notification_id: int) -> None:
            nonlocal last
            last = max(last, notification_id)

        self._local.saved = gather
        try:
            yield
        finally:
            self._local.saved = hand
            if last:
                hand(last)

    # -- commands -----------------------------------------------------------

    def open_story(
        self,
        *,
        title: str,
        slug: str = "",
        summary: str = "",
        rules: Mapping[str, Any] | None = None,
        reports: Iterable[Mapping[str, Any]] = (),
        by: str = "",
    ) -> str:
        """Opens a story, with any first reports, in one atomic save."""
        story = Story.open(title=title, slug=slug, summary=summary, rules=rules, by=by)
        for fields in reports:
            story.add_report(**{"report_id": new_report_id(), **fields})
        try:
            self.save(story)
        except IntegrityError:
            raise DuplicateSlug(story.slug) from None
        return story.slug

    def add_report(self, slug: str, *, report_id: str = "", origin: Origin | None = None, **fields: Any) -> str:
        report_id = report_id or new_report_id()
        self._update(slug, lambda story: story.add_report(report_id=report_id, origin=origin, **fields))
        return report_id

    def add_reports(
        self,
        slug: str,
        reports: Iterable[Mapping[str, Any]],
        *,
        then: Callable[[Story, list[str]], None] | None = None,
    ) -> list[str]:
        """Adds several reports in one atomic save: all of them or none.
        ``then(story, report_ids)`` runs after they are added, in the same
        command, so what it records is saved with them (syndication's clusterings)."""
        batch = [{"report_id": new_report_id(), **fields} for fields in reports]
        ids = [fields["report_id"] for fields in batch]

        def command(story: Story) -> None:
            for fields in batch:
                story.add_report(**fields)
            if then is not None:
                then(story, ids)

        self._update(slug, command)
        return ids

    def correct_report(self, slug: str, report_id: str, **fields: Any) -> int:
        return self._update(slug, lambda story: story.correct_report(report_id, **fields))

    def retract_report(self, slug: str, report_id: str, *, reason: str, by: str = "") -> int:
        return self._update(slug, lambda story: story.retract_report(report_id, reason=reason, by=by))

    def reclassify_report(self, slug: str, report_id: str, **fields: Any) -> int:
        return self._update(slug, lambda story: story.reclassify_report(report_id, **fields))

    def retitle_story(self, slug: str, title: str, *, by: str = "") -> int:
        return self._update(slug, lambda story: story.retitle(title, by=by))

    def change_summary(self, slug: str, summary: str, *, by: str = "") -> int:
        return self._update(slug, lambda story: story.change_summary(summary, by=by))

    def change_status(self, slug: str, status: str, *, by: str = "") -> int:
        return self._update(slug, lambda story: story.change_status(status, by=by))

    def change_rules(self, slug: str, rules: Mapping[str, Any], *, by: str = "") -> int:
        return self._update(slug, lambda story: story.change_rules(rules, by=by))

    def accept_party(self, slug: str, name: str, *, aliases: Iterable[str] = (), by: str) -> int:
        return self._update(slug, lambda story: story.accept_party(name, aliases=aliases, by=by))

    def dismiss_party(self, slug: str, name: str, *, by: str) -> int:
        return self._update(slug, lambda story: story.dismiss_party(name, by=by))

    def cluster_report(self, slug: str, report_id: str, lead_id: str, *, similarity: float = 1.0, by: str) -> int:
        return self._update(slug, lambda story: story.cluster_report(report_id, lead_id, similarity=similarity, by=by))

    def split_report(self, slug: str, report_id: str, *, by: str) -> int:
        return self._update(slug, lambda story: story.split_report(report_id, by=by))

    def _update(self, slug: str, command: Callable[[Story], None]) -> int:
        for _attempt in range(SAVE_ATTEMPTS):
            story = self._story_for_command(slug)
            command(story)
            try:
                self.save(story)
            except IntegrityError:
                continue  # someone saved first: run the command again on the fresh state
            self._keep(story)
            return story.version
        raise ConcurrentEdit(f"story {slug!r} kept changing; the edit was not saved, try again")

    def _story_for_command(self, slug: str) -> Story:
        """The story a command works on. A story this process saved recently
        is taken from memory and brought up to date with the events stored
        since (by other processes or threads), instead of decoding its whole
        snapshot again: a long story's snapshot costs more with every report.
        It is taken out while the command runs, so no two commands share it,
        and only a story whose save succeeded goes back (a failed or refused
        command leaves nothing half-applied behind)."""
        story_id = self._story_id(slug)
        with self._kept_lock:
            story = self._kept.pop(story_id, None)
        if story is None:
            return self._get_story(slug)
        caught_up = project_aggregate(story, self.events.get(story_id, gt=story.version))
        assert caught_up is not None
        return caught_up

    def current_story(self, slug: str) -> Story:
        """The story as stored now, for a caller that reads it just before a
        command on it (a poll cycle checking for duplicates): taken from the
        command cache, caught up, and left there for the command, instead of
        decoding the whole snapshot again. Raises UnknownStory."""
        story = self._story_for_command(slug)
        self._keep(story)
        return story

    def _keep(self, story: Story) -> None:
        with self._kept_lock:
            self._kept[story.id] = story
            self._kept.move_to_end(story.id)
            while len(self._kept) > KEPT_STORIES:
                self._kept.popitem(last=False)

    # -- queries ------------------------------------------------------------

    def story_exists(self, slug: str) -> bool:
        try:
            self._get_story(slug)
        except UnknownStory:
            return False
        return True

    def story(self, slug: str) -> StoryView:
        return self._view(self._get_story(slug))

    def story_at_version(self, slug: str, version: int) -> StoryView:
        latest = self._get_story(slug).version
        if not 1 <= version <= latest:
            raise UnknownVersion(slug, version, latest)
        return self._view(self._get_story(slug, version=version))

    def story_as_of(self, slug: str, moment: datetime, mode: Mode = Mode.RECORDED) -> StoryView:
        """The story as the desk knew it at ``moment`` (recorded), or with the
        reports published by ``moment`` as they are known now (reported)."""
        if moment.tzinfo is None:
            raise ValueError("as-of moment must carry a time zone")
        mode = Mode(mode)
        if mode is Mode.RECORDED:
            version = self.version_at(slug, moment)
            if version is None:
                raise StoryNotYetOpened(slug, moment)
            return self._view(self._get_story(slug, version=version), as_of=moment, mode=mode)
        story = self._get_story(slug)
        return self._view(story, as_of=moment, mode=mode, published_by=moment)

    def version_at(self, slug: str, moment: datetime) -> int | None:
        """The last version recorded at or before ``moment``."""
        found = None
        for domain_event in self._story_events(self._story_id(slug)):
            if domain_event.timestamp > moment:
                break
            found = domain_event.originator_version
        if found is None and not self.story_exists(slug):
            raise UnknownStory(slug)
        return found

    def history(self, slug: str, *, after_version: int = 0, limit: int | None = None) -> tuple[HistoryEntry, ...]:
        """The story's stored events in order; a page with ``after_version`` and ``limit``."""
        story_id = self._story_id(slug)
        entries = []
        for domain_event in self._story_events(story_id, gt=after_version or None, limit=limit):
            payload = {
                k: to_jsonable(v)
                for k, v in vars(domain_event).items()
                if k not in ("originator_id", "originator_version", "timestamp", "originator_topic")
            }
            entries.append(
                HistoryEntry(
                    version=domain_event.originator_version,
                    recorded_at=domain_event.timestamp,
                    event_type=type(domain_event).__name__,
                    topic=type(domain_event).TOPIC,
                    payload=payload,
                )
            )
        if not entries and not self.story_exists(slug):
            raise UnknownStory(slug)
        return tuple(entries)

    def story_slugs(self) -> list[str]:
        """Slugs of every story, in the order they were opened."""
        slugs = []
        for notification in self.iter_notifications(topics=[Story.Opened.TOPIC]):
            slugs.append(cast(Story.Opened, self.mapper.to_domain_event(notification)).slug)
        return slugs

    def stories(self) -> tuple[StorySummary, ...]:
        summaries = [self.summarise(self.story(slug)) for slug in self.story_slugs()]
        return tuple(sorted(summaries, key=lambda s: s.last_recorded_at, reverse=True))

    @staticmethod
    def summarise(view: StoryView) -> StorySummary:
        active = [r for r in view.reports if r.active]
        last = view.state.last_development
        return StorySummary(
            slug=view.slug,
            title=view.title,
            status=view.status,
            version=view.version,
            report_count=len(active),
            last_development=last.headline if last else "",
            last_published_at=max((r.published_at for r in active), default=None),
            last_recorded_at=view.updated_at,
        )

    def iter_notifications(
        self, *, start: int = 1, batch: int = 1000, topics: Iterable[str] = ()
    ) -> Iterator[Notification]:
        """Every stored event in notification order, read in batches."""
        topics = tuple(topics)
        while True:
            page = self.recorder.select_notifications(start, batch, topics=topics)
            yield from page
            if len(page) < batch:
                return
            start = page[-1].id + 1

    # -- helpers ----------------------------------------------------------------

    @staticmethod
    def _story_id(slug: str) -> UUID:
        return Story.create_id(clean_slug(slug))

    def _story_events(
        self, story_id: UUID, *, gt: int | None = None, limit: int | None = None
    ) -> Iterator[Story.Event]:
        """A story's stored events, typed as the Story's events (the store types them loosely)."""
        return cast(Iterator[Story.Event], iter(self.events.get(story_id, gt=gt, limit=limit)))

    def _get_story(self, slug: str, version: int | None = None) -> Story:
        try:
            return self.repository.get(self._story_id(slug), version=version)
        except AggregateNotFoundError:
            raise UnknownStory(slug) from None

    @staticmethod
    def _view(
        story: Story,
        *,
        as_of: datetime | None = None,
        mode: Mode | None = None,
        published_by: datetime | None = None,
    ) -> StoryView:
        reports = [r for r in story.report_list() if published_by is None or r.published_at <= published_by]
        return StoryView(
            id=story.id,
            slug=story.slug,
            title=story.title,
            summary=story.summary,
            status=story.status,
            rules=dict(story.rules),
            version=story.version,
            opened_at=story.created_on,
            updated_at=story.modified_on,
            reports=tuple(chronological(reports)),
            state=derive_state(reports, story.rules),
            report_count=sum(1 for r in reports if r.active),
            as_of=as_of,
            mode=mode,
        )
