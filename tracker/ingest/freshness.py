"""What a server's response headers say about the next check: Retry-After, Cache-Control, Expires."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime


def retry_after(value: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def freshness(headers: dict[str, str]) -> float | None:
    control = headers.get("cache-control", "").lower()
    for part in control.split(","):
        name, _, value = part.strip().partition("=")
        if name in ("max-age", "s-maxage") and value.strip().strip('"').isdigit():
            return float(value.strip().strip('"'))
    expires = headers.get("expires", "").strip()
    if expires:
        try:
            moment = email.utils.parsedate_to_datetime(expires)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return max(0.0, (moment - datetime.now(UTC)).total_seconds())
    return None
