"""Fetching feed documents over HTTP (httpx) or from local files.

Careful with other people's servers and with our own machine:

* conditional GET (If-None-Match / If-Modified-Since) -> ``NOT_MODIFIED``;
* a body whose SHA-256 equals the last one -> ``UNCHANGED`` (not parsed);
* one deadline (``fetch.timeout_seconds``) for the whole request: connect,
  headers and body (deadline.py: a trickling server cannot hold a cycle);
* file: URLs only for regular files under ``fetch.file_root`` (localfile.py);
* a body cap (``fetch.max_bytes``), applied to the decompressed stream and
  enforced while reading: the transfer is aborted as soon as it is passed;
* at most ``fetch.max_redirects`` redirects, http/https only, loops detected;
* a User-Agent naming the tracker; gzip/deflate accepted;
* 429/503 ``Retry-After`` and ``Cache-Control: max-age`` / ``Expires`` are
  reported so the feed's next check can honour them (within bounds);
* private, loopback, link-local, multicast and reserved addresses, and
  IPv6 forms that embed them (addresses.py), are refused unless ``fetch.allow_private_addresses`` is true (or the origin is
  explicitly allowed, as the demo feed is). The check is made on the
  address actually connected to, for every connection, so it also covers
  every redirect hop and DNS answers that change between lookups.
"""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from tracker.config import Settings
from tracker.ingest.addresses import is_public_address
from tracker.ingest.deadline import DeadlineStream, bounded, deadline, expired
from tracker.ingest.fetched import SCHEMES, WEB_SCHEMES, BadURL, FetchResult, FetchStatus, check_url
from tracker.ingest.freshness import freshness
from tracker.ingest.freshness import retry_after as retry_after_seconds
from tracker.ingest.localfile import LocalFileRefused, read_local
from tracker.ingest.text import first_line

try:
    from importlib.metadata import version as _version

    TRACKER_VERSION = _version("newsroom-tracker")
except Exception:
    TRACKER_VERSION = "0"

USER_AGENT = f"newsroom-tracker/{TRACKER_VERSION} (feed poller; +https://github.com/newsroom-tracker)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)
REDIRECTS = (301, 302, 303, 307, 308)
__all__ = [
    "SCHEMES",
    "USER_AGENT",
    "WEB_SCHEMES",
    "BadURL",
    "FetchResult",
    "FetchStatus",
    "Fetcher",
    "check_url",
    "is_public_address",
]

REFUSED_PRIVATE = (
    "refused: the host resolves to a private or local address; set fetch.allow_private_addresses to allow it"
)


class AddressRefused(Exception):
    """The host resolves only to addresses the tracker must not connect to."""


