"""An OPML list subscribed in one transaction: what the feeds page's import
does, so that a list of two thousand feeds is one commit and a few queries
rather than two thousand (13 s on SQLite), and a web request stays short.

Nothing is fetched: the poller checks each new feed on its first cycle. Each
outline's URL passes the same check as a subscription (``local_files=False``
for the web: http(s) only, so no outline can make the tracker read a file).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from tracker.ingest.fetched import BadURL, check_url
from tracker.ingest.opml import OpmlRefused, opml_outlines
from tracker.ingest.tables import feeds
from tracker.moments import now_utc

_CHUNK = 500
_MAX_URL: int = getattr(feeds.c.url.type, "length", None) or 2000


@dataclass(frozen=True)
class Imported:
    added: tuple[str, ...]  # URLs subscribed
    skipped: tuple[str, ...]  # already subscribed, or listed twice
    invalid: tuple[str, ...]  # "url: reason"


def _subscribed(engine: Engine, urls: list[str]) -> set[str]:
    found: set[str] = set()
    with engine.connect() as conn:
        for start in range(0, len(urls), _CHUNK):
            chunk = urls[start : start + _CHUNK]
            found.update(conn.execute(select(feeds.c.url).where(feeds.c.url.in_(chunk))).scalars())
    return found


def import_outlines(engine: Engine, data: bytes | str, *, local_files: bool = False) -> Imported:
    """Subscribes to every new feed an OPML document lists; OpmlRefused (a ValueError) for a refused document."""
    wanted: dict[str, str] = {}
    skipped: list[str] = []
    invalid: list[str] = []
    for raw, name in opml_outlines(data):
        try:
            url = check_url(raw, local_files=local_files)
        except BadURL as error:
            invalid.append(f"{raw[:200]}: {error}")
            continue
        if len(url) > _MAX_URL:
            invalid.append(f"{url[:200]}…: longer than {_MAX_URL} characters")
        elif url in wanted:
            skipped.append(url)
        else:
            wanted[url] = name
    for _attempt in range(2):  # another editor may subscribe one of them meanwhile: look again once
        present = _subscribed(engine, list(wanted))
        new = [(url, name) for url, name in wanted.items() if url not in present]
        now = now_utc()
        rows = [
            {
                "url": url,
                "name": name[:300],
                "title": "",
                "source": "opml",
                "interval_seconds": None,
                "added_at": now,
                "etag": "",
                "last_modified": "",
                "body_hash": "",
                "last_error": "",
                "last_warning": "",
                "consecutive_failures": 0,
                "next_check_at": now,
                "items_total": 0,
            }
            for url, name in new
        ]
        try:
            if rows:
                with engine.begin() as conn:
                    conn.execute(insert(feeds), rows)
        except IntegrityError:
            continue
        return Imported(tuple(u for u, _ in new), tuple(skipped + [u for u in wanted if u in present]), tuple(invalid))
    raise OpmlRefused("OPML: the subscriptions changed while the list was imported; import it again")
