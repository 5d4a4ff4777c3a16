"""Parsing a feed document: bytes + response headers -> normalised items.

A pure function (no I/O): :func:`parse_feed` either returns a
:class:`ParsedFeed` or raises :class:`FeedError` with a reason. feedparser
does the format work (RSS 0.9x/1.0/2.0, Atom, encodings, xml:base).

Item identity: the GUID/Atom id, else the link, else a hash of title and
summary. URL-like identities are canonicalised first: the scheme (http vs
https), the host's case, default ports and tracking parameters (utm_*,
fbclid, ns_* and similar) do not change identity. Within one document, a
repeated identity is kept once (the first occurrence, which feeds list as
the newest) and counted in ``ParsedFeed.duplicates``.

Policy for documents feedparser flags ("bozo"):

* empty body, an HTML page, well-formed XML that is not RSS/Atom: error
  "not a feed" (feedparser often does not flag these);
* a document declaring XML entities (<!ENTITY ...>): error (entity-expansion
  bombs). Looked for in the whole document in UTF-8, UTF-16 and UTF-32 before
  parsing, and refused by the XML parser itself (defusedxml's expat reader)
  whatever encoding feedparser decoded;

Text is text: titles, summaries, full content (``content:encoded``, Atom
``<content>``; kept when it says more than the description) and authors are
HTML turned into plain text
once, here (tags dropped, entities unescaped); the web escapes them, never
parses them as HTML again. Control characters (NUL and the like, except tab
and newline) are removed from every field, as the domain refuses them. A date
before 1900 or more than a day after ``now`` (the fetch) is not believed: the
item keeps the fetch time and the raw value is named in a warning.
* truncated or malformed XML (no closing root element, unclosed CDATA,
  mismatched tags): error, nothing appended, even if feedparser recovered
  some entries — the last of them may be cut short and the rest are missing;
* bytes that are not valid in the declared encoding (feedparser fell back
  to another one): error "wrong encoding";
* complete documents with a recoverable flaw — an undeclared HTML entity
  such as &nbsp;, whitespace before the XML declaration, a charset in the
  HTTP header that contradicts a correct XML prolog, an HTML content type:
  accepted, with the flaw kept in ``ParsedFeed.warnings`` (and shown in the
  feed's health).
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import feedparser.api
import feedparser.mixin
import feedparser.urls
from defusedxml import DefusedXmlException

from tracker.ingest.fastparse import declared_encodings, header, parse_fast
from tracker.ingest.text import (
    canonical_url,
    clean,
    content_hash,
    full_text,
    looks_like_url,
    plain_text,
    repair_mojibake,
    search_text,
)

# the text helpers are also the parser's (as callers have always imported them)
__all__ = [
    "FeedError",
    "FeedItem",
    "ParsedFeed",
    "canonical_url",
    "clean",
    "content_hash",
    "parse_feed",
    "plain_text",
    "repair_mojibake",
    "search_text",
]

# feedparser re-derives the xml:base of every element it opens with a URL join of the
# same two strings (the parent's base and the element's, usually equal): a pure function
# of its arguments, so remembered (a fifth of a parse otherwise).
feedparser.mixin.make_safe_absolute_uri = functools.lru_cache(maxsize=1024)(feedparser.urls.make_safe_absolute_uri)

# feedparser's strict parser is defusedxml's expat reader: entity declarations and
# external references raise instead of expanding (feedparser tries these modules first).
feedparser.api.PREFERRED_XML_PARSERS = ["defusedxml.expatreader"]

MAX_SUMMARY = 4000
MAX_TITLE = 500
MAX_CONTENT = 20_000

_LENIENT_XML = ("undefined entity", "xml or text declaration not at start of entity")
_TRUNCATION = ("no element found", "unclosed", "unexpected end")
_ENTITY_DECLS = tuple(
    "<!ENTITY".encode(codec) for codec in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
_CLOSING_TAG = re.compile(rb"</[\w:.-]+\s*>\s*(<!--.*?-->\s*)*$", re.DOTALL)


class FeedError(Exception):
    """The document cannot be used as a feed; ``reason`` says why (shown in feed health)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FeedItem:
    identity: str
    title: str
    summary: str
    link: str
    published_at: datetime | None
    authors: tuple[str, ...]
    guid: str
    content_hash: str  # of title + summary: a change means the item was revised
    link_key: str = ""  # canonical_url(link): the same story under another URL is a duplicate
    search_text: str = ""  # " word word ... ": what archive search looks in
    raw_date: str = ""  # an implausible date as the feed gave it (published_at is then the fetch time)
    #: the full text (content:encoded) when it differs from the summary; not in content_hash,
    #: so an archive made before it was kept does not see every item as revised
    content: str = ""


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    version: str
    items: tuple[FeedItem, ...]
    entries: int  # entries in the document, duplicates included
    duplicates: int
    warnings: tuple[str, ...] = ()


