"""A programmable threaded HTTP server on 127.0.0.1 (port 0), for the tests.

Each path maps to a handler function ``(request) -> Reply``; the server
counts requests per path.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    trickle: float = 0.0  # seconds between 1 KiB chunks of the body
    endless: bool = False  # keep sending chunks until the client gives up


Handler = Callable[[BaseHTTPRequestHandler], Reply]


class LoopbackServer:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.request_headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        owner = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with owner._lock:
                    owner.hits[path] += 1
                    owner.request_headers.append({k.lower(): v for k, v in self.headers.items()})
                handler = owner.routes.get(path)
                reply = handler(self) if handler else Reply(404, b"not found")
                try:
                    owner._send(self, reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        handler.send_response(reply.status)
        headers = {"Content-Type": "application/rss+xml; charset=utf-8", **reply.headers}
        if not reply.endless and "Content-Length" not in headers and reply.status != 304:
            headers["Content-Length"] = str(len(reply.body))
        if reply.endless:
            headers["Connection"] = "close"
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        if reply.status == 304:
            return
        if reply.endless:
            chunk = b"<!-- padding -->" * 64
            while True:
                handler.wfile.write(chunk)
                if reply.trickle:
                    time.sleep(reply.trickle)
        if reply.trickle:
            for start in range(0, len(reply.body), 1024):
                handler.wfile.write(reply.body[start : start + 1024])
                handler.wfile.flush()
                time.sleep(reply.trickle)
        else:
            handler.wfile.write(reply.body)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler | Reply) -> str:
        self.routes[path] = handler if callable(handler) else (lambda _request, r=handler: r)
        return self.url(path)

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
