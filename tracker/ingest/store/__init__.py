"""SQL access for ingestion, split by what it stores: feeds and their claims
(feeds.py), the wire archive (archive.py, items.py), identity beyond feed +
GUID (identities.py, drift.py), decisions (decisions.py).

Works on SQLite and PostgreSQL through SQLAlchemy Core. ``IngestStore`` is
all three on one engine, as the cycle and the service use them.
"""

from __future__ import annotations

from tracker.ingest.store.archive import ArchiveStore
from tracker.ingest.store.decisions import Decision, DecisionStore, suggestion_id_for
from tracker.ingest.store.feeds import Claim, DuplicateFeed, FeedStore, UnknownFeed
from tracker.ingest.store.identities import IdentityChange, IdentityStore
from tracker.ingest.store.items import STORED_ITEM_COLUMNS, Document, StoredItem, identity_key, report_id_for


class IngestStore(FeedStore, ArchiveStore, DecisionStore, IdentityStore):
    """Feeds, archive, decisions and identities on one engine."""


__all__ = [
    "STORED_ITEM_COLUMNS",
    "ArchiveStore",
    "Claim",
    "Decision",
    "DecisionStore",
    "Document",
    "DuplicateFeed",
    "FeedStore",
    "IdentityChange",
    "IdentityStore",
    "IngestStore",
    "StoredItem",
    "UnknownFeed",
    "identity_key",
    "report_id_for",
    "suggestion_id_for",
]