def _when(entry: dict[str, Any], now: datetime) -> tuple[datetime | None, str]:
    """The item's date, and the raw value of one not believed (then the date is ``now``)."""
    implausible = ""
    for key in ("published", "updated", "created"):
        value = dict.get(entry, key + "_parsed")  # plain lookup: no feedparser fallback mapping
        if value:
            try:
                moment = datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError, TypeError, OSError):
                moment = None
            if moment is not None and EARLIEST <= moment <= now + FUTURE_SLACK:
                return moment, ""
            implausible = implausible or clean(str(dict.get(entry, key) or value))[:100]
    return (now, implausible) if implausible else (None, "")


def _html_title(body: bytes) -> str:
    found = re.search(rb"<title[^>]*>(.*?)</title>", body[:4096], re.I | re.S)
    if not found:
        return ""
    return " ".join(found.group(1).decode("utf-8", "replace").split())[:100]


def _not_a_feed(body: bytes, headers: Mapping[str, str]) -> FeedError:
    head = body[:2048].lower()
    if b"<html" in head or b"<!doctype html" in head or "html" in header(headers, "content-type").lower():
        title = _html_title(body)
        return FeedError(f"not a feed: an HTML page{f' ({title!r})' if title else ''}")
    return FeedError("not a feed: no RSS or Atom elements found")


ENTITIES_REFUSED = "refused: the document declares XML entities (possible entity-expansion bomb)"


def parse_feed(
    body: bytes,
    headers: Mapping[str, str] | None = None,
    url: str = "",
    *,
    now: datetime | None = None,
    fast: bool = True,
) -> ParsedFeed:
    """Parses one fetched document (fetched at ``now``); raises :class:`FeedError` when it is
    not a usable feed. ``fast``: a plain document may go to feedparser-rs (see fastparse.py)."""
    headers = dict(headers or {})
    now = now or datetime.now(UTC)
    if not body or not body.strip():
        raise FeedError("not a feed: empty body")
    if any(declaration in body for declaration in _ENTITY_DECLS):
        raise FeedError(ENTITIES_REFUSED)
    parsed = (parse_fast(body, headers) if fast else None) or _reference_parse(body, headers, url)
    version = parsed.get("version") or ""
    entries = parsed.get("entries") or []
    if not version and not entries:
        raise _not_a_feed(body, headers)
    warnings: list[str] = []
    if parsed.get("bozo"):
        warnings.append(_judge_bozo(parsed.get("bozo_exception"), body, headers))
    base = url or (parsed.get("feed") or {}).get("link", "")
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in entries:
        item = _item(entry, base, now)
        if item is None:
            continue
        if item.identity in seen:
            continue
        seen.add(item.identity)
        items.append(item)
    skipped = sum(1 for e in entries if _item_fields_empty(e))
    if skipped:
        warnings.append(f"{skipped} entries without title, summary or link were skipped")
    doubtful = [item.raw_date for item in items if item.raw_date]
    if doubtful:
        warnings.append(
            f"{len(doubtful)} item(s) with an implausible date (e.g. {doubtful[0]!r}): the fetch time is used instead"
        )
    feed_title = plain_text((parsed.get("feed") or {}).get("title", ""), 300)
    return ParsedFeed(
        title=feed_title,
        version=version,
        items=tuple(items),
        entries=len(entries),
        duplicates=len(entries) - skipped - len(items),
        warnings=tuple(warnings),
    )


