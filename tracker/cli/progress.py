"""Progress of long commands (poll cycles, replay, verify, eval, re-reading a
story) through click's progress bar, on standard error.

Shown only when standard error is a terminal and the command prints no JSON:
scripts, pipes and log files get the result alone.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click


def on_terminal() -> bool:
    return sys.stderr.isatty()


class Meter:
    """A click progress bar fed with running counts: ``step(done, total, note)``.

    The bar is made at the first step (the total is often known only then) and
    grows when the work does; the text after it is the rate and ``note``."""

    def __init__(self, label: str, unit: str, total: int | None = None) -> None:
        self.label = label
        self.unit = unit
        self.total = total
        self.started = time.monotonic()
        self.bar: Any = None

    def step(self, done: int, total: int | None = None, note: str = "") -> None:
        total = max(total or self.total or 0, done, 1)
        if self.bar is None:
            self.bar = click.progressbar(
                length=total,
                label=self.label,
                file=sys.stderr,
                show_eta=True,
                show_percent=True,
                show_pos=True,
                item_show_func=lambda text: text,
            )
            self.bar.__enter__()
        self.bar.length = total
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = f"{done / elapsed:,.0f} {self.unit}/s"
        self.bar.update(done - self.bar.pos, f"{note}  {rate}" if note else rate)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@contextmanager
def meter(label: str, unit: str, *, total: int | None = None, quiet: bool = False) -> Iterator[Meter | None]:
    """A :class:`Meter` on a terminal (None when ``quiet`` or not a terminal), closed at the end."""
    if quiet or not on_terminal():
        yield None
        return
    shown = Meter(label, unit, total)
    try:
        yield shown
    finally:
        shown.close()


def counts(shown: Meter | None) -> Callable[[int, int], None] | None:
    """The ``progress(done, total)`` callback the read models, eval and re-reading take."""
    if shown is None:
        return None
    return lambda done, total: shown.step(done, total)
