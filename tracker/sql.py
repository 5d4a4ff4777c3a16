"""The tracker's own SQL tables (read models, feeds, accounts) share one MetaData.

Each module that owns tables defines them on :data:`metadata`; ``create_schema``
imports those modules and creates whatever is missing (idempotent).
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData
from sqlalchemy.engine import Engine

metadata = MetaData()

#: Modules whose import defines tables on ``metadata``. Add yours here.
TABLE_MODULES: list[str] = ["tracker.accounts", "tracker.ingest.tables"]


def create_schema(engine: Engine) -> None:
    for name in TABLE_MODULES:
        importlib.import_module(name)
    metadata.create_all(engine, checkfirst=True)
