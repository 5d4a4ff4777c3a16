"""A small closed-loop HTTP load client: N threads, each with its own
keep-alive connection (http.client), sharing a bounded number of requests
and a deadline. Latency is measured per request, from send to full body."""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class LoadResult:
    latencies_ms: tuple[float, ...]  # successful requests only
    errors: int  # failed requests (not 200, or no answer); requests never sent are neither
    seconds: float

    @property
    def answered(self) -> int:
        return len(self.latencies_ms) + self.errors

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


def load(
    base_url: str,
    paths: Sequence[str],
    *,
    clients: int,
    requests: int,
    deadline_seconds: float = 120.0,
    timeout: float = 30.0,
) -> LoadResult:
    """GETs ``requests`` requests cycling through ``paths`` from ``clients``
    threads; no new request starts after ``deadline_seconds``."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    tickets = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    stop_at = time.monotonic() + deadline_seconds

    def client() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            while time.monotonic() < stop_at:
                number = next(tickets)
                if number >= requests:
                    return
                path = paths[number % len(paths)]
                begun = time.perf_counter()
                try:
                    conn.request("GET", path, headers={"Connection": "keep-alive"})
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == 200
                    if response.getheader("Connection", "").lower() == "close":
                        conn.close()
                except (OSError, http.client.HTTPException):
                    ok = False
                    conn.close()
                elapsed = (time.perf_counter() - begun) * 1000
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        errors[0] += 1
        finally:
            conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(deadline_seconds + timeout + 5)
    seconds = time.perf_counter() - started
    return LoadResult(tuple(latencies), errors[0], seconds)
