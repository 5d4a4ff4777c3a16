"""Serving the generated feeds on loopback: Debian's nginx when installed
(a throw-away config in a temp folder, foreground, no root paths touched),
else a threaded Python server. Both answer conditional GETs (ETag,
Last-Modified) with 304, so a warm cycle really is "nothing changed"."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

NGINX = "/usr/sbin/nginx"
HOST = "127.0.0.1"

NGINX_CONF = """daemon off;
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ application/rss+xml xml; }}
    default_type application/octet-stream;
    keepalive_requests 10000;
    server {{
        listen {host}:{port};
        root {root};
        etag on;
    }}
}}
"""


def server_kind() -> str:
    return "nginx" if shutil.which("nginx") or os.path.exists(NGINX) else "python"


@contextmanager
def serve_folder(root: Path) -> Iterator[str]:
    """Serves ``root`` on 127.0.0.1; yields the base URL (ending in /)."""
    if server_kind() == "nginx":
        with _nginx(root) as url:
            yield url
    else:
        with _python_server(root) as url:
            yield url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


@contextmanager
def _nginx(root: Path) -> Iterator[str]:
    binary = shutil.which("nginx") or NGINX
    tmp = Path(tempfile.mkdtemp(prefix="tracker-bench-nginx-"))
    # nginx workers drop to an unprivileged user: they must be able to read the feeds.
    for path in (root, *root.parents):
        if str(path).startswith(tempfile.gettempdir()) and path != Path(tempfile.gettempdir()):
            path.chmod(0o755)
    proc: subprocess.Popen[bytes] | None = None
    try:
        problem = ""
        for _attempt in range(3):
            port = _free_port()
            conf = tmp / "nginx.conf"
            conf.write_text(NGINX_CONF.format(tmp=tmp, host=HOST, port=port, root=root))
            proc = subprocess.Popen(
                [binary, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if _wait_listening(port, proc):
                break
            _stop(proc)
            log = tmp / "error.log"
            problem = log.read_text(errors="replace").strip()[-300:] if log.exists() else "no log"
            proc = None
        if proc is None:
            raise RuntimeError(f"nginx did not start: {problem}")
        yield f"http://{HOST}:{port}/"
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class _FeedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root: Path = Path(".")

    def do_GET(self) -> None:
        path = (self.root / self.path.lstrip("/").split("?", 1)[0]).resolve()
        if self.root.resolve() not in path.parents or not path.is_file():
            self._send(404, b"not found\n", {})
            return
        body = path.read_bytes()
        mtime = path.stat().st_mtime
        etag = '"' + hashlib.md5(body).hexdigest() + '"'
        headers = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True), "Content-Type": "application/rss+xml"}
        if self._not_modified(etag, mtime):
            self._send(304, b"", headers)
        else:
            self._send(200, body, headers)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            return etag in [tag.strip() for tag in match.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return int(mtime) <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _python_server(root: Path) -> Iterator[str]:
    handler = type("FeedHandler", (_FeedHandler,), {"root": root})
    server = ThreadingHTTPServer((HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