def _reference_parse(body: bytes, headers: Mapping[str, str], url: str) -> Any:
    try:
        return feedparser.parse(
            body,
            response_headers={k.lower(): v for k, v in headers.items()} | ({"content-location": url} if url else {}),
            sanitize_html=False,
            # links and ids are still resolved against xml:base and the document URL; this only
            # rewrites URIs inside embedded HTML, which plain_text() strips anyway (a third of the parse)
            resolve_relative_uris=False,
        )
    except DefusedXmlException:
        raise FeedError(ENTITIES_REFUSED) from None


def _judge_bozo(error: BaseException | None, body: bytes, headers: Mapping[str, str]) -> str:
    """Raises FeedError for fatal flaws; returns a warning for tolerated ones."""
    message = str(error) if error else "unknown problem"
    name = type(error).__name__ if error else ""
    lowered = message.lower()
    if name == "CharacterEncodingOverride":
        used = re.search(r"parsed as ([\w.:-]+)", message)
        if used and used.group(1).lower() in declared_encodings(body, headers):
            return f"encoding: {message}"
        raise FeedError(f"wrong encoding: {message}")
    if name == "CharacterEncodingUnknown":
        raise FeedError(f"wrong encoding: {message}")
    if name == "NonXMLContentType":
        return f"content type: {message}"
    complete = bool(_CLOSING_TAG.search(body.rstrip()[-4096:]))
    if any(signal in lowered for signal in _TRUNCATION) or not complete:
        raise FeedError(f"truncated XML: {message}")
    if any(signal in lowered for signal in _LENIENT_XML):
        return f"XML flaw tolerated: {message}"
    raise FeedError(f"malformed XML: {message}")


# Entries are read with plain dict lookups: the keys read here are stored
# under their own names, and feedparser's mapping get() is a measurable share
# of a big cycle's parse time.
_get = dict.get


def _item_fields_empty(entry: dict[str, Any]) -> bool:
    return not (_get(entry, "title") or _get(entry, "summary") or _get(entry, "link") or _get(entry, "id"))


def _item(entry: dict[str, Any], base: str, now: datetime) -> FeedItem | None:
    if _item_fields_empty(entry):
        return None
    title = plain_text(_get(entry, "title", ""), MAX_TITLE)
    contents = [c.get("value", "") for c in _get(entry, "content") or () if c.get("value")]
    summary_html = _get(entry, "summary", "") or (contents[0] if contents else "")
    summary = plain_text(summary_html, MAX_SUMMARY)
    content = full_text(contents, MAX_CONTENT)
    if "".join(content.split()) == "".join(summary.split()):  # the summary itself (paragraphs apart)
        content = ""
    link = clean(_get(entry, "link") or "").strip()
    if link and base and not urlsplit(link).scheme:
        link = urljoin(base, link)
    guid = clean(_get(entry, "id") or "").strip()
    digest = content_hash(title, summary)
    if guid:
        identity = canonical_url(guid) if looks_like_url(guid) else guid
    elif link:
        identity = canonical_url(link)
    else:
        identity = "sha256:" + digest
    if not title:
        title = summary[:120] or link or identity
    authors = tuple(
        dict.fromkeys(plain_text(a.get("name", ""), 200) for a in _get(entry, "authors", []) if a.get("name"))
    ) or ((plain_text(entry["author"], 200),) if _get(entry, "author") else ())
    published_at, raw_date = _when(entry, now)
    return FeedItem(
        identity=identity[:1000],
        title=title,
        summary=summary,
        link=link if looks_like_url(link) else "",
        published_at=published_at,
        authors=authors,
        guid=guid[:1000],
        content_hash=digest,
        link_key=canonical_url(link) if looks_like_url(link) else "",
        search_text=search_text(title, summary),
        raw_date=raw_date,
        content=content,
    )
