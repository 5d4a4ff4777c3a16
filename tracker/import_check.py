"""The checks an import file passes before anything is written.

An exported line is trusted by nothing: its topic could name any installed
module (resolving a topic imports it), its fields could have the wrong types,
and a story could start with something other than ``Opened``. So each line's
topic must be one of the Story's own event classes, each field must have the
type its class declares and pass the domain's own checks, and every event is
applied, in order, to an aggregate in memory. Only a file that passes all of
that is written.
"""

from __future__ import annotations

import types
import typing
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from eventsourcing.persistence import Mapper, StoredEvent

from tracker.domain.errors import DomainError
from tracker.domain.report import check_characters, clean_published_at, to_report
from tracker.domain.rules import parse_rules
from tracker.domain.story import Story, clean_slug
from tracker.domain.vocabulary import Kind, Status

#: Fields every event has, checked besides those its class declares.
_BASE_FIELDS = {"originator_id": uuid.UUID, "originator_version": int, "timestamp": datetime}


class ImportRejected(ValueError):
    """The file cannot be imported; the message names the line and the problem."""


def _event_classes() -> dict[str, type[Story.Event]]:
    classes: dict[str, type[Story.Event]] = {}
    for value in vars(Story).values():
        if isinstance(value, type) and issubclass(value, Story.Event) and value.TOPIC != Story.Event.TOPIC:
            classes[value.TOPIC] = value
    return classes


#: The only topics a file may name: the Story's own event classes.
EVENT_CLASSES = _event_classes()


def _fits(value: Any, hint: Any) -> bool:
    """Whether ``value`` has the shape of the annotation ``hint`` (the few the events use)."""
    if hint is Any:
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, option) for option in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(_fits(v, item) for v in value)
    if origin is dict:
        key, item = typing.get_args(hint)
        return isinstance(value, dict) and all(_fits(k, key) and _fits(v, item) for k, v in value.items())
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is datetime:
        return isinstance(value, datetime) and value.utcoffset() is not None
    return isinstance(value, hint)


def _texts(value: Any, where: str) -> None:
    """Every string anywhere in the value, keys included, free of control characters."""
    if isinstance(value, str):
        check_characters(value, where)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _texts(key, where)
            _texts(item, f"{where}.{key}")
    elif isinstance(value, (list, tuple)):
        for item in value:
            _texts(item, where)


class ImportChecker:
    """Checks one line after another; ``check`` raises :class:`ImportRejected` naming the line."""

    def __init__(self, mapper: Mapper[uuid.UUID]) -> None:
        self.mapper = mapper
        self.stories: dict[uuid.UUID, Story] = {}
        self.slugs: dict[str, uuid.UUID] = {}

    def check(self, number: int, stored: StoredEvent) -> None:
        try:
            self._check(stored)
        except ImportRejected as error:
            raise ImportRejected(f"line {number}: {error}") from None
        except (DomainError, ValueError, TypeError, KeyError, AttributeError) as error:
            raise ImportRejected(f"line {number}: {stored.topic} does not apply ({error})") from None

    def _check(self, stored: StoredEvent) -> None:
        cls = EVENT_CLASSES.get(stored.topic)
        if cls is None:
            known = ", ".join(sorted(EVENT_CLASSES))
            raise ImportRejected(f"unknown topic {stored.topic!r} (known: {known})")
        story_id = uuid.UUID(str(stored.originator_id))
        try:
            event: Any = self.mapper.to_domain_event(stored)
        except Exception as error:
            raise ImportRejected(f"cannot decode {stored.topic!r} ({error})") from None
        self._check_fields(cls, event)
        story = self.stories.get(story_id)
        if story is None:
            if cls is not Story.Opened or stored.originator_version != 1:
                raise ImportRejected(
                    f"story {stored.originator_id} starts with {stored.topic} version"
                    f" {stored.originator_version}, not Opened version 1"
                )
        elif stored.originator_version != story.version + 1:
            raise ImportRejected(
                f"{stored.originator_id} version {stored.originator_version} follows version {story.version}"
            )
        if cls is Story.Opened:
            self._check_opened(story_id, event)
        self._check_meaning(cls, event)
        story = event.mutate(story)
        assert story is not None
        self.stories[story_id] = story
        if cls in (Story.ReportAdded, Story.ReportCorrected, Story.ReportReclassified):
            to_report(story.reports[event.report_id])  # kinds and origin readable as the views read them

    def _check_fields(self, cls: type[Story.Event], event: Any) -> None:
        hints = {**typing.get_type_hints(cls), **_BASE_FIELDS}
        for name, hint in hints.items():
            if name.startswith("_") or typing.get_origin(hint) is typing.ClassVar or name in ("TOPIC",):
                continue
            if name == "class_version":
                continue
            if name not in event.__dict__:
                raise ImportRejected(f"{cls.__name__} has no field {name!r}")
            value = event.__dict__[name]
            if not _fits(value, hint):
                raise ImportRejected(f"{cls.__name__}.{name} must be {_describe(hint)}, got {value!r:.80}")
            _texts(value, f"{cls.__name__}.{name}")

    def _check_opened(self, originator_id: uuid.UUID, event: Any) -> None:
        if originator_id in self.stories:
            raise ImportRejected(f"story {originator_id} is opened twice")
        slug = clean_slug(event.slug)
        if Story.create_id(slug) != originator_id:
            raise ImportRejected(f"story {originator_id} has slug {slug!r}, whose id is {Story.create_id(slug)}")
        if slug in self.slugs:
            raise ImportRejected(f"slug {slug!r} is already used by story {self.slugs[slug]}")
        self.slugs[slug] = originator_id

    @staticmethod
    def _check_meaning(cls: type[Story.Event], event: Any) -> None:
        if cls in (Story.Opened, Story.RulesChanged):
            parse_rules(event.rules)
        if cls is Story.StatusChanged:
            Status(event.status)
        if cls in (Story.ReportAdded, Story.ReportReclassified):
            for kind in event.kinds:
                Kind(kind)
        if cls is Story.ReportAdded:
            clean_published_at(event.published_at)


def _describe(hint: Any) -> str:
    if hint is datetime:
        return "a date and time with a zone"
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")
