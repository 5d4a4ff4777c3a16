"""`tracker replay` through the console script, including a SIGKILL half-way."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tracker.bootstrap import open_runtime
from tracker.config import load_settings

START = datetime(2024, 5, 25, tzinfo=UTC)


def fill(tracker_env: dict[str, str], stories: int = 3, reports: int = 600) -> int:
    runtime = open_runtime(load_settings(tracker_env))
    try:
        for n in range(stories):
            runtime.newsroom.open_story(
                title=f"Story {n}",
                slug=f"story-{n}",
                reports=[
                    {
                        "headline": f"Report {i}",
                        "published_at": START + timedelta(minutes=i),
                        "kinds": ["talks_held" if i % 3 else "declined_to_comment"],
                        "parties": ["Meta", "xAI"][: 1 + i % 2],
                    }
                    for i in range(reports)
                ],
            )
        return runtime.newsroom.recorder.max_notification_id()
    finally:
        runtime.close()


def test_replay_prints_its_rate_and_verify_agrees(tracker, tracker_env) -> None:
    fill(tracker_env, stories=2, reports=50)
    result = tracker("replay")
    assert result.code == 0, result.err
    assert "Replayed 102 events" in result.out and "events/s" in result.out
    assert "replay" not in result.err  # no progress when not on a terminal (test_cli_manners: a bar on one)
    verified = tracker("replay", "--verify")
    assert verified.code == 0 and "match a clean rebuild" in verified.out


def test_a_replay_killed_half_way_completes_on_the_next_run(tracker, tracker_env) -> None:
    head = fill(tracker_env)
    script = shutil.which("tracker", path=str(Path(sys.executable).parent))
    process = subprocess.Popen(
        [script, "replay", "--batch-size", "1", "--commit-every", "5"],
        env=tracker_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    runtime = open_runtime(load_settings(tracker_env), catch_up=False)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            position = runtime.projector.position()
            if 50 < position < head - 50:
                break
            time.sleep(0.01)
        assert process.poll() is None, "replay finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        killed_at = runtime.projector.position()
        assert 0 < killed_at < head
    finally:
        runtime.close()
    resumed = tracker("replay")
    assert resumed.code == 0, resumed.err
    assert f"position {head}" in resumed.out
    verified = tracker("replay", "--verify")
    assert verified.code == 0, verified.out + verified.err
    story = tracker("story", "story-1", "--json").json()
    assert story["report_count"] == 600


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_replay_in_parts_killed_half_way_starts_again_and_completes(tracker, tracker_env) -> None:
    head = fill(tracker_env, stories=4)
    database = Path(tracker_env["TRACKER_DATABASE_URL"].removeprefix("sqlite:///"))
    script = shutil.which("tracker", path=str(Path(sys.executable).parent))
    process = subprocess.Popen(
        [script, "replay", "--parts", "2", "--batch-size", "1"],
        env=tracker_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        parts = list(database.parent.glob(f"{database.name}.part-*-1"))
        if parts and parts[0].stat().st_size > 0:
            break
        time.sleep(0.01)
    time.sleep(0.3)  # both parts are writing
    assert process.poll() is None, "replay finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    runtime = open_runtime(load_settings(tracker_env), catch_up=False)
    try:
        assert runtime.projector.position() == 0  # nothing copied in: the live views are empty
    finally:
        runtime.close()

    resumed = tracker("replay", "--parts", "2")
    assert resumed.code == 0, resumed.err
    assert f"position {head}" in resumed.out
    assert not list(database.parent.glob(f"{database.name}.part-*"))  # the killed run's files are gone
    verified = tracker("replay", "--verify")
    assert verified.code == 0, verified.out + verified.err
    story = tracker("story", "story-3", "--json").json()
    assert story["report_count"] == 600
