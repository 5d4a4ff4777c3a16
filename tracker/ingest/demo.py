"""The demo follow-up feed: the seed story's follow-ups, served on loopback.

``DemoFeedServer`` is a tiny threaded HTTP server on 127.0.0.1 (a free
port) serving seeds/*.follow-ups.xml. It releases the items one by one
(oldest first, one every ``release_every`` seconds) so a running tracker
receives reports by themselves, with no internet. It answers conditional
GETs with 304, like a well-behaved publisher. An item with a
``<demo:revised-title>`` gets that title two releases later, which the
tracker records as a correction ("feed item revised").

``register_demo_feed`` subscribes the tracker to it (replacing the demo feed
of an earlier run, whose port differs; items are recognised by their GUIDs,
so nothing is appended twice). Only this origin is allowed past the
private-address guard, explicitly.
"""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tracker.config import PROJECT_ROOT

DEMO_FEED_FILE = PROJECT_ROOT / "seeds" / "meta-xai-court-character-ai.follow-ups.xml"
DEMO_INTERVAL = 3  # seconds between checks of the demo feed
DEMO_PATH = "/follow-ups.xml"
_ITEM = re.compile(r"<item>.*?</item>", re.S)
_REVISED = re.compile(r"\s*<demo:revised-title>(.*?)</demo:revised-title>", re.S)
_TITLE = re.compile(r"<title>.*?</title>", re.S)


class DemoFeed:
    """The feed document at a given release stage (pure: no clock, no I/O)."""

    def __init__(self, text: str) -> None:
        self.items = _ITEM.findall(text)
        first = text.find("<item>")
        last = text.rfind("</item>") + len("</item>")
        self.head = text[:first]
        self.tail = text[last:]

    def document(self, released: int) -> bytes:
        released = max(0, min(released, len(self.items)))
        shown = []
        for index, item in enumerate(self.items[:released]):
            revised = _REVISED.search(item)
            item = _REVISED.sub("", item)
            if revised and released >= index + 3:
                item = _TITLE.sub(f"<title>{revised.group(1)}</title>", item, count=1)
            shown.append(item)
        body = "\n    ".join(reversed(shown))  # newest first, as feeds list them
        return (self.head + body + self.tail).encode("utf-8")


class DemoFeedServer:
    def __init__(
        self, *, release_every: float = 20.0, path: Path = DEMO_FEED_FILE, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.feed = DemoFeed(path.read_text(encoding="utf-8"))
        self.release_every = max(0.1, float(release_every))
        self.started = time.monotonic()
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.requests += 1
                if self.path.split("?", 1)[0] != DEMO_PATH:
                    self.send_error(404)
                    return
                stage = server.stage()
                etag = f'"demo-{stage}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                body = server.feed.document(stage)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.host, self.port = str(self.httpd.server_address[0]), int(self.httpd.server_address[1])
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{DEMO_PATH}"

    def stage(self) -> int:
        """Items released so far: the first at once, then one every ``release_every`` seconds."""
        return 1 + int((time.monotonic() - self.started) / self.release_every)

    def start(self) -> DemoFeedServer:
        self.started = time.monotonic()
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="demo-feed", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def register_demo_feed(ingestion: Any, url: str) -> Any:
    """Subscribes to the demo feed at ``url``, dropping demo feeds of earlier runs."""
    store = ingestion.store
    for feed in store.list_feeds():
        if feed.source == "demo" and feed.url != url:
            store.remove_feed(feed.id)
    existing = store.feed_by_url(url)
    if existing is None:
        existing = store.add_feed(url, name="Demo wire (follow-ups)", interval=DEMO_INTERVAL, source="demo")
    return ingestion.feed(existing.id)
