"""Reading a file: feed, for an operator who keeps feeds on disk.

Only regular files under ``fetch.file_root`` are read (the web never
subscribes file: URLs at all). The path is resolved (symlinks, ``..``)
before it is compared with the root, so the refusal comes before anything
is opened and says nothing about whether the path exists. The file is then
opened without following a last-moment symlink and without blocking (a FIFO
would otherwise hang), checked with fstat on the open descriptor (no FIFO,
device or directory: /dev/zero is endless) and read up to the size cap,
counted while reading rather than trusted from stat().
"""

from __future__ import annotations

import os
import stat
from urllib.parse import unquote, urlsplit

NO_ROOT = "refused: file: feeds are disabled; set fetch.file_root to the directory that holds them"
READ_CHUNK = 1 << 16


class LocalFileRefused(Exception):
    """The file may not be read, or could not be; the message says why."""


def local_path(url: str, root: str) -> str:
    """The resolved path a file: URL names, if it lies under ``root``; raises LocalFileRefused otherwise."""
    if not root.strip():
        raise LocalFileRefused(NO_ROOT)
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise LocalFileRefused(f"refused: file: URLs name a local file (host {parts.netloc!r} given)")
    base = os.path.realpath(root)
    target = os.path.realpath(unquote(parts.path))
    if os.path.commonpath([base, target]) != base:
        raise LocalFileRefused(f"refused: file: feeds must be under fetch.file_root ({base})")
    return target


def read_local(url: str, root: str, max_bytes: int) -> bytes:
    """The bytes of a regular file under ``root``, at most ``max_bytes``."""
    path = local_path(url, root)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise LocalFileRefused(f"cannot read {path}: {error.strerror or error}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise LocalFileRefused(f"refused: {path} is not a regular file")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(READ_CHUNK, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise LocalFileRefused(f"too large: more than {max_bytes} bytes")
        return b"".join(chunks)
    except OSError as error:
        raise LocalFileRefused(f"cannot read {path}: {error.strerror or error}") from None
    finally:
        os.close(fd)
