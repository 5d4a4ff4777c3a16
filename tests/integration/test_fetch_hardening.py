"""The fetcher against what an attacker would try: local files, internal addresses, slow headers."""

from __future__ import annotations

import dataclasses
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker.config import load_settings
from tracker.ingest.fetcher import Fetcher, FetchStatus, is_public_address
from tracker.ingest.localfile import NO_ROOT

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
RSS = (FIXTURES / "wire-rss2.xml").read_bytes()
TRICKLE_EVERY = 0.5
HEADER = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Padding: " + b"p" * 40 + b"\r\n\r\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "wire.xml").write_bytes(RSS)
    return folder


@pytest.fixture
def fetcher(tmp_path: Path, root: Path) -> Iterator[Fetcher]:
    base = load_settings({"TRACKER_DATA_DIR": str(tmp_path / "data")})
    settings = dataclasses.replace(
        base,
        fetch_file_root=str(root),
        fetch_timeout_seconds=1.0,
        fetch_max_bytes=64 * 1024,
        fetch_allow_private_addresses=True,
    )
    with Fetcher(settings) as client:
        yield client


def test_a_file_under_the_root_is_read(fetcher: Fetcher, root: Path) -> None:
    assert fetcher.fetch((root / "wire.xml").as_uri()).body == RSS


def test_files_outside_the_root_are_refused_alike_whether_they_exist_or_not(fetcher: Fetcher, root: Path) -> None:
    existing = fetcher.fetch("file:///etc/passwd").error
    missing = fetcher.fetch("file:///etc/no-such-file-here").error
    assert existing == missing == f"refused: file: feeds must be under fetch.file_root ({root.resolve()})"


def test_dot_dot_and_symlinks_out_of_the_root_are_refused(fetcher: Fetcher, root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(RSS)
    (root / "link.xml").symlink_to(secret)
    (root / "zero").symlink_to("/dev/zero")
    for url in (f"file://{root}/../secret.xml", (root / "link.xml").as_uri(), (root / "zero").as_uri()):
        result = fetcher.fetch(url)
        assert result.status is FetchStatus.ERROR and result.error.startswith("refused: file: feeds must be under")


def test_a_fifo_or_a_directory_under_the_root_is_refused_without_hanging(fetcher: Fetcher, root: Path) -> None:
    os.mkfifo(root / "pipe")
    (root / "folder").mkdir()
    assert fetcher.fetch((root / "pipe").as_uri()).error == f"refused: {root.resolve() / 'pipe'} is not a regular file"
    assert fetcher.fetch((root / "folder").as_uri()).error.endswith("is not a regular file")


def test_without_a_file_root_every_file_url_is_refused_with_how_to_allow_it(tmp_path: Path) -> None:
    path = tmp_path / "wire.xml"
    path.write_bytes(RSS)
    with Fetcher(load_settings({"TRACKER_DATA_DIR": str(tmp_path / "data")})) as fetcher:
        assert fetcher.fetch(path.as_uri()).error == NO_ROOT
    assert "fetch.file_root" in NO_ROOT


def test_a_file_growing_past_the_cap_is_cut_while_reading(fetcher: Fetcher, root: Path) -> None:
    (root / "big.xml").write_bytes(b"x" * (64 * 1024 + 1))
    assert fetcher.fetch((root / "big.xml").as_uri()).error == f"too large: more than {64 * 1024} bytes"


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::7f00:1",
        "64:ff9b::a00:1",
        "64:ff9b:1::808:808",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "::",
        "2002:7f00:1::1",
        "2002:a9fe:a9fe::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "0.1.2.3",
        "100.64.0.1",
        "224.0.0.251",
        "239.255.255.250",
        "ff02::1",
        "240.0.0.1",
        "255.255.255.255",
        "198.18.0.1",
        "fec0::1",
    ],
)
def test_translated_and_special_forms_of_private_addresses_are_refused(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "64:ff9b::808:808", "2002:808:808::1", "2606:4700::1111"])
def test_translated_forms_of_public_addresses_stay_public(address: str) -> None:
    assert is_public_address(address)


def test_the_refusal_does_not_name_the_internal_address(tmp_path: Path) -> None:
    with Fetcher(load_settings({"TRACKER_DATA_DIR": str(tmp_path)})) as fetcher:
        error = fetcher.fetch("http://localhost:9/feed").error
    assert (
        error
        == "refused: the host resolves to a private or local address; set fetch.allow_private_addresses to allow it"
    )


class TricklingServer:
    """A raw loopback socket server that sends its response headers one byte at a time."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            for byte in HEADER:
                if self.stop.wait(TRICKLE_EVERY):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
            conn.sendall(RSS)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


def test_a_server_trickling_its_headers_is_cut_off_at_the_fetch_deadline(fetcher: Fetcher) -> None:
    server = TricklingServer()
    try:
        started = time.monotonic()
        result = fetcher.fetch(f"http://127.0.0.1:{server.port}/feed.xml")
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert result.status is FetchStatus.ERROR
    assert result.error == "timeout: the request took longer than 1 s; aborted"
    assert elapsed < len(HEADER) * TRICKLE_EVERY / 2  # the trickle alone would take 45 s
