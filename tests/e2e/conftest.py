"""Running the real `tracker` console script in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# the integration tier's loopback helpers (feed_server, licensing_story) serve these tests too
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def tracker_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "TRACKER_DATABASE_URL": database_url,
        "TRACKER_DATA_DIR": str(tmp_path / "data"),
    }


@pytest.fixture
def tracker(tracker_env: dict[str, str]):
    """Runs the console script on a store created as `tracker init` would (in
    process: a subprocess start per test costs a second)."""
    from tracker.bootstrap import open_runtime
    from tracker.config import load_settings

    open_runtime(load_settings(tracker_env)).close()
    script = shutil.which("tracker", path=str(Path(sys.executable).parent))
    assert script, "the tracker console script is not installed"

    def run(*args: str, stdin: str | None = None) -> Result:
        done = subprocess.run(
            [script, *args], env=tracker_env, capture_output=True, text=True, input=stdin, timeout=120
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def licensing_story(tracker, tracker_env) -> str:
    """The licensing story of tests/integration/licensing_story.py, built in the store the console script uses."""
    from licensing_story import build

    from tracker.bootstrap import open_runtime
    from tracker.config import load_settings

    runtime = open_runtime(load_settings(tracker_env))
    try:
        return build(runtime.newsroom)
    finally:
        runtime.close()