class GuardedBackend(httpcore.NetworkBackend):
    """Resolves the host itself and connects only to permitted addresses."""

    def __init__(
        self,
        inner: httpcore.NetworkBackend,
        allow_private: bool,
        allowed_origins: Iterable[tuple[str, int]] = (),
    ) -> None:
        self.inner = inner
        self.allow_private = allow_private
        self.allowed_origins = {(h.lower(), int(p)) for h, p in allowed_origins}

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = bounded(timeout, httpcore.ConnectTimeout)
        if self.allow_private or (host.lower(), port) in self.allowed_origins:
            return DeadlineStream(self.inner.connect_tcp(host, port, timeout, local_address, socket_options))
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error.strerror}") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        permitted = [a for a in addresses if is_public_address(a)]
        if not permitted:
            raise AddressRefused(REFUSED_PRIVATE)
        last: Exception | None = None
        for address in permitted:
            try:
                return DeadlineStream(
                    self.inner.connect_tcp(
                        address, port, bounded(timeout, httpcore.ConnectTimeout), local_address, socket_options
                    )
                )
            except httpcore.ConnectError as error:
                last = error
        raise last or httpcore.ConnectError(f"cannot connect to {host}")

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise AddressRefused("refused: unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class Fetcher:
    """One HTTP client (a connection pool shared by threads) plus the rules above."""

    def __init__(
        self,
        settings: Settings,
        *,
        allowed_origins: Iterable[tuple[str, int]] = (),
        max_connections: int = 64,
    ) -> None:
        self.timeout = float(settings.fetch_timeout_seconds)
        self.max_bytes = int(settings.fetch_max_bytes)
        self.max_redirects = int(settings.fetch_max_redirects)
        self.allow_private = bool(settings.fetch_allow_private_addresses)
        self.file_root = settings.fetch_file_root
        self.min_interval = settings.poll_min_interval_seconds
        self.max_backoff = settings.poll_max_backoff_seconds
        transport = httpx.HTTPTransport(
            retries=0,
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
        )
        pool = transport._pool
        if not hasattr(pool, "_network_backend"):  # pragma: no cover - guards an httpx upgrade
            raise RuntimeError("httpx changed: cannot install the address guard")
        self.guard = GuardedBackend(pool._network_backend, self.allow_private, allowed_origins)
        pool._network_backend = self.guard
        self.client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(self.timeout),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
        )

    def allow_origin(self, host: str, port: int) -> None:
        """Lets this fetcher reach one loopback/private origin (the demo feed)."""
        self.guard.allowed_origins.add((host.lower(), int(port)))

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -----------------------------------------------------------------------

    def fetch(self, url: str, *, etag: str = "", last_modified: str = "", previous_hash: str = "") -> FetchResult:
        started = time.monotonic()
        try:
            url = check_url(url)
        except BadURL as error:
            return FetchResult(FetchStatus.ERROR, url, error=str(error))
        if urlsplit(url).scheme.lower() == "file":
            return self._fetch_file(url, previous_hash, started)
        try:
            with deadline(self.timeout):
                try:
                    return self._fetch_http(url, etag, last_modified, previous_hash, started)
                except httpx.TimeoutException:
                    if not expired():
                        raise
            return self._error(url, f"timeout: the request took longer than {self.timeout:g} s; aborted", started)
        except AddressRefused as error:
            return self._error(url, str(error), started)
        except httpx.ConnectTimeout:
            return self._error(url, f"timeout: no connection within {self.timeout:g} s", started)
        except httpx.ReadTimeout:
            return self._error(url, f"timeout: the server sent nothing for {self.timeout:g} s", started)
        except httpx.TimeoutException:
            return self._error(url, f"timeout after {self.timeout:g} s", started)
        except httpx.ConnectError as error:
            return self._error(url, f"cannot connect: {first_line(error)}", started)
        except httpx.DecodingError as error:
            return self._error(url, f"bad compressed body: {first_line(error)}", started)
        except (httpx.HTTPError, httpx.InvalidURL, httpcore.ProtocolError) as error:
            return self._error(url, f"HTTP failure: {first_line(error)}", started)
        except OSError as error:
            return self._error(url, f"network error: {first_line(error)}", started)

    def _error(self, url: str, message: str, started: float, **extra: Any) -> FetchResult:
        return FetchResult(FetchStatus.ERROR, url, error=message, elapsed=time.monotonic() - started, **extra)

    def _fetch_file(self, url: str, previous_hash: str, started: float) -> FetchResult:
        try:
            body = read_local(url, self.file_root, self.max_bytes)
        except LocalFileRefused as error:
            return self._error(url, str(error), started)
        # a file has no headers: say it is XML, so that the parser warns of no missing Content-Type
        return self._finish(url, None, body, {"content-type": "application/xml"}, previous_hash, started)

    def _fetch_http(self, url: str, etag: str, last_modified: str, previous_hash: str, started: float) -> FetchResult:
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        current = url
        visited = {url}
        for hop in range(self.max_redirects + 1):
            with self.client.stream("GET", current, headers=conditional) as response:
                status = response.status_code
                headers = {k.lower(): v for k, v in response.headers.items()}
                if status in REDIRECTS:
                    location = headers.get("location", "").strip()
                    if not location:
                        return self._error(
                            current, f"HTTP {status} redirect without a Location", started, http_status=status
                        )
                    target = urljoin(current, location)
                    if urlsplit(target).scheme.lower() not in ("http", "https"):
                        return self._error(
                            current, f"refused: redirect to {target!r} (http/https only)", started, http_status=status
                        )
                    if target in visited:
                        return self._error(
                            current, f"redirect loop: {target} was already visited", started, http_status=status
                        )
                    if hop == self.max_redirects:
                        return self._error(
                            current, f"too many redirects (limit {self.max_redirects})", started, http_status=status
                        )
                    visited.add(target)
                    current = target
                    continue
                retry_after = retry_after_seconds(headers.get("retry-after", ""))
                fresh_for = freshness(headers)
                if status == 304:
                    return FetchResult(
                        FetchStatus.NOT_MODIFIED,
                        current,
                        http_status=304,
                        headers=headers,
                        etag=headers.get("etag", etag),
                        last_modified=headers.get("last-modified", last_modified),
                        body_hash=previous_hash,
                        fresh_for=fresh_for,
                        elapsed=time.monotonic() - started,
                    )
                if status >= 400 or status != 200:
                    reason = response.reason_phrase or ""
                    text = f"HTTP {status} {reason}".strip()
                    if status in (429, 503) and retry_after is not None:
                        text += f" (Retry-After {retry_after:g} s)"
                    return self._error(
                        current, text, started, http_status=status, retry_after=retry_after, headers=headers
                    )
                declared = headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes and "content-encoding" not in headers:
                    return self._error(
                        current,
                        f"too large: {declared} bytes announced (limit {self.max_bytes}); aborted",
                        started,
                        http_status=status,
                    )
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        return self._error(
                            current,
                            f"too large: more than {self.max_bytes} bytes; aborted",
                            started,
                            http_status=status,
                        )
                    if expired():
                        return self._error(
                            current,
                            f"timeout: the request took longer than {self.timeout:g} s; aborted",
                            started,
                            http_status=status,
                        )
                    chunks.append(chunk)
                body = b"".join(chunks)
                return self._finish(current, status, body, headers, previous_hash, started, fresh_for=fresh_for)
        return self._error(current, f"too many redirects (limit {self.max_redirects})", started)  # pragma: no cover

    def _finish(
        self,
        url: str,
        status: int | None,
        body: bytes,
        headers: dict[str, str],
        previous_hash: str,
        started: float,
        fresh_for: float | None = None,
    ) -> FetchResult:
        digest = hashlib.sha256(body).hexdigest()
        common = dict(
            http_status=status,
            headers=headers,
            etag=headers.get("etag", ""),
            last_modified=headers.get("last-modified", ""),
            body_hash=digest,
            fresh_for=fresh_for,
            elapsed=time.monotonic() - started,
            size=len(body),
        )
        if previous_hash and digest == previous_hash:
            return FetchResult(FetchStatus.UNCHANGED, url, **common)  # type: ignore[arg-type]
        return FetchResult(FetchStatus.OK, url, body=body, **common)  # type: ignore[arg-type]
