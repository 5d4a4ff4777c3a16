"""The set's items as RSS 2.0 feeds (with ``content:encoded`` for the full
body), served from memory on 127.0.0.1 only. The documents are swapped
between poll stages; the server answers conditional GETs (ETag) with 304."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape

from tracker.evaluation.dataset import Item

HOST = "127.0.0.1"


def feed_path(feed: str) -> str:
    return f"/{feed}.xml"


def render_feed(feed: str, items: Iterable[Item]) -> bytes:
    """One feed's RSS document, newest item first (as feeds list them)."""
    entries = []
    for item in sorted(items, key=lambda i: i.published, reverse=True):
        content = f"<content:encoded>{_cdata(item.content)}</content:encoded>" if item.content else ""
        entries.append(
            "    <item>\n"
            f"      <title>{escape(item.title)}</title>\n"
            f"      <link>{escape(item.link)}</link>\n"
            f'      <guid isPermaLink="false">{escape(item.guid)}</guid>\n'
            f"      <pubDate>{format_datetime(item.published)}</pubDate>\n"
            f"      <dc:creator>{escape(item.outlet)}</dc:creator>\n"
            f"      <description>{escape(item.description)}</description>\n"
            f"      {content}\n"
            "    </item>\n"
        )
    document = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "  <channel>\n"
        f"    <title>Evaluation feed: {escape(feed)}</title>\n"
        f"    <link>http://{escape(feed)}.eval.example/</link>\n"
        f"    <description>Labelled evaluation items served by tracker eval ({escape(feed)})</description>\n"
        + "".join(entries)
        + "  </channel>\n</rss>\n"
    )
    return document.encode("utf-8")


def _cdata(text: str) -> str:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
    return "<![CDATA[" + paragraphs.replace("]]>", "]]]]><![CDATA[>") + "]]>"


class FeedServer:
    """Serves ``/<feed>.xml`` documents held in memory; :meth:`publish` swaps them."""

    def __init__(self) -> None:
        self._documents: dict[str, bytes] = {}
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with owner._lock:
                    body = owner._documents.get(self.path.split("?", 1)[0])
                if body is None:
                    self._reply(404, b"not found\n", {})
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
                headers = {"ETag": etag, "Content-Type": "application/rss+xml; charset=utf-8"}
                tags = [t.strip() for t in self.headers.get("If-None-Match", "").split(",")]
                self._reply(304 if etag in tags else 200, body, headers)

            def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer((HOST, 0), Handler)
        self._httpd.daemon_threads = True
        self.base_url = f"http://{HOST}:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="eval-feeds", daemon=True)

    def url(self, feed: str) -> str:
        return self.base_url + feed_path(feed)

    def publish(self, feeds: Iterable[str], items: Iterable[Item]) -> None:
        """Every feed's document now holds exactly ``items`` of that feed."""
        chosen = list(items)
        documents = {feed_path(f): render_feed(f, [i for i in chosen if i.feed == f]) for f in feeds}
        with self._lock:
            self._documents = documents

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@contextmanager
def serving(feeds: Iterable[str]) -> Iterator[FeedServer]:
    """A running server whose feeds start empty."""
    server = FeedServer()
    server.publish(feeds, ())
    server.start()
    try:
        yield server
    finally:
        server.stop()
