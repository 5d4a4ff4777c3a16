"""The peers the ingest workloads run side by side with the tracker, on the
same feeds from the same server: newsboat (`-x reload`, reload-threads 8) and
feed2exec (`fetch --parallel`), each with its own throw-away config, URL list
and cache/database in a temp folder (never the user's own files)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from tracker.bench.measure import Measured, run_measured


@dataclass(frozen=True)
class PeerRun:
    cold: Measured
    warm: Measured
    items_stored: int


class Peer:
    name = ""

    def installed(self) -> bool:
        return shutil.which(self.name) is not None

    def cycle_pair(self, folder: Path, urls: list[str], timeout: float) -> PeerRun:
        """A cold cycle (all new) then a warm one (nothing changed), fresh state."""
        raise NotImplementedError


def _env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }


def _checked(peer: str, measured: Measured) -> Measured:
    if measured.code != 0:
        raise RuntimeError(f"{peer} failed (exit {measured.code}): {measured.err.strip()[-300:]}")
    return measured


class Newsboat(Peer):
    name = "newsboat"

    def cycle_pair(self, folder: Path, urls: list[str], timeout: float) -> PeerRun:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "urls").write_text("\n".join(urls) + "\n")
        (folder / "config").write_text("reload-threads 8\nsuppress-first-reload no\nshow-read-feeds yes\n")
        argv = [
            "newsboat",
            "-x",
            "reload",
            "-u",
            str(folder / "urls"),
            "-c",
            str(folder / "cache.db"),
            "-C",
            str(folder / "config"),
            "-q",
        ]
        env = _env(folder)
        cold = _checked(self.name, run_measured(argv, env=env, cwd=folder, timeout=timeout))
        warm = _checked(self.name, run_measured(argv, env=env, cwd=folder, timeout=timeout))
        with sqlite3.connect(folder / "cache.db") as conn:
            items = conn.execute("select count(*) from rss_item").fetchone()[0]
        return PeerRun(cold, warm, items)


class Feed2exec(Peer):
    name = "feed2exec"

    def cycle_pair(self, folder: Path, urls: list[str], timeout: float) -> PeerRun:
        folder.mkdir(parents=True, exist_ok=True)
        mail = folder / "Mail"
        sections = [
            f"[feed-{n:04d}]\nurl = {url}\noutput = feed2exec.plugins.maildir\nmailbox = {mail}\n"
            for n, url in enumerate(urls)
        ]
        (folder / "feed2exec.ini").write_text("\n".join(sections))
        argv = [
            "feed2exec",
            "--config",
            str(folder / "feed2exec.ini"),
            "--database",
            str(folder / "feed2exec.db"),
            "fetch",
            "--parallel",
        ]
        env = _env(folder)
        cold = _checked(self.name, run_measured(argv, env=env, cwd=folder, timeout=timeout))
        warm = _checked(self.name, run_measured(argv, env=env, cwd=folder, timeout=timeout))
        with sqlite3.connect(folder / "feed2exec.db") as conn:
            items = conn.execute("select count(*) from feedcache").fetchone()[0]
        return PeerRun(cold, warm, items)


PEERS: list[Peer] = [Newsboat(), Feed2exec()]
