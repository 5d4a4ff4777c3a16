"""The labelled evaluation set: loading and validation.

A set is a folder of JSON files: each story file holds ``story`` (slug,
title, summary, rules), ``checkpoints`` and ``items``; a file without
``story`` (the distractors) holds only ``items``. Every problem raises
:class:`DatasetError` naming the file and, where there is one, the item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tracker.domain.reading.model import RELATION_KINDS, STATEMENT_KINDS
from tracker.domain.rules import RulesError, parse_rules
from tracker.domain.vocabulary import Kind

NO_STORY = "none"
RELEVANCES = ("core", "context")
SILENCES = frozenset({Kind.DECLINED_TO_COMMENT.value, Kind.NO_RESPONSE.value})
ITEM_FIELDS = ("id", "feed", "title", "description", "link", "published", "outlet", "labels")
_FEED = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")

Relation = tuple[str, str, str]
Statement = tuple[str, str]


class DatasetError(ValueError):
    """The set cannot be used; the message names the file and the item."""


@dataclass(frozen=True)
class Labels:
    story: str
    relevance: str
    kinds: tuple[str, ...]
    relations: tuple[Relation, ...]
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Item:
    id: str
    feed: str
    title: str
    description: str
    content: str
    link: str
    published: datetime
    outlet: str
    labels: Labels
    source: str  # the file it came from

    @property
    def guid(self) -> str:
        return f"tag:newsroom-tracker.eval,2024:{self.id}"


@dataclass(frozen=True)
class Checkpoint:
    story: str
    after: str
    threads: tuple[Relation, ...]
    open_questions: tuple[Statement, ...]


@dataclass(frozen=True)
class StoryDefinition:
    slug: str
    title: str
    summary: str
    rules: Mapping[str, Any]
    source: str


@dataclass(frozen=True)
class Dataset:
    path: Path
    stories: tuple[StoryDefinition, ...]
    items: tuple[Item, ...]  # in the order they are served: by publication, then file order
    checkpoints: tuple[Checkpoint, ...]

    @property
    def feeds(self) -> tuple[str, ...]:
        return tuple(sorted({i.feed for i in self.items}))

    def story_items(self, slug: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.labels.story == slug)

    def position(self, item_id: str) -> int:
        return next(n for n, i in enumerate(self.items) if i.id == item_id)


def load_dataset(path: Path) -> Dataset:
    """Reads and checks every ``*.json`` file of the folder ``path`` (or one file)."""
    if not path.exists():
        raise DatasetError(f"{path}: no such file or folder")
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise DatasetError(f"{path}: no *.json files in the folder")
    stories: list[StoryDefinition] = []
    raw_items: list[tuple[int, int, Item]] = []
    raw_checkpoints: list[tuple[str, int, Mapping[str, Any]]] = []
    for file_index, file in enumerate(files):
        document = _read(file)
        name = file.name
        story = document.get("story")
        if story is not None:
            stories.append(_story(name, story))
        elif "checkpoints" in document:
            raise DatasetError(f"{name}: checkpoints need a story in the same file")
        items = document.get("items")
        if not isinstance(items, list) or not items:
            raise DatasetError(f"{name}: 'items' must be a non-empty list")
        previous: datetime | None = None
        for index, raw in enumerate(items):
            item = _item(name, index, raw)
            if story is not None and item.labels.story == stories[-1].slug:
                if previous is not None and item.published < previous:
                    raise DatasetError(f"{name}: item {item.id}: published before the item above it")
                previous = item.published
            raw_items.append((file_index, index, item))
        for index, raw in enumerate(document.get("checkpoints", [])):
            raw_checkpoints.append((name, index, raw))
    slugs = [s.slug for s in stories]
    if len(set(slugs)) != len(slugs):
        raise DatasetError(f"{path}: a story slug is defined twice ({', '.join(slugs)})")
    seen: dict[str, str] = {}
    for _f, _i, item in raw_items:
        if item.id in seen:
            raise DatasetError(f"{item.source}: item {item.id}: id already used in {seen[item.id]}")
        seen[item.id] = item.source
        if item.labels.story != NO_STORY and item.labels.story not in slugs:
            raise DatasetError(f"{item.source}: item {item.id}: unknown story {item.labels.story!r}")
    ordered = tuple(i for _p, _f, _n, i in sorted((i.published, f, n, i) for f, n, i in raw_items))
    by_id = {i.id: i for i in ordered}
    checkpoints = tuple(_checkpoint(name, index, raw, stories, by_id) for name, index, raw in raw_checkpoints)
    return Dataset(path=path, stories=tuple(stories), items=ordered, checkpoints=checkpoints)


# -- parts ------------------------------------------------------------------------


def _read(file: Path) -> Mapping[str, Any]:
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetError(f"{file.name}: cannot read ({error})") from None
    except json.JSONDecodeError as error:
        raise DatasetError(f"{file.name}: not valid JSON (line {error.lineno}: {error.msg})") from None
    if not isinstance(document, Mapping):
        raise DatasetError(f"{file.name}: expected a JSON object at the top")
    return document


def _story(name: str, raw: Any) -> StoryDefinition:
    if not isinstance(raw, Mapping):
        raise DatasetError(f"{name}: 'story' must be an object")
    for key in ("slug", "title", "rules"):
        if key not in raw:
            raise DatasetError(f"{name}: story: missing field {key!r}")
    slug = str(raw["slug"])
    if not _SLUG.fullmatch(slug) or slug == NO_STORY:
        raise DatasetError(f"{name}: story: slug {slug!r} must be lower-case words joined by hyphens")
    try:
        parse_rules(raw["rules"])
    except RulesError as error:
        raise DatasetError(f"{name}: story {slug}: {error}") from None
    return StoryDefinition(slug, str(raw["title"]), str(raw.get("summary", "")), dict(raw["rules"]), name)


def _item(name: str, index: int, raw: Any) -> Item:
    if not isinstance(raw, Mapping):
        raise DatasetError(f"{name}: items[{index}] must be an object")
    ident = str(raw.get("id", ""))
    where = f"{name}: item {ident}" if ident else f"{name}: items[{index}]"
    for key in ITEM_FIELDS:
        if key not in raw or raw[key] in ("", None):
            raise DatasetError(f"{where}: missing field {key!r}")
    if not _ID.fullmatch(ident):
        raise DatasetError(f"{where}: id must be letters, digits, '-', '_' or '.'")
    feed = str(raw["feed"])
    if not _FEED.fullmatch(feed):
        raise DatasetError(f"{where}: feed {feed!r} must be a short lower-case name")
    link = str(raw["link"])
    if not link.startswith(("http://", "https://")) or " " in link:
        raise DatasetError(f"{where}: link {link!r} is not an absolute http(s) URL")
    return Item(
        id=ident,
        feed=feed,
        title=_text(where, raw, "title"),
        description=_text(where, raw, "description"),
        content=_text(where, raw, "content") if raw.get("content") else "",
        link=link,
        published=_moment(where, raw["published"]),
        outlet=_text(where, raw, "outlet"),
        labels=_labels(where, raw["labels"]),
        source=name,
    )


def _text(where: str, raw: Mapping[str, Any], key: str) -> str:
    value = raw[key]
    if not isinstance(value, str):
        raise DatasetError(f"{where}: {key} must be text")
    return " ".join(value.split())


def _moment(where: str, value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise DatasetError(f"{where}: published {value!r} is not an ISO date and time") from None
    if moment.tzinfo is None:
        raise DatasetError(f"{where}: published {value!r} has no time zone (add Z or +00:00)")
    return moment


def _labels(where: str, raw: Any) -> Labels:
    if not isinstance(raw, Mapping):
        raise DatasetError(f"{where}: labels must be an object")
    for key in ("story", "kinds"):
        if key not in raw:
            raise DatasetError(f"{where}: labels: missing field {key!r}")
    story = str(raw["story"])
    relevance = str(raw.get("relevance", "" if story == NO_STORY else "missing"))
    if story != NO_STORY and relevance not in RELEVANCES:
        raise DatasetError(f"{where}: labels: relevance must be one of {', '.join(RELEVANCES)}, got {relevance!r}")
    kinds = tuple(_kind(where, "kinds", k, {k.value for k in Kind}) for k in _list(where, raw, "kinds"))
    if not kinds:
        raise DatasetError(f'{where}: labels: kinds must not be empty (use ["other"])')
    relations = tuple(_relation(where, r) for r in _list(where, raw, "relations"))
    statements = tuple(_statement(where, s) for s in _list(where, raw, "statements"))
    missing = sorted(({r[2] for r in relations} | {s[1] for s in statements}) - set(kinds))
    if missing:
        raise DatasetError(f"{where}: labels: kinds must also list {', '.join(missing)}")
    return Labels(story, relevance, kinds, relations, statements)


def _list(where: str, raw: Mapping[str, Any], key: str) -> Sequence[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise DatasetError(f"{where}: labels: {key} must be a list")
    return value


def _kind(where: str, field: str, value: Any, allowed: set[str] | frozenset[str]) -> str:
    text = str(value)
    if text not in allowed:
        raise DatasetError(f"{where}: {field}: unknown kind {text!r} (allowed: {', '.join(sorted(allowed))})")
    return text


def _names(where: str, field: str, value: Any, size: int) -> list[str]:
    if not isinstance(value, list) or len(value) != size or not all(isinstance(v, str) and v.strip() for v in value):
        raise DatasetError(f"{where}: {field}: each entry must be a list of {size} non-empty strings, got {value!r}")
    return [" ".join(v.split()) for v in value]


def _relation(where: str, value: Any) -> Relation:
    a, b, kind = _names(where, "relations", value, 3)
    return (a, b, _kind(where, "relations", kind, {k.value for k in RELATION_KINDS}))


def _statement(where: str, value: Any) -> Statement:
    speaker, kind = _names(where, "statements", value, 2)
    return (speaker, _kind(where, "statements", kind, {k.value for k in STATEMENT_KINDS}))


def _checkpoint(
    name: str, index: int, raw: Any, stories: Sequence[StoryDefinition], items: Mapping[str, Item]
) -> Checkpoint:
    where = f"{name}: checkpoints[{index}]"
    if not isinstance(raw, Mapping) or "after" not in raw:
        raise DatasetError(f"{where}: needs 'after' (an item id), 'threads' and 'open_questions'")
    after = str(raw["after"])
    if after not in items:
        raise DatasetError(f"{where}: after {after!r}: no such item")
    story = next(s.slug for s in stories if s.source == name)
    threads = []
    for value in raw.get("threads", []):
        a, b, status = _names(f"{where} (after {after})", "threads", value, 3)
        threads.append((a, b, _kind(where, "threads", status, {k.value for k in RELATION_KINDS})))
    questions = []
    for value in raw.get("open_questions", []):
        speaker, kind = _names(f"{where} (after {after})", "open_questions", value, 2)
        questions.append((speaker, _kind(where, "open_questions", kind, SILENCES)))
    return Checkpoint(story, after, tuple(threads), tuple(questions))
