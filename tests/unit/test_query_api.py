"""One query API: the read models' Catalog offers every read of StoryQueries
with the same parameters, and the screens (web, CLI) read through it, never
through the Newsroom's replaying queries (kept as the tests' oracle)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from tracker.application.queries import StoryQueries
from tracker.readmodels import Catalog

ROOT = Path(__file__).resolve().parents[2]
ORACLE_READS = {"story", "stories", "story_as_of", "story_at_version", "version_at", "history", "story_exists"}
SCREENS = [
    *sorted((ROOT / "web").glob("*.py")),
    *(ROOT / name for name in ("tracker/cli/commands.py", "tracker/cli/render.py", "tracker/jobs.py")),
]


def protocol_reads() -> list[str]:
    return [name for name, value in vars(StoryQueries).items() if inspect.isfunction(value) and name[0] != "_"]


def test_the_catalog_offers_every_read_of_the_query_api_with_its_parameters() -> None:
    assert {"story", "stories", "story_as_of", "story_at_version", "version_at", "history", "search"} <= set(
        protocol_reads()
    )
    for name in protocol_reads():
        wanted = inspect.signature(getattr(StoryQueries, name)).parameters
        offered = inspect.signature(getattr(Catalog, name)).parameters
        for parameter in wanted.values():
            assert parameter.name in offered, f"Catalog.{name} lacks {parameter.name}"
            assert offered[parameter.name].kind == parameter.kind, f"Catalog.{name}({parameter.name}) kind"
            assert offered[parameter.name].default == parameter.default, f"Catalog.{name}({parameter.name}) default"


def newsroom_reads(path: Path) -> list[str]:
    """Calls like ``newsroom().story(...)``, ``runtime.newsroom.history(...)`` or ``ctx.app.stories()``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ORACLE_READS:
            owner = ast.unparse(node.func.value)
            if "newsroom" in owner or owner == "app" or owner.endswith(".app"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node.func)}")
    return found


def test_no_screen_reads_through_the_newsroom_replaying_queries() -> None:
    assert [read for path in SCREENS for read in newsroom_reads(path)] == []
