"""What a report is, and the checks every report field must pass.

The aggregate keeps reports as plain dicts so snapshots stay JSON; the
frozen :class:`Report` is what leaves the domain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from tracker.domain.errors import InvalidField
from tracker.domain.reading.legacy import legacy_reading
from tracker.domain.reading.model import Reading
from tracker.domain.vocabulary import Kind, OriginKind

MAX_HEADLINE = 500
MAX_TEXT = 20_000
MAX_URL = 2_000

#: Characters no stored text may hold: C0/C1 controls (tab and newline are
#: folded into spaces first), lone surrogates (not encodable as UTF-8) and the
#: two non-characters. PostgreSQL refuses NUL in text, so one such byte in an
#: event would stop the read models for good.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

#: Publication dates a report may carry: nothing before this, nothing more
#: than :data:`MAX_AHEAD` after now (a typo such as 9999 would become the
#: story's "last development" and stretch every chart).
EARLIEST_PUBLISHED = datetime(1900, 1, 1, tzinfo=UTC)
MAX_AHEAD = timedelta(days=1)


@dataclass(frozen=True)
class Origin:
    """Where a report came from; ``ref`` is the feed item identity for feeds."""

    kind: OriginKind
    ref: str = ""
    feed: str = ""


@dataclass(frozen=True)
class Correction:
    """A correction as shown: each changed field's old and new value as text
    (parties and speakers joined with commas, dates in ISO form)."""

    version: int
    recorded_at: datetime
    reason: str
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    by: str = ""

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Correction:
        """From the dict the aggregate and the read models keep
        (``recorded_at`` may be an ISO string there)."""
        return cls(
            version=record["version"],
            recorded_at=_moment(record["recorded_at"]),
            reason=record["reason"],
            changes={name: (_shown(old), _shown(new)) for name, (old, new) in record["changes"].items()},
            by=record.get("by", ""),
        )


@dataclass(frozen=True)
class Reclassification:
    """Who read a report anew, and when (the reading itself is the report's)."""

    version: int
    recorded_at: datetime
    by: str = ""

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Reclassification:
        return cls(version=record["version"], recorded_at=_moment(record["recorded_at"]), by=record.get("by", ""))


def _moment(value: datetime | str) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Report:
    """A report as it currently stands, with how it got there."""

    report_id: str
    headline: str
    summary: str
    outlet: str
    url: str
    attribution: str
    parties: tuple[str, ...]
    kinds: tuple[Kind, ...]
    origin: Origin
    published_at: datetime
    recorded_at: datetime
    version: int
    sequence: int
    corrections: tuple[Correction, ...] = ()
    retracted: bool = False
    retraction_reason: str = ""
    retracted_at: datetime | None = None
    classified_by: str = ""
    classification_evidence: tuple[str, ...] = ()
    #: Who a statement kind (declined, no response, confirmed, denied,
    #: agreement) is about; empty: every party named.
    speakers: tuple[str, ...] = ()
    #: What the classifier (or an editor) read in it: relations, statements,
    #: names, relevance (a legacy reading for reports recorded before).
    reading: Reading = field(default_factory=Reading)
    #: The lead report this one's text is a near copy of ("": independent).
    cluster_lead: str = ""
    #: Each time an editor or the classifier read it anew, oldest first.
    reclassifications: tuple[Reclassification, ...] = ()

    @property
    def active(self) -> bool:
        return not self.retracted

    @property
    def corrected(self) -> bool:
        return bool(self.corrections)


def check_characters(text: str, field_name: str) -> str:
    """Refuses text holding a control character, a lone surrogate or a non-character."""
    found = _FORBIDDEN.search(text)
    if found is not None:
        raise InvalidField(
            field_name,
            f"contains the control character U+{ord(found.group()):04X} at position {found.start() + 1}; remove it",
        )
    return text


def clean_text(value: str | None, field_name: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    """Folds whitespace; rejects empty required text, over-long text and control characters."""
    if value is not None and not isinstance(value, str):
        raise InvalidField(field_name, f"must be text, got {type(value).__name__}")
    text = " ".join((value or "").split())  # str.split's white space is exactly regex \s, and faster
    if required and not text:
        raise InvalidField(field_name, "must not be empty")
    if len(text) > limit:
        raise InvalidField(field_name, f"is {len(text)} characters long; the limit is {limit}")
    return check_characters(text, field_name)


def clean_ref(value: str | None, field_name: str, *, limit: int = MAX_URL) -> str:
    """An identifier kept exactly as given (a feed item's GUID, a feed URL), checked for length and controls."""
    text = value or ""
    if not isinstance(text, str):
        raise InvalidField(field_name, f"must be text, got {type(text).__name__}")
    if len(text) > limit:
        raise InvalidField(field_name, f"is {len(text)} characters long; the limit is {limit}")
    return check_characters(text, field_name)


def clean_url(value: str | None, field_name: str = "url") -> str:
    """An absolute http(s) URL with a host, or empty."""
    url = (value or "").strip()
    if not url:
        return ""
    if len(url) > MAX_URL:
        raise InvalidField(field_name, f"is {len(url)} characters long; the limit is {MAX_URL}")
    if _FORBIDDEN.search(url) or any(c in url for c in "\t\r\n"):
        raise InvalidField(field_name, "contains a control character; remove it")
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise InvalidField(field_name, f"{url!r} is not a valid URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise InvalidField(field_name, f"{url!r} is not an absolute http(s) URL")
    return url


def clean_kinds(values: Iterable[str], field_name: str = "kinds") -> tuple[Kind, ...]:
    """Known kinds, deduplicated in the order given; at least one."""
    kinds: list[Kind] = []
    for raw in values:
        name = str(raw).strip().lower().replace("-", "_").replace(" ", "_")
        if not name:
            continue
        try:
            kind = Kind(name)
        except ValueError:
            known = ", ".join(k.value for k in Kind)
            raise InvalidField(field_name, f"unknown kind {raw!r} (known: {known})") from None
        if kind not in kinds:
            kinds.append(kind)
    if not kinds:
        raise InvalidField(field_name, "at least one kind is required")
    return tuple(kinds)


def clean_parties(values: Iterable[str], field_name: str = "parties") -> tuple[str, ...]:
    """Party names, trimmed, deduplicated by :func:`party_key`."""
    parties: list[str] = []
    seen: set[str] = set()
    for raw in values:
        name = clean_text(raw, field_name, required=False, limit=200)
        key = party_key(name)
        if key and key not in seen:
            seen.add(key)
            parties.append(name)
    return tuple(parties)


def clean_speakers(values: Iterable[str], parties: Iterable[str], field_name: str = "speakers") -> tuple[str, ...]:
    """Speakers must be among the report's parties (any spelling of them)."""
    named = {party_key(p): p for p in parties}
    speakers: list[str] = []
    for raw in values:
        name = clean_text(raw, field_name, required=False, limit=200)
        if not name:
            continue
        key = party_key(name)
        if key not in named:
            raise InvalidField(
                field_name, f"{name!r} is not among the report's parties ({', '.join(named.values()) or 'none'})"
            )
        if named[key] not in speakers:
            speakers.append(named[key])
    return tuple(speakers)


def clean_published_at(
    value: datetime | None, field_name: str = "published_at", *, now: datetime | None = None
) -> datetime:
    """A zone-aware time from 1900 up to a day after ``now`` (the clock when not given)."""
    if not isinstance(value, datetime):
        raise InvalidField(field_name, "must be a date and time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidField(field_name, "must carry a time zone")
    if value < EARLIEST_PUBLISHED:
        raise InvalidField(field_name, f"{value.isoformat()} is before {EARLIEST_PUBLISHED.year}")
    latest = (now or datetime.now(UTC)) + MAX_AHEAD
    if value > latest:
        raise InvalidField(
            field_name, f"{value.isoformat()} is more than a day in the future; check the date (the year, perhaps)"
        )
    return value


@lru_cache(maxsize=65536)
def party_key(name: str) -> str:
    """One key for the spellings of a party: 'Character.AI' = 'Character AI'."""
    return re.sub(r"[^0-9a-z]+", "", name.lower())


def to_report(data: Mapping[str, Any]) -> Report:
    """The one mapping from a stored report to a :class:`Report`: the dict the
    Story aggregate keeps per report (a read model builds one in its shape);
    keys added by later event versions may be missing."""
    retraction = data["retraction"]
    origin = data["origin"]
    return Report(
        report_id=data["report_id"],
        headline=data["headline"],
        summary=data["summary"],
        outlet=data["outlet"],
        url=data["url"],
        attribution=data["attribution"],
        parties=tuple(data["parties"]),
        kinds=tuple(Kind(k) for k in data["kinds"]),
        origin=Origin(OriginKind(origin["kind"]), origin.get("ref", ""), origin.get("feed", "")),
        published_at=data["published_at"],
        recorded_at=data["recorded_at"],
        version=data["version"],
        sequence=data["sequence"],
        corrections=tuple(Correction.from_record(c) for c in data["corrections"]),
        retracted=retraction is not None,
        retraction_reason=retraction["reason"] if retraction else "",
        retracted_at=retraction["recorded_at"] if retraction else None,
        classified_by=data.get("classified_by", ""),
        classification_evidence=tuple(data.get("evidence", ())),
        speakers=tuple(data.get("speakers", ())),
        reading=reading_of(data),
        cluster_lead=data.get("cluster_lead") or "",
        reclassifications=tuple(Reclassification.from_record(r) for r in data.get("reclassifications", ())),
    )


def reading_of(data: Mapping[str, Any]) -> Reading:
    """The stored reading of a report dict, or its legacy reading."""
    stored = data.get("reading")
    if stored:
        return Reading.from_dict(stored)
    return legacy_reading(
        data["kinds"],
        data["parties"],
        data.get("speakers", ()),
        classified_by=data.get("classified_by", ""),
        evidence=data.get("evidence", ()),
    )
