"""OPML subscription lists: written from the feeds, read into (url, name) outlines.

Reading is defusedxml's: a DOCTYPE, entity declarations and external
references are refused by the parser itself (no billion laughs, no file or
network reads), and a document over ``MAX_OPML_BYTES`` or with more than
``MAX_OUTLINES`` feeds is refused before it is subscribed to. An OPML file
names feeds; it never makes the tracker read anything but the document.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from tracker.ingest.feeds import Feed

#: The limits of a subscription list (a newsroom's has tens to hundreds of feeds).
MAX_OPML_BYTES = 512 * 1024  # below the web's request cap (1 MiB), so the page can say why
MAX_OUTLINES = 2000


class OpmlRefused(ValueError):
    """The document is not an OPML subscription list the tracker reads; the message says why."""


def export_opml(feeds: Iterable[Feed]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head><title>newsroom-tracker subscriptions</title></head>",
        "  <body>",
    ]
    for feed in feeds:
        text = quoteattr(feed.display_name)
        lines.append(f'    <outline type="rss" text={text} title={text} xmlUrl={quoteattr(feed.url)}/>')
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def opml_outlines(data: bytes | str) -> list[tuple[str, str]]:
    """Every (xmlUrl, title) of an OPML document, nested outlines included; OpmlRefused (a ValueError) otherwise."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_OPML_BYTES:
        raise OpmlRefused(f"OPML: the file is {len(raw):,} bytes; the limit is {MAX_OPML_BYTES:,}")
    if not raw.strip():
        raise OpmlRefused("OPML: the file is empty")
    try:
        root = fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise OpmlRefused(
            "OPML: documents with a DOCTYPE, entity declarations or external references are refused"
        ) from None
    except ParseError as error:
        raise OpmlRefused(f"OPML: not well-formed XML ({error})") from None
    if not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise OpmlRefused(f"OPML: the root element is <{root.tag}>, not <opml>")
    outlines = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url:
            outlines.append((url, (outline.get("title") or outline.get("text") or "").strip()))
            if len(outlines) > MAX_OUTLINES:
                raise OpmlRefused(f"OPML: more than {MAX_OUTLINES:,} feeds; split the file")
    return outlines
