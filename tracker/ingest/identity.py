"""Recognising an archived item under another identity.

Feed + GUID (``identity``) is the first identity of an item; an item whose
GUID is new may still be one the archive holds:

* by its **link** (:func:`link_id`: the hash of :func:`text.link_key`, so
  ``www.``, AMP variants, tracking parameters and trailing slashes aside);
* by its **fingerprint** (:func:`fingerprint`: normalised title + outlet,
  compared with the published time within :data:`WINDOW`).

In its own feed such an item is a *GUID switch* (the archived item takes the
new identity, the old one stays known as an alias); in another feed it is a
*copy* (archived, but never matched on its own: the item it copies is).
:func:`resolve` decides which, given what the archive holds; it is pure, the
store looks the candidates up (one query per batch) and writes the outcome.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from tracker.domain.rules import words
from tracker.ingest.text import link_key, tidy_link

#: How far apart two items' published times may be and still be the same item by fingerprint.
WINDOW = timedelta(hours=24)
#: A title shorter than this ("Live", "Letters") says too little to be an identity.
MIN_TITLE_WORDS = 4

#: ASCII punctuation read as a space (an ASCII title's words without a regular expression: a cold cycle's cost)
_PUNCTUATION = str.maketrans(dict.fromkeys(string.punctuation, " "))

LINK_CHANGED = "link-changed"
GUID_CHANGED = "guid-changed"
COPY = "copy"  # the same item in another feed (kept for inspection)
KINDS = (LINK_CHANGED, GUID_CHANGED, COPY)


def _digest(text: str) -> str:
    """64 bits of SHA-256 in hex: short keys keep the indexes small (a chance collision
    among ten million items is about one in 300,000)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] if text else ""


def link_id(link: str, canonical: str = "") -> str:
    """The link as identity compares it (hashed: any length fits an index); '' without one.
    ``canonical`` is ``canonical_url(link)`` when the parser already worked it out."""
    return _digest(tidy_link(canonical) if canonical else link_key(link))


def outlet_of(link: str, feed_url: str) -> str:
    """Who published an item: its link's host (``www.``/``amp.`` aside), else its feed's."""
    return _host(link_key(link)) or _host(link_key(feed_url)) or (urlsplit(feed_url).hostname or feed_url).lower()


def _host(key: str) -> str:
    return key[2:].split("/", 1)[0].split("?", 1)[0] if key else ""


def title_key(title: str) -> str:
    """A title as the fingerprint compares it: its words, lower-case, accents and punctuation aside."""
    found = title.lower().translate(_PUNCTUATION).split() if title.isascii() else words(title)
    return " ".join(found) if len(found) >= MIN_TITLE_WORDS else ""


def fingerprint(title: str, link: str, feed_url: str) -> str:
    """Normalised title + outlet (the published time is compared apart, within :data:`WINDOW`)."""
    key = title_key(title)
    return _digest(f"{outlet_of(link, feed_url)}\n{key}") if key else ""


def keys(title: str, link: str, canonical: str, feed_outlet: str) -> tuple[str, str]:
    """An item's (link id, fingerprint), its link worked out once; ``canonical`` is
    the parser's ``canonical_url(link)`` if any, ``feed_outlet`` the feed's :func:`outlet_of`."""
    key = tidy_link(canonical) if canonical else link_key(link)
    words_of_title = title_key(title)
    printed = _digest(f"{_host(key) or feed_outlet}\n{words_of_title}") if words_of_title else ""
    return _digest(key), printed


@dataclass(frozen=True)
class Known:
    """An archived item as resolution compares it."""

    id: int
    feed_id: int
    identity: str
    identity_key: str
    link: str
    link_id: str
    fingerprint: str
    published_at: datetime | None
    original_id: int | None
    content_hash: str = ""
    revision: int = 1

    @property
    def root(self) -> int:
        return self.original_id or self.id


@dataclass(frozen=True)
class Fresh:
    """An item a feed document lists under an identity its feed has not archived."""

    feed_id: int
    identity_key: str
    link_id: str
    fingerprint: str
    published_at: datetime | None


@dataclass(frozen=True)
class Resolution:
    #: the archived item of the same feed this one is (a GUID switch), if any
    same: Known | None = None
    #: the archived item (root) of another feed this one copies, if any
    copy_of: Known | None = None
    #: index (in the batch) of an earlier fresh item this one copies
    copy_of_fresh: int | None = None


def close_in_time(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and abs(a - b) < WINDOW


def _same(fresh: Fresh, known: Known) -> bool:
    if fresh.link_id and fresh.link_id == known.link_id:
        return True
    return (
        bool(fresh.fingerprint)
        and fresh.fingerprint == known.fingerprint
        and close_in_time(fresh.published_at, known.published_at)
    )


def resolve(fresh: Sequence[Fresh], known: Iterable[Known], listed: dict[int, set[str]]) -> list[Resolution]:
    """What each fresh item is. ``known``: archived items sharing a link id or
    fingerprint with some fresh item; ``listed``: per feed, the identity keys
    its document lists (an archived item still listed under its own GUID is
    another item, however alike: it has not switched GUIDs)."""
    by_link: dict[str, list[Known]] = {}
    by_print: dict[str, list[Known]] = {}
    for row in sorted(known, key=lambda r: r.id):
        if row.link_id:
            by_link.setdefault(row.link_id, []).append(row)
        if row.fingerprint:
            by_print.setdefault(row.fingerprint, []).append(row)
    taken: set[int] = set()  # archived items already claimed by a GUID switch in this batch
    first_link: dict[str, int] = {}
    first_print: dict[str, list[int]] = {}
    out: list[Resolution] = []
    for index, item in enumerate(fresh):
        candidates = (
            [*by_link.get(item.link_id, ()), *by_print.get(item.fingerprint, ())]
            if item.link_id
            else [*by_print.get(item.fingerprint, ())]
        )
        matching = [row for row in candidates if _same(item, row)]
        own = [
            row
            for row in matching
            if row.feed_id == item.feed_id
            and row.id not in taken
            and row.identity_key not in listed.get(row.feed_id, ())
        ]
        if own:
            taken.add(own[0].id)
            out.append(Resolution(same=own[0]))
            continue
        # another feed's item, or the same article listed twice in this feed under two GUIDs
        others = [
            row for row in matching if row.feed_id != item.feed_id or (item.link_id and row.link_id == item.link_id)
        ]
        if others:
            out.append(Resolution(copy_of=min(others, key=lambda r: r.root)))
            continue
        earlier = first_link.get(item.link_id) if item.link_id else None
        if earlier is None and item.fingerprint:
            earlier = next(
                (
                    i
                    for i in first_print.get(item.fingerprint, ())
                    if fresh[i].feed_id != item.feed_id and close_in_time(fresh[i].published_at, item.published_at)
                ),
                None,
            )
        if earlier is not None:
            out.append(Resolution(copy_of_fresh=earlier))
            continue
        if item.link_id:
            first_link.setdefault(item.link_id, index)
        if item.fingerprint:
            first_print.setdefault(item.fingerprint, []).append(index)
        out.append(Resolution())
    return out
