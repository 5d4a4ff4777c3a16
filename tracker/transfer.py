"""Export every stored event as NDJSON, and import such a file into an empty store.

A line holds one event: originator id and version, topic, and the stored
state as a JSON object. Import checks the whole file before writing, then
writes it in one transaction, so a bad file leaves the store untouched; the
round trip export -> import -> export is byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import resolve_topic

from tracker.application import Newsroom

BATCH = 1000


class ImportRejected(ValueError):
    """The file cannot be imported; the message names the line and the problem."""


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
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                raise ImportRejected(f"line {number}: empty line")
            try:
                line = json.loads(raw)
                stored = StoredEvent(
                    originator_id=UUID(line["originator_id"]),
                    originator_version=int(line["originator_version"]),
                    topic=str(line["topic"]),
                    state=_dumps(line["state"]).encode("utf-8"),
                )
            except (ValueError, KeyError, TypeError) as error:
                raise ImportRejected(f"line {number}: not an exported event ({error!r})") from None
            yield number, stored


def check_file(app: Newsroom, path: Path) -> int:
    """Reads the whole file and checks every event decodes and versions run 1, 2, 3..."""
    last_version: dict[UUID, int] = {}
    count = 0
    for number, stored in _read(path):
        try:
            resolve_topic(stored.topic)
            app.mapper.to_domain_event(stored)
        except Exception as error:  # noqa: BLE001 - any decoding failure rejects the file
            raise ImportRejected(f"line {number}: cannot decode {stored.topic!r} ({error})") from None
        expected = last_version.get(stored.originator_id, 0) + 1
        if stored.originator_version != expected:
            raise ImportRejected(
                f"line {number}: {stored.originator_id} version {stored.originator_version}"
                f" follows version {expected - 1}"
            )
        last_version[stored.originator_id] = stored.originator_version
        count += 1
    return count


def import_events(app: Newsroom, path: Path) -> int:
    if not path.is_file():
        raise ImportRejected(f"{path}: no such file")
    if app.recorder.max_notification_id():
        raise ImportRejected("the store is not empty: import only into a new database")
    count = check_file(app, path)
    recorder = app.recorder
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
