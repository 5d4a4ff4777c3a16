"""What a fetch returns, and the URLs the fetcher accepts."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from urllib.parse import urlsplit

SCHEMES = ("http", "https", "file")
WEB_SCHEMES = ("http", "https")


class FetchStatus(enum.StrEnum):
    OK = "ok"  # a new body to parse
    NOT_MODIFIED = "not_modified"  # HTTP 304
    UNCHANGED = "unchanged"  # same body as last time (hash)
    ERROR = "error"


@dataclass(frozen=True)
class FetchResult:
    status: FetchStatus
    url: str
    http_status: int | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""
    last_modified: str = ""
    body_hash: str = ""
    error: str = ""
    retry_after: float | None = None  # seconds the server asked us to wait
    fresh_for: float | None = None  # seconds the server says the document stays fresh
    elapsed: float = 0.0
    size: int = 0

    @property
    def ok(self) -> bool:
        return self.status is not FetchStatus.ERROR


class BadURL(ValueError):
    """A feed URL the tracker will not fetch; the message says why."""


def check_url(url: str, *, local_files: bool = True) -> str:
    """An absolute http, https (or, with ``local_files``, file) URL, trimmed; raises :class:`BadURL` otherwise."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError as error:
        raise BadURL(f"{url!r} is not a valid URL ({error})") from None
    if not local_files and parts.scheme.lower() not in WEB_SCHEMES:
        shown = parts.scheme or "none"
        raise BadURL(
            f"{url!r}: only http and https feeds can be added here, not {shown!r} "
            "(file: feeds are for the command line)"
        )
    if parts.scheme.lower() not in SCHEMES:
        shown = parts.scheme or "none"
        raise BadURL(f"{url!r}: scheme {shown!r} is not supported (use http, https or file)")
    if parts.scheme.lower() in ("http", "https") and not parts.hostname:
        raise BadURL(f"{url!r} has no host name")
    if parts.scheme.lower() == "file" and not parts.path:
        raise BadURL(f"{url!r} names no file")
    if any(c.isspace() for c in text):
        raise BadURL(f"{url!r} contains white space")
    return text
