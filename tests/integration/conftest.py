"""Fixtures of the ingest tests: the test's runtime with the seed story and
loopback feeds allowed, a loopback HTTP server, and an Ingestion service."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from loopback import LoopbackServer

from tracker.bootstrap import Runtime
from tracker.ingest.service import Ingestion
from tracker.seed import load_seed, seed_files


@pytest.fixture
def loopback_runtime(runtime: Runtime) -> Runtime:
    runtime.settings = dataclasses.replace(runtime.settings, fetch_allow_private_addresses=True)
    load_seed(runtime.newsroom, seed_files()[0])
    return runtime


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def ingestion(loopback_runtime: Runtime) -> Iterator[Ingestion]:
    with Ingestion(loopback_runtime) as service:
        yield service
