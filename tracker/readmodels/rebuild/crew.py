"""The spawned processes of a rebuild in parts."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from typing import Any

from tracker.readmodels.errors import ProjectionError

Progress = Callable[[int, int], None]


class PartFailed(ProjectionError):
    """A part of a split rebuild stopped; the message says why (for an event
    it cannot apply, which notification)."""


class Crew:
    """The spawned parts (every job but the first, which this process
    builds): their progress counters, the flags saying their tables exist,
    and how each ended. ``run`` builds a job in a spawned process."""

    def __init__(self, jobs: Sequence[Any], progress: Progress | None, target: int, run: Callable[..., None]) -> None:
        context = multiprocessing.get_context("spawn")
        self.progress = progress
        self.target = target
        self.counters = [context.Value("q", 0, lock=False) for _ in jobs]
        self.ready = [context.Value("b", 0, lock=False) for _ in jobs]
        self.outcomes = context.SimpleQueue()
        self.processes = [
            context.Process(
                target=run,
                args=(job, self.counters[job.number], self.ready[job.number], self.outcomes),
                name=f"replay-part-{job.number}",
            )
            for job in jobs[1:]
        ]
        self.ended: dict[str, str | None] = {}

    def start(self) -> None:
        for process in self.processes:
            process.start()

    def report(self) -> None:
        if self.progress is not None:
            self.progress(sum(counter.value for counter in self.counters), self.target)

    def all_done(self) -> bool:
        return len(self.ended) == len(self.processes)

    def wait(self, condition: Callable[[], bool]) -> None:
        """Until ``condition`` holds; raises PartFailed as soon as a part fails."""
        while True:
            while not self.outcomes.empty():
                name, error = self.outcomes.get()
                self.ended[name] = error
            for process in self.processes:
                if process.name not in self.ended and not process.is_alive() and self.outcomes.empty():
                    process.join()
                    self.ended[process.name] = f"{process.name} ended (exit code {process.exitcode}) before finishing"
            failures = [error for error in self.ended.values() if error is not None]
            if failures:
                raise PartFailed("; ".join(failures))
            if condition() or self.all_done():
                return
            self.report()
            time.sleep(0.05)

    def stop(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.kill()
            process.join()
