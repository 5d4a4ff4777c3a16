"""Feeds for the ingest workloads: N RSS 2.0 files of M items each, written
once to a folder that a local HTTP server then serves as static files.

Items read like wire copy about a handful of developing stories, so a
tracker that matches stories has real matching work; some name the seed
story's parties (Meta, xAI, Character.AI), most do not.

With ``duplicates`` (a share, e.g. 0.2) that share of every feed's items are
near-duplicates of an item of the previous feed: the same development
rewritten lightly by another outlet (its own link, GUID and time; the title
and summary reworded a little), as syndicated copy arrives on a wire.
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


def write_feeds(folder: Path, feeds: int, items: int, duplicates: float = 0.0) -> list[str]:
    """Writes the feed files; returns their file names (the server's paths)."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for number in range(feeds):
        name = feed_name(number)
        (folder / name).write_text(_feed_xml(number, items, feeds, duplicates), encoding="utf-8")
        names.append(name)
    return names


def is_duplicate(index: int, duplicates: float) -> bool:
    """Whether item ``index`` of a feed is a near-duplicate (every 1/share-th item)."""
    return duplicates > 0 and index % max(1, round(1 / duplicates)) == 0


def item_text(feed: int, index: int) -> tuple[str, str]:
    """An original item's title and summary."""
    subject, other, verb = TOPICS[(feed + index) % len(TOPICS)]
    title = f"{subject} {verb} {other}, people familiar with the matter say ({feed}/{index})"
    summary = (
        f"{subject} {verb} {other}, according to two people familiar with the matter. "
        f"{other} did not respond to a request for comment. Report {index} of Outlet {feed:04d}."
    )
    return title, summary


def rewritten(feed: int, index: int, source: int) -> tuple[str, str]:
    """Another outlet's light rewrite of ``source``'s item ``index``."""
    title, summary = item_text(source, index)
    title = title.replace("people familiar with the matter say", "sources say")
    summary = summary.replace("according to two people", "two people").replace(
        f"Report {index} of Outlet {source:04d}.", f"(Outlet {feed:04d}, from wire reports)"
    )
    return title, summary


def _feed_xml(feed: int, items: int, feeds: int = 1, duplicates: float = 0.0) -> str:
    outlet = f"Outlet {feed:04d}"
    entries = []
    for index in range(items):
        published = START + timedelta(hours=index, minutes=feed % 60)
        link = f"https://outlet{feed:04d}.example.org/news/{index:05d}"
        if is_duplicate(index, duplicates) and feeds > 1:
            title, summary = rewritten(feed, index, (feed - 1) % feeds)
        else:
            title, summary = item_text(feed, index)
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
