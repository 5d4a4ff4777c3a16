"""A real RSS feed served on loopback for the web UI's feed tests (127.0.0.1, a free port).

The first item's title holds a literal ``<script>`` (escaped twice in the RSS, so
the parser keeps it as text): the UI must show it as text, never run it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WIRE = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
  <title>Loopback Wire</title><link>http://127.0.0.1/</link><description>test wire</description>
  <item>
    <title>Character.AI &amp;lt;script&amp;gt;alert('wire')&amp;lt;/script&amp;gt; adds voice calls to its chatbots</title>
    <link>http://127.0.0.1/voice</link><guid>wire-voice</guid>
    <description>Character.AI confirmed that users can now talk to characters.</description>
    <pubDate>Mon, 03 Jun 2024 09:00:00 GMT</pubDate>
  </item>
  <item>
    <title>Gardening tips for June</title>
    <link>http://127.0.0.1/garden</link><guid>wire-garden</guid>
    <description>Nothing to do with any story.</description>
    <pubDate>Mon, 03 Jun 2024 10:00:00 GMT</pubDate>
  </item>
</channel></rss>
"""


@contextmanager
def serve_feed(body: str = WIRE, status: int = 200) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/wire.xml"
    finally:
        server.shutdown()
        server.server_close()
