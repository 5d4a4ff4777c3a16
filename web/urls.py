"""What a URL may hold before a view sees it.

A path segment or query value that cannot name anything is answered 404 or
400 here, so no view (and no SQL statement: PostgreSQL refuses NUL in text,
SQLite's integers overflow past 2**63) ever sees it.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, abort

from tracker.domain.errors import InvalidField
from web.errors import render_error

#: A story slug as the domain makes them (tracker.domain.story.clean_slug).
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 120
#: Ids of reports, suggestions and feeds: printable, and short.
_ID = re.compile(r"[\x21-\x7e]{1,200}")
#: Whole numbers as people type them: ASCII digits only (str.isdigit also
#: takes '²' and '٣', which int() then refuses), and few enough to fit 64 bits.
_WHOLE = re.compile(r"[0-9]{1,18}")
#: The highest page number any listing accepts.
MAX_PAGE = 100_000


def whole_number(text: str | None) -> int | None:
    """The value of ASCII digits (at most 18), or None for anything else."""
    text = (text or "").strip()
    return int(text) if _WHOLE.fullmatch(text) else None


def page_number(text: str | None) -> int:
    """A listing's page: 1 unless a whole number from 1 is given, capped at :data:`MAX_PAGE`."""
    number = whole_number(text)
    return min(number, MAX_PAGE) if number else 1


def _check_path(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if not values:
        return
    slug = values.get("slug")
    if slug is not None and (len(slug) > MAX_SLUG or not _SLUG.fullmatch(slug)):
        abort(
            404,
            description=f"There is no story at {slug[:60]!r}: a story's address is lower-case letters, digits and single hyphens.",
        )
    for name, value in values.items():
        if name != "slug" and isinstance(value, str) and not _ID.fullmatch(value):
            abort(404, description=f"There is no such {name.replace('_', ' ')}.")


def _invalid_field(error: InvalidField) -> Any:
    """A value a view did not catch (a query argument, say) is the client's mistake, not ours."""
    return render_error(400, f"{error.field}: {error.problem}")


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(_check_path)
    app.register_error_handler(InvalidField, _invalid_field)
