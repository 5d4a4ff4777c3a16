"""Shared fixtures of the web UI tests (imported by tests/integration/test_web_*.py).

The app runs on a real SQLite file (or PostgreSQL through ``database_url``),
with the real CSRF protection: helpers read the token from the served form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tracker.accounts import Accounts
from tracker.bootstrap import Runtime, open_runtime
from tracker.config import load_settings
from tracker.seed import load_seed, seed_files

SEED = "meta-xai-court-character-ai"
PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def open_web_runtime(url: str, data_dir: Path, **env: str) -> Runtime:
    settings = load_settings({"TRACKER_DATABASE_URL": url, "TRACKER_DATA_DIR": str(data_dir), **env})
    return open_runtime(settings)


@pytest.fixture
def web_runtime(sqlite_url: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = open_web_runtime(sqlite_url, tmp_path / "data")
    for path in seed_files():
        load_seed(runtime.newsroom, path)
    yield runtime
    runtime.close()


@pytest.fixture
def app(web_runtime: Runtime) -> Flask:
    from web import create_app

    return create_app(runtime=web_runtime)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def editor(app: Flask, web_runtime: Runtime) -> FlaskClient:
    Accounts(web_runtime.engine).add_user("edna", PASSWORD, "editor")
    client = app.test_client()
    login(client, "edna")
    return client


@pytest.fixture
def viewer(app: Flask, web_runtime: Runtime) -> FlaskClient:
    Accounts(web_runtime.engine).add_user("vic", PASSWORD, "viewer")
    client = app.test_client()
    login(client, "vic")
    return client


def token(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    match = _TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token in {url} ({page.status_code})"
    return match.group(1) or match.group(2)


def login(client: FlaskClient, name: str, password: str = PASSWORD) -> Any:
    response = client.post("/login", data={"name": name, "password": password, "csrf_token": token(client, "/login")})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def post_form(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Posts a form the way a browser would: with the token of the page that serves it."""
    return client.post(url, data={**data, "csrf_token": token(client, url)}, **kwargs)


def event_count(runtime: Runtime) -> int:
    return runtime.newsroom.recorder.max_notification_id() or 0


def run_queued_jobs(runtime: Runtime) -> int:
    """The worker's job step, in-process: what `tracker worker` runs every few seconds."""
    from tracker.ingest.service import Ingestion
    from tracker.ingest.worker import Poller
    from tracker.jobs import Jobs

    with Ingestion(runtime, concurrency=2) as ingestion:
        return Poller(ingestion, tick=60, jobs=Jobs(runtime.engine)).run_jobs()
