"""The ``[[feeds]]`` of the configuration, checked before they are subscribed."""

from __future__ import annotations

from typing import Any

from tracker.config import ConfigError, Settings
from tracker.ingest.feeds import check_interval
from tracker.ingest.fetcher import BadURL, check_url


def feeds_from_config(settings: Settings) -> list[dict[str, Any]]:
    """The ``[[feeds]]`` of the configuration, checked: url, optional name and interval_seconds."""
    checked = []
    for index, entry in enumerate(settings.feeds):
        unknown = set(entry) - {"url", "name", "interval_seconds", "interval"}
        if unknown:
            raise ConfigError(f"feeds[{index}]: unknown key(s) {', '.join(sorted(unknown))}")
        try:
            url = check_url(entry["url"])
        except BadURL as error:
            raise ConfigError(f"feeds[{index}].url: {error}") from None
        interval = entry.get("interval_seconds", entry.get("interval"))
        if interval is not None:
            try:
                check_interval(interval, settings, f"feeds[{index}].interval_seconds")
            except ValueError as error:
                raise ConfigError(str(error)) from None
        name = entry.get("name", "")
        if not isinstance(name, str):
            raise ConfigError(f"feeds[{index}].name: expected text")
        checked.append({"url": url, "name": name.strip(), "interval": interval})
    return checked
