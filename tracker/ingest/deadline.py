"""One deadline for a whole HTTP request: connect, TLS, headers and body.

httpx's timeouts are per socket operation, so a server that trickles one
header byte every few seconds never trips them and holds a fetch (and the
cycle waiting for it) for minutes. Every connection the fetcher opens is
wrapped in :class:`DeadlineStream`, whose reads and writes never wait past
the deadline of the fetch running on the calling thread (set with
:func:`deadline`); once it has passed they raise httpcore's timeouts, which
httpx reports as usual. Connections are pooled and shared by threads, so the
deadline belongs to the thread, not to the connection.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpcore

_current = threading.local()


@contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Sets this thread's deadline ``seconds`` from now for the block; yields it (monotonic)."""
    previous = getattr(_current, "at", None)
    _current.at = at = time.monotonic() + seconds
    try:
        yield at
    finally:
        _current.at = previous


def expired() -> bool:
    at = getattr(_current, "at", None)
    return at is not None and time.monotonic() >= at


def bounded(timeout: float | None, error: type[Exception] = httpcore.ReadTimeout) -> float | None:
    """``timeout`` shortened to what is left of this thread's deadline; raises ``error`` once it has passed."""
    at: float | None = getattr(_current, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error("the request's deadline has passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every wait ends by the current fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return DeadlineStream(
            self.inner.start_tls(ssl_context, server_hostname, bounded(timeout, httpcore.ConnectTimeout))
        )

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)
