"""Template helpers: dates, kind labels and what every page needs to know (the user)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, request, url_for

from tracker.domain.threads import describe_matter
from tracker.domain.vocabulary import KIND_LABELS, Kind
from web.access import can_admin, can_edit


def sentence(value: object) -> str:
    """A message as a sentence: first letter upper-case, the rest (names, quotes) untouched."""
    text = str(value).strip()
    return text[:1].upper() + text[1:]


def day(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return f"{moment.day} {moment.strftime('%b %Y')}"


def stamp(moment: datetime | None) -> str:
    """A moment in UTC, to the minute: '25 May 2024, 14:30 UTC'."""
    if moment is None:
        return "—"
    utc = moment.astimezone(UTC)
    return f"{utc.day} {utc.strftime('%b %Y, %H:%M')} UTC"


def iso(moment: datetime | None) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else ""


def kind_label(kind: Kind | str) -> str:
    try:
        return KIND_LABELS[Kind(kind)]
    except ValueError:
        return str(kind)


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)


def url_with(**changes: Any) -> str:
    """The current page's URL with some query parameters replaced (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = str(value)
    return url_for(request.endpoint or "stories.index", **(request.view_args or {}), **args)  # type: ignore[arg-type]


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        day=day, stamp=stamp, iso=iso, kind_label=kind_label, pretty_json=pretty_json, matter=describe_matter
    )
    app.jinja_env.globals.update(url_with=url_with, kinds=list(Kind))
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def who() -> dict[str, Any]:
        return {
            "current_user": g.get("user"),
            "can_edit": can_edit(),
            "can_admin": can_admin(),
            "url_rules": app.view_functions,
        }
