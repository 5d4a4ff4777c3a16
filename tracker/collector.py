"""Pausing Python's cyclic garbage collector while bulk work runs.

A poll cycle or a rebuild of the read models allocates millions of
short-lived containers (items, rows, events) that reference counting frees
as it goes; the cyclic collector would scan every survivor again and again,
and ever more of them as the heap grows: a cold cycle of 25,000 items spent
1.5 of its main process's 10 CPU-seconds in it, most of that in full
collections. The bulk jobs leave little cyclic garbage behind (a cold cycle
peaked 6 MB higher without the collector), so it is paused while they run
and resumed when the last of them ends; its next collections find whatever
they left.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0  # bulk jobs in progress in this process (threads may overlap)
_resume = False  # whether the collector was on when the first of them began


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection until the outermost of these blocks ends."""
    global _running, _resume
    with _lock:
        if _running == 0:
            _resume = gc.isenabled()
            gc.disable()
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _resume:
                gc.enable()
