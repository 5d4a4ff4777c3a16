"""The fast path of a parse: plain, well-formed UTF-8 RSS 2.0 and Atom 1.0
documents parsed by feedparser-rs (Rust), everything else by feedparser.

feedparser is the reference and keeps every judgement about a flawed
document (see parser.py): the fast path takes a document only when nothing
about it calls for one, and hands back entries shaped as feedparser's, so
:func:`~tracker.ingest.parser.parse_feed` builds the same items from either.
A test compares both parsers item by item on every fixture, the real-world
corpus and the bench's feeds.

A document goes to feedparser when any of these holds: it does not start
with ``<`` (whitespace or a byte-order mark before the XML declaration is a
flaw feedparser reports; and feedparser-rs would take a body that reads as a
URL for one to fetch); it is not valid UTF-8 or declares another encoding;
the response's media type is not an XML one; it has a DOCTYPE or
``xml:base`` (relative links resolve by feedparser's rules); it does not end
with a closing tag; feedparser-rs flags it, reads another format, or finds
another number of entries than the document's ``<item>``/``<entry>`` tags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import feedparser_rs
from feedparser.datetimes import _parse_date as feedparser_date

#: feedparser's version names of the formats taken here, with the tag of an entry
_FORMATS = {"rss20": (b"<item>", b"<item "), "atom10": (b"<entry>", b"<entry ")}
#: the closing tag a complete document of each format ends with
_ROOT_END = {"rss20": b"</rss>", "atom10": b"</feed>"}
_UTF8 = {"utf-8", "utf8"}
_XML_TYPES = {"application/xml", "text/xml", "application/rss+xml", "application/atom+xml", "application/rdf+xml"}
_PROLOG_ENCODING = re.compile(rb"<\?xml[^>]*encoding=[\"']([\w.:-]+)", re.I)
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)
_TRAILING_COMMENTS = re.compile(rb"(\s*<!--.*?-->)*\s*$", re.DOTALL)
_DATE_KEYS = ("published", "updated", "created")
_ELEMENT = re.compile(rb"<([A-Za-z_][\w:.-]*)")
#: the elements of a plain document (the prefixes as feeds write them); any other -> feedparser
_PLAIN_ELEMENTS = frozenset(
    b"rss channel title link description item guid pubDate category lastBuildDate language copyright "
    b"managingEditor webMaster generator docs ttl image url width height atom:link content:encoded "
    b"dc:creator comments "
    b"feed entry subtitle id updated published summary content author name uri icon logo rights".split()
)
_ENTITY_LEFT = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]\w*);")


def parse_fast(body: bytes, headers: Mapping[str, str]) -> dict[str, Any] | None:
    """A feedparser-shaped result (``version``, ``entries``, ``feed``), or None
    for a document feedparser should parse (see the module's docstring)."""
    if not _plain(body, headers):
        return None
    try:
        parsed = feedparser_rs.parse(body, sanitize_html=False, resolve_relative_uris=False)
    except Exception:  # any trouble: the reference parser decides
        return None
    version = parsed.version or ""
    tags = _FORMATS.get(version)
    if parsed.bozo or tags is None or not _TRAILING_COMMENTS.sub(b"", body[-4096:]).endswith(_ROOT_END[version]):
        return None
    entries = parsed.entries
    if len(entries) != sum(body.count(tag) for tag in tags):
        return None
    shaped = [_entry(entry) for entry in entries]
    permalinks = b"<guid>" in body or b'isPermaLink="true"' in body
    if any(_ENTITY_LEFT.search(entry["link"]) or (permalinks and "://" not in entry["id"]) for entry in shaped):
        return None  # feedparser unescapes a link again, and resolves a relative permalink GUID
    feed = parsed.feed
    return {"version": version, "entries": shaped, "feed": {"title": feed.title or "", "link": feed.link or ""}}


def _plain(body: bytes, headers: Mapping[str, str]) -> bool:
    if body[:1] != b"<" or b"<!DOCTYPE" in body[:4096].upper() or b"xml:base" in body:
        return False
    content_type = header(headers, "content-type")
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in _XML_TYPES and not media.endswith("+xml"):  # none at all: feedparser warns
        return False
    if not declared_encodings(body, headers) <= _UTF8:
        return False
    if media.startswith("text/") and "charset" not in content_type.lower() and not body.isascii():
        return False  # text/* without a charset is US-ASCII to feedparser (RFC 3023), which it reports
    if not set(_ELEMENT.findall(body)) <= _PLAIN_ELEMENTS or b'type="xhtml"' in body:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def header(headers: Mapping[str, str], name: str) -> str:
    """A response header's value, its name in any case ("" when absent)."""
    return next((value for key, value in headers.items() if key.lower() == name), "")


def declared_encodings(body: bytes, headers: Mapping[str, str]) -> set[str]:
    """The encodings the response's charset and the XML prolog declare, lower-cased."""
    found = {m.group(1).decode("ascii").lower() for m in [_PROLOG_ENCODING.search(body[:500])] if m}
    return found | {m.group(1).lower() for m in [_CHARSET.search(header(headers, "content-type"))] if m}


def _entry(entry: Any) -> dict[str, Any]:
    """The fields parser.py reads of an entry, under feedparser's names."""
    found: dict[str, Any] = {
        "title": entry.title or "",
        "summary": entry.summary or "",
        "link": entry.link or "",
        "id": entry.id or "",
        "content": [{"value": block.value} for block in entry.content or () if block.value],
        "authors": [{"name": author.name} for author in entry.authors or () if author.name],
        "author": entry.author or "",
    }
    dates: dict[str, Any] = {}  # feedparser-rs repeats an RSS pubDate as "updated"
    for key in _DATE_KEYS:  # the raw value, read by feedparser's own date parsers
        raw = getattr(entry, key) or ""
        found[key] = raw
        if raw and raw not in dates:
            dates[raw] = feedparser_date(raw)
        found[key + "_parsed"] = dates.get(raw)
    return found
