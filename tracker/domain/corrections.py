"""What a correction of a report changes: every field passes the checks a
new report's does, and only what differs is recorded, with its old value.

A correction fixes what the outlet published or what was typed wrongly
(a date, an outlet, a party); how the report reads is a reclassification.
When the parties or speakers change, the stored reading keeps only the
relations and statements of the parties that remain, so the story's state
moves with the correction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from tracker.domain.reading.checks import clean_reading
from tracker.domain.reading.model import Reading
from tracker.domain.report import (
    MAX_HEADLINE,
    clean_parties,
    clean_published_at,
    clean_speakers,
    clean_text,
    clean_url,
    party_key,
)

#: The report fields a correction may change, in the order forms show them.
CORRECTABLE = ("headline", "summary", "url", "outlet", "attribution", "published_at", "parties", "speakers")


def correction_changes(
    current: Mapping[str, Any],
    *,
    headline: str | None = None,
    summary: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    attribution: str | None = None,
    published_at: datetime | None = None,
    parties: Iterable[str] | None = None,
    speakers: Iterable[str] | None = None,
    now: datetime | None = None,
) -> tuple[dict[str, list[Any]], dict[str, Any] | None]:
    """The changes (field -> [old, new]) and the new stored reading (None:
    unchanged) of correcting the report ``current``; None leaves a field as it is."""
    wanted: dict[str, Any] = {
        "headline": None if headline is None else clean_text(headline, "headline", required=True, limit=MAX_HEADLINE),
        "summary": None if summary is None else clean_text(summary, "summary", required=False),
        "url": None if url is None else clean_url(url),
        "outlet": None if outlet is None else clean_text(outlet, "outlet", required=False, limit=200),
        "attribution": None
        if attribution is None
        else clean_text(attribution, "attribution", required=False, limit=500),
    }
    changes: dict[str, list[Any]] = {
        name: [current[name], value] for name, value in wanted.items() if value is not None and value != current[name]
    }
    if published_at is not None:
        new_date = clean_published_at(published_at, now=now)
        if new_date != current["published_at"]:
            changes["published_at"] = [current["published_at"].isoformat(), new_date.isoformat()]
    old_parties = list(current["parties"])
    new_parties = old_parties if parties is None else list(clean_parties(parties))
    old_speakers = list(current.get("speakers", []))
    if speakers is None:
        kept = {party_key(p) for p in new_parties}
        new_speakers = [s for s in old_speakers if party_key(s) in kept]
    else:
        new_speakers = list(clean_speakers(speakers, new_parties))
    if new_parties != old_parties:
        changes["parties"] = [old_parties, new_parties]
    if new_speakers != old_speakers:
        changes["speakers"] = [old_speakers, new_speakers]
    reading = None
    stored = current.get("reading")
    if stored and ("parties" in changes or "speakers" in changes):
        reading = clean_reading(reading_for(Reading.from_dict(stored), new_parties, new_speakers))
    return changes, reading


def reading_for(reading: Reading, parties: Iterable[str], speakers: Iterable[str]) -> Reading:
    """``reading`` with only the relations and statements of ``parties`` (and,
    for statements, of ``speakers`` when any are named); the parties no
    relation or statement names are mentioned ones."""
    by_key = {party_key(p): p for p in parties}
    speaker_keys = {party_key(s) for s in speakers}
    relations = tuple(
        replace(r, a=by_key[party_key(r.a)], b=by_key[party_key(r.b)])
        for r in reading.relations
        if party_key(r.a) in by_key and party_key(r.b) in by_key
    )
    statements = tuple(
        replace(s, speaker=by_key[party_key(s.speaker)])
        for s in reading.statements
        if party_key(s.speaker) in by_key and (not speaker_keys or party_key(s.speaker) in speaker_keys)
    )
    actors = {party_key(n) for r in relations for n in (r.a, r.b)} | {party_key(s.speaker) for s in statements}
    return replace(
        reading,
        parties=tuple(by_key.values()),
        mentioned=tuple(p for k, p in by_key.items() if k not in actors),
        relations=relations,
        statements=statements,
    )
