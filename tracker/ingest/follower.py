"""Bringing the read models up to date beside a big poll cycle.

A command waits after each save until the read models hold its events
(read your writes). A big poll cycle saves a few thousand reports at a time
and then goes on archiving and matching; waiting there left its one thread
projecting while fetched feeds piled up. Instead its saves are handed to a
:class:`ViewFollower` thread, which runs the same wait (the projector's catch-up) while
the cycle goes on (SQLite and psycopg release the GIL while they write),
and the cycle waits for it once, at its end: when the cycle returns, the
read models hold everything it appended, as before.

While the cycle is big (``pausing()``: its parse processes run), the
follower catches up at most once per ``pause`` seconds: each catch-up holds
SQLite's one write lock, which the cycle's next write waits for, and one
catch-up of many saves costs less CPU than one per save. The read models
then lag a big cycle by up to that much.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class ViewFollower:
    def __init__(
        self, catch_up_to: Callable[[int], None], *, pause: float = 0.0, pausing: Callable[[], bool] | None = None
    ) -> None:
        self._catch_up_to = catch_up_to
        self._pause = pause
        self._pausing = pausing or (lambda: False)
        self._wanted = 0
        self._error: BaseException | None = None
        self._wake = threading.Condition()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="views-follower", daemon=True)
        self._thread.start()

    def saved(self, notification_id: int) -> None:
        """A save's last notification id: to be projected soon."""
        with self._wake:
            self._wanted = max(self._wanted, notification_id)
            self._wake.notify()

    def _run(self) -> None:
        reached = 0
        last = time.monotonic()
        while True:
            with self._wake:
                while self._wanted <= reached and not self._closing:
                    self._wake.wait()
                while not self._closing and self._pausing() and (left := last + self._pause - time.monotonic()) > 0:
                    self._wake.wait(left)  # more saves gather meanwhile; finish() wakes it at once
                if self._wanted <= reached and self._closing:
                    return
                target = self._wanted
            last = time.monotonic()
            try:
                self._catch_up_to(target)
            except BaseException as error:
                self._error = error
                return
            reached = target

    def finish(self, *, quietly: bool = False) -> None:
        """Waits until every handed save is projected; raises what the thread
        met (unless ``quietly``: the cycle is already failing with its own error)."""
        with self._wake:
            self._closing = True
            self._wake.notify()
        self._thread.join()
        if self._error is not None and not quietly:
            raise self._error
