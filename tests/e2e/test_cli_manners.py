"""The console script's manners: one-line errors, a reader that stops early,
aligned columns, the demo feed's loopback exemption, and progress bars on a
terminal only (a real pseudo-terminal from the ``pty`` module, or a pipe)."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker.config import PROJECT_ROOT
from tracker.ingest.demo import DemoFeedServer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
SLUG = "meta-xai-court-character-ai"
STAGE_LINE = re.compile(r"^after \S+: feeds: ", re.M)
SCRIPT = shutil.which("tracker", path=str(Path(sys.executable).parent))


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The manners do not depend on the database: SQLite only."""
    return sqlite_url


@pytest.fixture
def tracker_env(tracker_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    return {**tracker_env, "TRACKER_FETCH_FILE_ROOT": str(tmp_path), "TERM": "xterm", "COLUMNS": "120"}


@pytest.fixture
def seeded(tracker):
    assert tracker("init").code == 0
    assert tracker("seed").code == 0
    return tracker


def on_terminal(env: dict[str, str], *args: str) -> tuple[int, str]:
    """Runs the script with a pseudo-terminal as its standard input, output and error."""
    assert SCRIPT
    leader, follower = pty.openpty()
    child = subprocess.Popen([SCRIPT, *args], env=env, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return child.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def into_closed_pipe(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Runs the script writing into a pipe whose reader has already gone (`... | head` after head left)."""
    assert SCRIPT
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run([SCRIPT, *args], env=env, stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(writer)


def test_a_short_password_is_refused_in_one_line_naming_the_eight_character_rule(seeded) -> None:
    refused = seeded("user", "add", "bob", "--role", "editor", "--password-stdin", stdin="short\n")
    assert refused.code == 1, refused.err
    assert refused.err.strip().splitlines() == [
        "tracker: error: password: must be at least 8 characters long (the one given has 5)"
    ]
    assert seeded("user", "add", "bob", "--password-stdin", stdin="eight ch\n").code == 0
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "at least 8 characters" in readme


def test_a_reader_that_stops_early_ends_every_kind_of_output_without_a_broken_pipe_error(seeded, tracker_env) -> None:
    for args in (("archive", "search", "Character"), ("history", SLUG), ("export",), ("stories", "--json")):
        done = into_closed_pipe(tracker_env, *args)
        assert "Broken pipe" not in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
        assert done.stderr == "" and done.returncode == 141, (args, done.returncode, done.stderr)


def test_a_broken_pipe_that_is_not_standard_output_is_still_an_error(seeded, tracker_env, tmp_path) -> None:
    # a closed pipe as standard *error* only: the command's output is whole and it succeeds
    assert SCRIPT
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run([SCRIPT, "stories"], env=tracker_env, stdout=subprocess.PIPE, stderr=writer, text=True)
    finally:
        os.close(writer)
    assert done.returncode == 0 and SLUG in done.stdout


def test_as_of_with_version_is_a_one_line_error_with_exit_1(seeded) -> None:
    both = seeded("story", SLUG, "--as-of", "2024-06-01", "--version", "3")
    assert both.code == 1, both.err
    assert both.err.strip().splitlines() == ["tracker: error: --as-of and --version: give one or the other, not both"]
    assert "Usage:" not in both.err


def test_the_history_lines_its_recorded_event_and_who_columns_up(seeded) -> None:
    assert seeded("retitle", SLUG, "Meta and xAI court Character.AI (updated)").code == 0
    shown = seeded("history", SLUG)
    assert shown.code == 0, shown.err
    lines = shown.out.rstrip("\n").splitlines()
    header = lines[0]
    assert header.split() == ["VER", "RECORDED", "(UTC)", "EVENT", "BY", "PAYLOAD"]
    for column in ("RECORDED", "EVENT", "BY", "PAYLOAD"):
        start = header.index(column)
        for line in lines[1:]:
            assert line[start - 2 : start] == "  " and line[start] != " ", (column, line)
    assert all(re.match(r"\s*\d+  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  ", line) for line in lines[1:])
    assert "Report added" in shown.out and "the seed" in shown.out and "ReportAdded" not in shown.out
    assert "Retitled" in shown.out and "cli:" in shown.out  # the editor who retitled it, by name


@pytest.fixture
def demo_feed(seeded, tracker_env) -> Iterator[str]:
    """The demo follow-up feed served on loopback, as `make run` serves it, and registered as its demo."""
    from tracker.bootstrap import open_runtime
    from tracker.config import load_settings
    from tracker.ingest.demo import register_demo_feed
    from tracker.ingest.service import Ingestion

    server = DemoFeedServer(release_every=3600).start()
    runtime = open_runtime(load_settings(tracker_env))
    try:
        with Ingestion(runtime, allowed_origins=[(server.host, server.port)]) as ingestion:
            register_demo_feed(ingestion, server.url)
        yield server.url
    finally:
        runtime.close()
        server.stop()


def test_a_poll_beside_make_run_checks_the_demo_feed_instead_of_marking_it_failing(
    seeded, demo_feed, tracker_env
) -> None:
    other = DemoFeedServer(release_every=3600).start()  # not the demo's: the private-address guard refuses it
    try:
        assert seeded("feed", "add", other.url, "--name", "Elsewhere on loopback").code == 1
    finally:
        other.stop()
    polled = seeded("poll", "--once", "--all", "--json")
    assert polled.code == 0, polled.err
    assert polled.json()["failed"] == 0 and polled.json()["fetched"] == 1, polled.out
    feeds = {feed["url"]: feed for feed in seeded("feed", "list", "--json").json()}
    assert feeds[demo_feed]["health"] == "ok" and feeds[demo_feed]["consecutive_failures"] == 0


def test_a_replay_shows_a_progress_bar_on_a_terminal_and_nothing_into_a_pipe(seeded, tracker_env) -> None:
    code, shown = on_terminal(tracker_env, "replay")
    assert code == 0, shown
    assert re.search(r"replay\s+\[#+\]\s+(\d+)/\1\s+100%", shown), shown
    assert "events/s" in shown and "Replayed" in shown
    piped = seeded("replay")
    assert piped.code == 0 and "Replayed" in piped.out
    assert piped.err == "", "no progress when standard error is not a terminal"
    code, verified = on_terminal(tracker_env, "replay", "--verify")
    assert code == 0 and re.search(r"verify\s+\[[#-]+\]", verified) and "match a clean rebuild" in verified


def test_a_poll_of_many_feeds_shows_feeds_of_n_and_items_on_a_terminal_but_not_with_json(
    seeded, tracker_env, tmp_path
) -> None:
    for index in range(6):
        copy = tmp_path / "fixtures" / f"wire-{index}.xml"
        shutil.copy(tmp_path / "fixtures" / "wire-rss2.xml", copy)
        assert seeded("feed", "add", copy.as_uri(), "--name", f"Wire {index}").code == 0
    code, shown = on_terminal(tracker_env, "poll", "--once", "--all")
    assert code == 0, shown
    assert re.search(r"poll\s+\[#+\]\s+6/6\s+100%", shown), shown
    assert re.search(r"\d+ items\s+[\d,]+ feeds/s", shown), shown
    code, as_json = on_terminal(tracker_env, "poll", "--once", "--all", "--json")
    assert code == 0 and "[#" not in as_json and "feeds/s" not in as_json, as_json
    piped = seeded("poll", "--once", "--all")
    assert piped.code == 0 and piped.err == "" and "feeds: 6 checked" in piped.out


def test_an_evaluation_shows_a_bar_over_its_stages_on_a_terminal_and_stage_lines_into_a_pipe(
    tracker, tracker_env
) -> None:
    dataset = str(PROJECT_ROOT / "tests" / "fixtures" / "eval" / "holdout2")
    code, shown = on_terminal(tracker_env, "eval", dataset)
    assert code == 0, shown
    assert re.search(r"eval\s+\[#+\]\s+6/6\s+100%", shown) and "stages/s" in shown, shown
    assert not STAGE_LINE.search(shown), "on a terminal the bar replaces the stage lines"
    piped = tracker("eval", dataset)
    assert piped.code == 0 and STAGE_LINE.search(piped.err) and "[#" not in piped.err


def test_re_reading_a_whole_story_shows_a_bar_over_its_reports_on_a_terminal_only(tracker, tracker_env) -> None:
    assert tracker("init").code == 0
    assert tracker("open", "--title", "Deal watch", "--slug", "deal").code == 0
    for day in (1, 2, 3):  # kinds given by hand as "other": the reader reads an agreement
        added = tracker(
            "report", "add", "deal", "--headline", f"Meta and Character.AI reach an agreement ({day})",
            "--published", f"2024-06-0{day}T09:00Z", "--kind", "other", "--party", "Meta", "--party", "Character.AI",
        )  # fmt: skip
        assert added.code == 0, added.err
    dry = tracker("reclassify", "deal", "--all", "--dry-run")
    assert "3 reports would change" in dry.out and dry.err == ""
    code, shown = on_terminal(tracker_env, "reclassify", "deal", "--all")
    assert code == 0, shown
    assert re.search(r"re-read\s+\[#+\]\s+3/3\s+100%", shown) and "reports/s" in shown, shown
    assert "3 reports re-read" in shown
    code, again = on_terminal(tracker_env, "reclassify", "deal", "--all", "--json")
    assert code == 0 and "[#" not in again and '"reports": []' in again, again
