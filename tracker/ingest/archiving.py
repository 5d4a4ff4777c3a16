"""Archiving fetched feeds and recording their health.

A batch of fetched feeds is archived in one transaction (their items, their
validators, and their release: health and next check, so the feed is freed
in the same transaction); a feed that failed is released with its failure
and backs off (the policy is the feed's own, see feeds.py). A batch the
database refuses is stored again one feed at a time, so one bad feed costs
only itself, and a refusal of the database itself is reported for the cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from tracker.config import Settings
from tracker.ingest.fetcher import FetchResult, FetchStatus
from tracker.ingest.parser import FeedError, ParsedFeed
from tracker.ingest.store import Claim, Document, IngestStore
from tracker.ingest.store.items import Stored
from tracker.ingest.summary import CycleSummary, FeedFailure
from tracker.ingest.text import first_line
from tracker.moments import now_utc

log = logging.getLogger("tracker.ingest")

#: A fetched feed: its claim, the fetch, and the parse (None: nothing new to parse).
Ready = tuple[Claim, FetchResult, ParsedFeed | FeedError | None]


class Archiver:
    def __init__(self, store: IngestStore, settings: Settings, failpoint: Callable[[str], None]) -> None:
        self.store = store
        self.settings = settings
        self.failpoint = failpoint

    def complete_batch(self, ready: Sequence[Ready]) -> list[tuple[int, CycleSummary]]:
        """Archives fetched feeds and frees them, in one transaction; failures are recorded one by one."""
        results: list[tuple[int, CycleSummary]] = []
        documents: list[Document] = []
        steps: list[CycleSummary] = []
        now = now_utc()
        # In feed order, not the order the fetches finished: an article in two feeds of one
        # batch is archived first (and is the original) in the feed subscribed first.
        for claim, result, parsed in sorted(ready, key=lambda r: r[0].feed.id):
            if result.status is FetchStatus.ERROR:
                results.append((claim.feed.id, self.fail_safely(claim, result.error, result.retry_after)))
            elif isinstance(parsed, FeedError):
                results.append((claim.feed.id, self.fail_safely(claim, parsed.reason, None)))
            else:
                try:
                    document = self._document(claim, result, parsed, now)
                except Exception as error:
                    log.exception("feed %s: preparing its document failed", claim.feed.url)
                    results.append(
                        (
                            claim.feed.id,
                            self.fail_safely(claim, f"internal error: {type(error).__name__}: {error}", None),
                        )
                    )
                    continue
                documents.append(document)
                steps.append(
                    CycleSummary(
                        feeds_checked=1,
                        fetched=1 if parsed is not None else 0,
                        not_modified=0 if parsed is not None else 1,
                        items_seen=len(parsed.items) if parsed is not None else 0,
                    )
                )
        if not documents:
            return results
        stored: Sequence[Stored | None | CycleSummary]
        try:
            stored = self.store.store_documents(documents, now=now)
        except Exception:
            log.exception("storing %d feeds together failed; storing them one by one", len(documents))
            stored = [self._store_one(document, now) for document in documents]
        if any(d.items for d in documents):
            self.failpoint("after-store")
        for document, step, outcome in zip(documents, steps, stored):
            if isinstance(outcome, CycleSummary):
                results.append((document.claim.feed.id, outcome))
                continue
            new, revised = outcome or (0, 0)
            copies = getattr(outcome, "copies", 0)  # the same item through another feed: not matched again
            results.append(
                (
                    document.claim.feed.id,
                    replace(step, items_new=new, items_revised=revised, duplicates_skipped=copies),
                )
            )
        return results

    def _store_one(self, document: Document, now: datetime) -> Stored | None | CycleSummary:
        try:
            return self.store.store_documents([document], now=now)[0]
        except Exception as error:
            log.exception("feed %s: storing failed", document.claim.feed.url)
            failed = self.fail_safely(
                document.claim, f"internal error: {type(error).__name__}: {first_line(error, 500)}", None
            )
            if database_refused(error):  # the database, not this feed: say so for the whole cycle
                failed = replace(failed, store_error=first_line(error, 500))
            return failed

    def _document(self, claim: Claim, result: FetchResult, parsed: ParsedFeed | None, now: datetime) -> Document:
        """What archiving a fetched feed writes: items, validators, and the feed's new health."""
        feed = claim.feed
        title = feed.title
        warning = feed.last_warning
        validators: dict[str, Any] = {}
        name = feed.name
        if parsed is not None:
            title = parsed.title[:300] or feed.title
            warning = "; ".join(parsed.warnings)[:2000]
            validators = {
                "etag": result.etag[:1000],
                "last_modified": result.last_modified[:200],
                "body_hash": result.body_hash,
            }
            name = feed.name or title or urlsplit(feed.url).hostname or feed.url
        release: dict[str, Any] = {
            "last_checked_at": now,
            "last_success_at": now,
            "consecutive_failures": 0,
            "next_check_at": feed.next_check_after_success(now, self.settings, fresh_for=result.fresh_for),
            "title": title,
            "last_warning": warning,
        }
        if result.status is FetchStatus.NOT_MODIFIED:
            release.update(etag=result.etag[:1000], last_modified=result.last_modified[:200])
        return Document(claim, parsed.items if parsed is not None else (), name, validators, release)

    def fail_safely(self, claim: Claim, reason: str, retry_after: float | None) -> CycleSummary:
        try:
            return self._fail(claim, reason, retry_after)
        except Exception as error:
            log.exception("feed %s: recording the failure failed", claim.feed.url)
            return CycleSummary(
                feeds_checked=1,
                failed=1,
                failures=(FeedFailure(claim.feed.id, claim.feed.url, reason),),
                store_error=first_line(error, 500),
            )

    def _fail(self, claim: Claim, reason: str, retry_after: float | None) -> CycleSummary:
        feed = claim.feed
        now = now_utc()
        failures = feed.consecutive_failures + 1
        self.store.release(
            claim,
            last_checked_at=now,
            last_error=reason[:2000],
            last_error_at=now,
            consecutive_failures=failures,
            next_check_at=feed.next_check_after_failure(now, self.settings, failures=failures, retry_after=retry_after),
        )
        log.info("feed %s failed (%d in a row): %s", feed.url, failures, reason)
        return CycleSummary(feeds_checked=1, failed=1, failures=(FeedFailure(feed.id, feed.url, reason),))

    # -- matching -------------------------------------------------------------------------


def items_in(ready: Sequence[Ready]) -> int:
    return sum(len(parsed.items) for _, _, parsed in ready if isinstance(parsed, ParsedFeed))


def database_refused(error: BaseException) -> bool:
    """A write the database itself refused (full, read-only, I/O error, locked), in
    SQLAlchemy's or any DB-API driver's terms (sqlite3, psycopg): not the feed's fault."""
    return any(kind.__name__ == "OperationalError" for kind in type(error).__mro__)
