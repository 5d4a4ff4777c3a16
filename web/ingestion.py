"""The web's door to feed ingestion (tracker.ingest.service.Ingestion), one per request.

The poller runs elsewhere (`tracker worker`); the web only subscribes,
unsubscribes, polls one feed on demand and decides suggestions. The demo
wire that `tracker worker --demo` serves on loopback is allowed past the
private-address guard here too, exactly as the worker allows it. The web
subscribes http(s) feeds only: file: URLs are the command line's (an
operator with a shell), never an editor's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from tracker.ingest.service import Ingestion
from web.queries import runtime

DEMO_SOURCE = "demo"


def demo_origins() -> tuple[tuple[str, int], ...]:
    origins = []
    for feed in Ingestion(runtime()).list_feeds():  # store reads only: builds no fetcher
        if feed.source == DEMO_SOURCE:
            parts = urlsplit(feed.url)
            if parts.hostname in ("127.0.0.1", "::1", "localhost") and parts.port:
                origins.append((parts.hostname, parts.port))
    return tuple(origins)


@contextmanager
def ingestion() -> Iterator[Ingestion]:
    service = Ingestion(runtime(), allowed_origins=demo_origins(), concurrency=2, local_files=False)
    try:
        yield service
    finally:
        service.close()
