"""web: latency percentiles and errors of the story page, the as-of view and
the JSON API under concurrent keep-alive clients, served by gunicorn."""

from __future__ import annotations

import importlib.util

from tracker.bench.results import Figure, NotAvailable
from tracker.bench.workloads import BenchContext


def run(ctx: BenchContext) -> list[Figure]:
    if importlib.util.find_spec("web") is None:
        raise NotAvailable("the web UI (web.create_app, issue 5) has not landed yet")
    raise NotAvailable("web exists but the bench does not drive it yet")
