"""Export every stored event as NDJSON, and import such a file into an empty store.

A line holds one event: originator id and version, topic, and the stored
state as a JSON object. Import checks the whole file before writing
(``tracker.import_check``: known topics only, typed fields, every event
applied to a story in memory), then writes it in one transaction, so a bad
file leaves the store untouched; the round trip export -> import -> export is
byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder

from tracker.application import Newsroom
from tracker.import_check import ImportChecker, ImportRejected

BATCH = 1000

__all__ = ["ImportRejected", "check_file", "export_events", "import_events"]


def _dumps(value: Any) -> str:
    # The same settings as eventsourcing's JSONTranscoder, so states re-encode to the same bytes.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def export_events(app: Newsroom, out: IO[str]) -> int:
    count = 0
    for notification in app.iter_notifications(batch=BATCH):
        line = {
            "originator_id": str(notification.originator_id),
            "originator_version": notification.originator_version,
            "topic": notification.topic,
            "state": json.loads(notification.state),
        }
        out.write(_dumps(line) + "\n")
        count += 1
    return count


def _read(path: Path) -> Iterator[tuple[int, StoredEvent]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        raise ImportRejected(f"{path}: cannot be read ({error.strerror})") from None
    with handle:
        number = 0
        try:
            for number, raw in enumerate(handle, start=1):
                yield number, _stored(number, raw)
        except UnicodeDecodeError as error:
            raise ImportRejected(f"line {number + 1}: not UTF-8 text ({error.reason})") from None


def _stored(number: int, raw: str) -> StoredEvent:
    if not raw.strip():
        raise ImportRejected(f"line {number}: empty line")
    try:
        line = json.loads(raw)
        if not isinstance(line, dict):
            raise TypeError("a line must be a JSON object")
        version = line["originator_version"]
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise TypeError(f"originator_version must be a whole number >= 1, got {version!r}")
        if not isinstance(line["topic"], str) or not isinstance(line["state"], dict):
            raise TypeError("topic must be text and state an object")
        return StoredEvent(
            originator_id=UUID(line["originator_id"]),
            originator_version=version,
            topic=line["topic"],
            state=_dumps(line["state"]).encode("utf-8"),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ImportRejected(f"line {number}: not an exported event ({error!r})") from None


def check_file(app: Newsroom, path: Path) -> int:
    """Reads the whole file and checks every event as :class:`ImportChecker` does."""
    checker = ImportChecker(app.mapper)
    count = 0
    for number, stored in _read(path):
        checker.check(number, stored)
        count += 1
    if not count:
        raise ImportRejected(f"{path}: the file holds no events")
    return count


def import_events(app: Newsroom, path: Path) -> int:
    if not path.is_file():
        raise ImportRejected(f"{path}: no such file")
    if app.recorder.max_notification_id():
        raise ImportRejected("the store is not empty: import only into a new database")
    count = check_file(app, path)
    recorder = cast(SQLAlchemyApplicationRecorder, app.recorder)
    with recorder.datastore.transaction(commit=True):  # one transaction: all or nothing
        batch: list[StoredEvent] = []
        for _number, stored in _read(path):
            batch.append(stored)
            if len(batch) >= BATCH:
                recorder.insert_events(batch)
                batch = []
        if batch:
            recorder.insert_events(batch)
    return count
