"""Fresh temporary stores: an SQLite file in a temp folder, or a temporary
database created on (and dropped from) the PostgreSQL server given."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tracker.config import Settings, load_settings


@dataclass(frozen=True)
class Store:
    database_url: str
    data_dir: Path

    def environ(self) -> dict[str, str]:
        """TRACKER_* variables pointing a tracker process at this store."""
        return {
            "TRACKER_DATABASE_URL": self.database_url,
            "TRACKER_DATA_DIR": str(self.data_dir),
            "TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES": "1",
        }

    def settings(self) -> Settings:
        return load_settings(self.environ())


def database_label(server_url: str | None) -> str:
    return "postgresql" if server_url else "sqlite"


def check_server_url(server_url: str) -> None:
    """A clear error before any work when --database is not a reachable PostgreSQL."""
    if not server_url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        raise ValueError(
            f"--database: {server_url!r} is not a PostgreSQL URL "
            "(e.g. postgresql://postgres@127.0.0.1:5432/test); SQLite is the default"
        )
    import psycopg

    try:
        with psycopg.connect(_libpq(server_url), autocommit=True, connect_timeout=5) as conn:
            conn.execute("select 1")
    except psycopg.Error as error:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ValueError(f"--database: cannot connect to {server_url}: {first}") from None


def _libpq(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


@contextmanager
def temporary_store(server_url: str | None) -> Iterator[Store]:
    """A store nobody else uses, removed afterwards (also on failure)."""
    folder = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    name = ""
    try:
        if server_url:
            import psycopg

            name = "tracker_bench_" + uuid.uuid4().hex[:12]
            with psycopg.connect(_libpq(server_url), autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            url = _libpq(server_url).rsplit("/", 1)[0] + "/" + name
        else:
            url = f"sqlite:///{folder / 'tracker.sqlite3'}"
        yield Store(database_url=url, data_dir=folder / "data")
    finally:
        if name:
            import psycopg

            with psycopg.connect(_libpq(server_url or ""), autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)
