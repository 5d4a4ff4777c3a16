"""What a cycle (or a part of it) did, added up as it goes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: Told after each feed a cycle has archived: feeds done so far, items seen so far
#: (what `tracker poll` shows on a terminal).
FeedProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class FeedFailure:
    feed_id: int
    url: str
    reason: str


@dataclass(frozen=True)
class CycleSummary:
    """What one cycle did. ``reports_appended`` is the "matched" count."""

    feeds_checked: int = 0
    fetched: int = 0
    not_modified: int = 0  # 304, or the same body as last time
    failed: int = 0
    items_seen: int = 0
    items_new: int = 0
    items_revised: int = 0
    reports_appended: int = 0
    reports_corrected: int = 0
    suggested: int = 0
    duplicates_skipped: int = 0
    stories_rematched: int = 0
    reports_reread: int = 0  # a revised item's report read again (reclassified by the classifier)
    #: items read for a story (its strong matches, revised reports) and the seconds
    #: read() took for them, in the parse processes or on the cycle's thread
    items_read: int = 0
    read_seconds: float = 0.0
    elapsed_seconds: float = 0.0
    failures: tuple[FeedFailure, ...] = ()
    #: The database refused the cycle's writes (disk full, read-only, I/O error): the
    #: first such error. The cycle did not do its work; `tracker poll` exits non-zero.
    store_error: str = ""

    @property
    def matched(self) -> int:
        return self.reports_appended

    @property
    def read_ms_per_item(self) -> float:
        """What reading one item cost, in milliseconds (0 when none was read)."""
        return 1000 * self.read_seconds / self.items_read if self.items_read else 0.0

    def __add__(self, other: CycleSummary) -> CycleSummary:
        numbers = {
            name: getattr(self, name) + getattr(other, name)
            for name in self.__dataclass_fields__
            if name not in ("failures", "elapsed_seconds", "store_error")
        }
        return CycleSummary(
            **numbers,
            elapsed_seconds=self.elapsed_seconds + other.elapsed_seconds,
            failures=self.failures + other.failures,
            store_error=self.store_error or other.store_error,
        )

    def line(self) -> str:
        return (
            f"feeds: {self.feeds_checked} checked, {self.fetched} fetched, {self.not_modified} not modified, "
            f"{self.failed} failed; items: {self.items_new} new, {self.items_revised} revised, "
            f"{self.reports_appended} matched (reports appended), {self.suggested} suggested, "
            f"{self.reports_corrected} corrections"
            + (f", {self.reports_reread} re-read" if self.reports_reread else "")
            + (
                f"; read {self.items_read} items in {1000 * self.read_seconds:.1f} ms ({self.read_ms_per_item:.2f} ms each)"
                if self.items_read
                else ""
            )
            + f"; {self.elapsed_seconds:.2f} s"
            + (f"; the database refused writes: {self.store_error}" if self.store_error else "")
        )


@dataclass
class Counts:
    """What matching a batch did (added to the cycle's summary at the end of a flush)."""

    appended: int = 0
    corrected: int = 0
    suggested: int = 0
    duplicates: int = 0
    reread: int = 0
    read: int = 0
    read_seconds: float = 0.0

    def summary(self, *, stories_rematched: int = 0) -> CycleSummary:
        return CycleSummary(
            reports_appended=self.appended,
            reports_corrected=self.corrected,
            suggested=self.suggested,
            duplicates_skipped=self.duplicates,
            stories_rematched=stories_rematched,
            reports_reread=self.reread,
            items_read=self.read,
            read_seconds=self.read_seconds,
        )
