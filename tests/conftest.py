"""Shared fixtures: real SQLite files and a real PostgreSQL database per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest

PG_ADMIN_URL = os.environ.get("TRACKER_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_connect(dbname: str | None = None):
    import psycopg

    url = PG_ADMIN_URL if dbname is None else PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + dbname
    return psycopg.connect(url, autocommit=True, connect_timeout=5)


def _pg_available() -> str | None:
    try:
        with _pg_connect() as conn:
            conn.execute("select 1")
    except Exception as error:
        return str(error)
    return None


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL admin URL; fails (not skips) when CI=true and it is unreachable."""
    problem = _pg_available()
    if problem:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {problem}")
        pytest.skip(f"PostgreSQL not reachable: {problem}")
    return PG_ADMIN_URL


@pytest.fixture
def new_postgres_url(postgres_server: str) -> Iterator[Callable[[], str]]:
    """Makes fresh, empty PostgreSQL databases for one test; drops them afterwards."""
    names: list[str] = []

    def make() -> str:
        name = "tracker_t_" + uuid.uuid4().hex[:12]
        with _pg_connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        names.append(name)
        return postgres_server.rsplit("/", 1)[0] + "/" + name

    yield make
    with _pg_connect() as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(new_postgres_url: Callable[[], str]) -> str:
    return new_postgres_url()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs a test once on an SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def settings(database_url: str, tmp_path):
    from tracker.config import load_settings

    return load_settings({"TRACKER_DATABASE_URL": database_url, "TRACKER_DATA_DIR": str(tmp_path / "data")})


@pytest.fixture
def runtime(settings):
    """The application and every tracker table on the test's database."""
    from tracker.bootstrap import open_runtime

    runtime = open_runtime(settings)
    yield runtime
    runtime.close()


@pytest.fixture
def newsroom(runtime):
    return runtime.newsroom
