"""Feeds for the ingest workloads: N RSS 2.0 files of M items each, written
once to a folder that a local HTTP server then serves as static files.

Items read like wire copy about a handful of developing stories, so a
tracker that matches stories has real matching work; some name the seed
story's parties (Meta, xAI, Character.AI), most do not.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

TOPICS = [
    ("Meta", "Character.AI", "held early talks about a partnership with"),
    ("xAI", "Character.AI", "declined to comment on talks with"),
    ("Google", "Anthropic", "is weighing a further investment in"),
    ("Microsoft", "Inflection", "hired most of the staff of"),
    ("Regulators", "Amazon", "opened an inquiry into a deal by"),
    ("Shipping firms", "Suez Canal", "rerouted vessels away from"),
    ("City council", "tram line", "approved the budget for the"),
    ("Farmers", "EU ministers", "protested outside a meeting of"),
]
START = datetime(2024, 5, 1, tzinfo=UTC)


def feed_name(number: int) -> str:
    return f"feed-{number:04d}.xml"


def write_feeds(folder: Path, feeds: int, items: int) -> list[str]:
    """Writes the feed files; returns their file names (the server's paths)."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for number in range(feeds):
        name = feed_name(number)
        (folder / name).write_text(_feed_xml(number, items), encoding="utf-8")
        names.append(name)
    return names


def _feed_xml(feed: int, items: int) -> str:
    outlet = f"Outlet {feed:04d}"
    entries = []
    for index in range(items):
        subject, other, verb = TOPICS[(feed + index) % len(TOPICS)]
        published = START + timedelta(hours=index, minutes=feed % 60)
        link = f"https://outlet{feed:04d}.example.org/news/{index:05d}"
        title = f"{subject} {verb} {other}, people familiar with the matter say ({feed}/{index})"
        summary = (
            f"{subject} {verb} {other}, according to two people familiar with the matter. "
            f"{other} did not respond to a request for comment. Report {index} of {outlet}."
        )
        entries.append(
            "<item>"
            f"<title>{escape(title)}</title>"
            f"<link>{escape(link)}</link>"
            f'<guid isPermaLink="false">outlet{feed:04d}-{index:05d}</guid>'
            f"<pubDate>{format_datetime(published)}</pubDate>"
            f"<description>{escape(summary)}</description>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0"><channel>'
        f"<title>{outlet} news</title><link>https://outlet{feed:04d}.example.org/</link>"
        f"<description>Wire copy from {outlet}</description>" + "".join(entries) + "</channel></rss>\n"
    )
