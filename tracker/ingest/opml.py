"""OPML subscription lists: written from the feeds, read into (url, name) outlines."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from xml.sax.saxutils import quoteattr

from tracker.ingest.feeds import Feed


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
    """Every (xmlUrl, title) of an OPML document, nested outlines included; ValueError if it is not OPML."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if re.search(rb"<!(ENTITY|DOCTYPE)", raw, re.I):
        raise ValueError("OPML: documents with a DOCTYPE or entity declarations are refused")
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError as error:
        raise ValueError(f"OPML: not well-formed XML ({error})") from None
    if root.tag.lower() != "opml":
        raise ValueError(f"OPML: the root element is <{root.tag}>, not <opml>")
    outlines = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url:
            outlines.append((url, outline.get("title") or outline.get("text") or ""))
    return outlines
