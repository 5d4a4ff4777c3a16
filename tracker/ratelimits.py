"""Rate-limit counters in the tracker's own database, shared by every worker and machine.

A `limits` storage for the fixed-window strategy: one row per limit key with
its hit count and the moment its window ends. Each hit is a single atomic
upsert (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``) on SQLite and
PostgreSQL alike, so concurrent gunicorn workers never lose a count. Windows
are measured with each worker's clock (``time.time()``), as `limits` does
for its other storages.
"""

from __future__ import annotations

import time
from typing import Any

from limits.storage import Storage
from sqlalchemy import Column, Float, Index, Integer, String, Table, case, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from tracker.sql import metadata

#: The storage URI naming this storage (``web.rate_limit_storage`` empty selects it).
SCHEME = "tracker-sql"

rate_limits = Table(
    "tracker_rate_limits",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("hits", Integer, nullable=False),
    Column("expires_at", Float, nullable=False),
    Index("tracker_rate_limits_expiry", "expires_at"),
)


class SQLStorage(Storage):
    """Fixed-window counters on the runtime's SQLAlchemy engine (``engine=`` storage option)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        engine = options.pop("engine", None)
        if not isinstance(engine, Engine):
            raise ValueError(f"{SCHEME}:// storage needs the tracker's engine as the 'engine' option")
        self.engine: Engine = engine
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        table = rate_limits
        insert = sqlite.insert if self.engine.dialect.name == "sqlite" else postgresql.insert
        expired = table.c.expires_at <= now
        statement = (
            insert(table)
            .values(key=key, hits=amount, expires_at=now + expiry)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "hits": case((expired, amount), else_=table.c.hits + amount),
                    "expires_at": case((expired, now + expiry), else_=table.c.expires_at),
                },
            )
            .returning(table.c.hits)
        )
        with self.engine.begin() as conn:
            conn.execute(delete(table).where(table.c.expires_at <= now, table.c.key != key))
            return int(conn.execute(statement).scalar_one())

    def get(self, key: str) -> int:
        with self.engine.connect() as conn:
            hits = conn.execute(
                select(rate_limits.c.hits).where(rate_limits.c.key == key, rate_limits.c.expires_at > time.time())
            ).scalar()
        return int(hits or 0)

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with self.engine.connect() as conn:
            ends = conn.execute(
                select(rate_limits.c.expires_at).where(rate_limits.c.key == key, rate_limits.c.expires_at > now)
            ).scalar()
        return float(ends) if ends is not None else now

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("select 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return int(conn.execute(delete(rate_limits)).rowcount)

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(rate_limits).where(rate_limits.c.key == key))
