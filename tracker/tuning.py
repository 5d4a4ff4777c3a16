"""Tuning values: the sizes and thresholds the ingest cycle and the read
models work with, in one frozen dataclass built from Settings and passed in.

They used to be module globals that tests changed by monkeypatching; now a
test (or an operator's config) passes a Tuning of its own. Why each value is
what it is lives in docs/performance.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from tracker.config import Settings


@dataclass(frozen=True)
class Tuning:
    # -- ingestion (tracker/ingest) -------------------------------------------

    # -- read models (tracker/readmodels) ---------------------------------------

    @classmethod
    def from_settings(cls, settings: Settings) -> Tuning:
        """The defaults; settings may override some of them."""
        return cls()

    def but(self, **changes: Any) -> Tuning:
        """A copy with some values changed (tests, benchmarks)."""
        return replace(self, **changes)
