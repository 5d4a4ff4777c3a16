"""What a reclassification changes: a report's kinds, parties, speakers and
reading, checked, and refused when it would leave the report reading as it
does."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tracker.domain.errors import NothingChanged
from tracker.domain.reading.checks import clean_reading
from tracker.domain.reading.model import Reading
from tracker.domain.report import clean_kinds, clean_parties, clean_speakers, party_key


def reclassification(
    current: Mapping[str, Any],
    *,
    kinds: Iterable[str],
    parties: Iterable[str] | None,
    speakers: Iterable[str] | None,
    reading: Reading | None,
) -> dict[str, Any]:
    """The ReportReclassified fields ``kinds``, ``parties``, ``speakers`` and
    ``reading`` for the report ``current``; None keeps the parties (adding
    the reading's) and the speakers that remain parties."""
    if reading is not None and parties is None:
        parties = [*current["parties"], *(p for p in reading_parties(reading) if p not in current["parties"])]
    new_kinds = [k.value for k in clean_kinds(kinds)]
    new_parties = list(current["parties"] if parties is None else clean_parties(parties))
    old_speakers = [s for s in current.get("speakers", []) if party_key(s) in {party_key(p) for p in new_parties}]
    if speakers is None and reading is not None:
        speakers = list(reading.speakers)
    new_speakers = list(old_speakers if speakers is None else clean_speakers(speakers, new_parties))
    new_reading = None if reading is None else clean_reading(reading)
    unchanged = (new_kinds, new_parties, new_speakers) == (
        current["kinds"],
        current["parties"],
        current.get("speakers", []),
    )
    if unchanged and (new_reading is None or _same_reading(new_reading, current.get("reading"))):
        raise NothingChanged(f"report {current['report_id']!r} already reads like this")
    return {"kinds": new_kinds, "parties": new_parties, "speakers": new_speakers, "reading": new_reading}


def reading_parties(reading: Reading) -> list[str]:
    """Every name a reading holds as a party: its known parties, the actors
    of its relations and statements (discovered names included) and the
    parties it only mentions."""
    names = [
        *reading.parties,
        *(n for r in reading.relations for n in (r.a, r.b)),
        *(s.speaker for s in reading.statements),
        *reading.mentioned,
    ]
    return list(dict.fromkeys(names))


def _same_reading(new: Mapping[str, Any], old: Mapping[str, Any] | None) -> bool:
    """Whether two stored readings say the same (evidence and classifier aside)."""
    if old is None:
        return False
    keys = ("kinds", "parties", "mentioned", "relations", "statements", "names", "relevance", "namesake")
    return all(new.get(k) == old.get(k) for k in keys)
