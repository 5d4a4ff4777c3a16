"""Real gunicorn workers and a second writing process on one database.

Every worker catches the read models up after its own command while the
other workers and the writer process do the same. Whatever interleaving
happens, a stored write is answered as a success (never a 500, which would
invite a retry and a duplicate), nothing is lost or doubled, and the views
still match a clean rebuild.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tracker.accounts import Accounts
from tracker.bootstrap import open_runtime
from tracker.config import load_settings

TRACKER = shutil.which("tracker", path=str(Path(sys.executable).parent))
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
SLUG = "load-test"
PASSWORD = "correct horse battery"
CLIENTS = 8
POSTS_PER_CLIENT = 25  # 200 web writes
WRITER_REPORTS = 100  # and 100 from the other process

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timezone
    from tracker.application import ConcurrentEdit
    from tracker.bootstrap import open_runtime
    from tracker.config import load_settings

    runtime = open_runtime(load_settings())
    for n in range(int(sys.argv[1])):
        try:
            runtime.newsroom.add_report(
                sys.argv[2], headline=f"writer {n}", published_at=datetime(2024, 6, 3, tzinfo=timezone.utc),
                kinds=["talks_held"], parties=["Meta"],
            )
        except ConcurrentEdit:
            continue  # not saved
        print(f"writer {n}")
    runtime.close()
    """
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [GUNICORN, "--workers", "4", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "web:create_app()"],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(base + "/login", timeout=5).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"gunicorn did not start: {log.read_text(errors='replace')[-600:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def csrf(client: httpx.Client, url: str) -> str:
    page = client.get(url).text
    marker = 'name="csrf_token" type="hidden" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def post_reports(base: str, number: int) -> list[tuple[str, int]]:
    """Logs in as the editor and posts reports; each headline with the status of its answer."""
    statuses = []
    with httpx.Client(base_url=base, timeout=60) as client:
        login = client.post("/login", data={"name": "edna", "password": PASSWORD, "csrf_token": csrf(client, "/login")})
        assert login.status_code == 302, login.text
        url = f"/stories/{SLUG}/reports/new"
        token = csrf(client, url)
        for n in range(POSTS_PER_CLIENT):
            headline = f"web {number}-{n}"
            answer = client.post(
                url,
                data={
                    "csrf_token": token,
                    "headline": headline,
                    "published_at": "2024-06-03T09:30Z",
                    "kinds": ["talks_held"],
                    "parties": "Meta, Character.AI",
                    "outlet": "Reuters",
                },
            )
            statuses.append((headline, answer.status_code))
    return statuses


def headlines(runtime) -> Counter[str]:
    return Counter(e.payload["headline"] for e in runtime.newsroom.history(SLUG) if e.event_type == "ReportAdded")


def test_gunicorn_workers_and_a_second_writer_answer_every_stored_write_as_a_success(database_url, tmp_path) -> None:
    env = {**os.environ, "TRACKER_DATABASE_URL": database_url, "TRACKER_DATA_DIR": str(tmp_path / "data")}
    runtime = open_runtime(load_settings(env))
    try:
        runtime.newsroom.open_story(title="Load test", slug=SLUG)
        Accounts(runtime.engine).add_user("edna", PASSWORD, "editor")
        server, base = start_gunicorn(env, tmp_path / "gunicorn.log")
        try:
            writer = subprocess.Popen(
                [sys.executable, "-c", WRITER, str(WRITER_REPORTS), SLUG],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            with ThreadPoolExecutor(CLIENTS) as pool:
                answers = [
                    answer for batch in pool.map(lambda n: post_reports(base, n), range(CLIENTS)) for answer in batch
                ]
            written, writer_errors = writer.communicate(timeout=120)
        finally:
            stop(server)
        tally = Counter(status for _, status in answers)
        # 409: the story kept changing for eight attempts and nothing was saved
        assert set(tally) <= {302, 409}, f"{tally}: {(tmp_path / 'gunicorn.log').read_text()[-2000:]}"
        assert tally[302] > tally[409]
        assert writer.returncode == 0, writer_errors
        stored = headlines(runtime)
        web = {h: n for h, n in stored.items() if h.startswith("web ")}
        assert set(web) == {headline for headline, status in answers if status == 302}
        assert set(web.values()) == {1}, "a web write was stored twice"
        assert {h for h in stored if h.startswith("writer ")} == set(written.splitlines())
        assert len(written.splitlines()) > WRITER_REPORTS / 2
    finally:
        runtime.close()
    verified = subprocess.run([TRACKER, "replay", "--verify"], env=env, capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Read models match a clean rebuild." in verified.stdout
