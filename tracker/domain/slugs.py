"""A story's slug: its address and, through Story.create_id, its identity."""

from __future__ import annotations

import re

from tracker.domain.errors import InvalidField

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def clean_slug(value: str) -> str:
    slug = (value or "").strip()
    if not _SLUG.fullmatch(slug) or len(slug) > 120:
        raise InvalidField("slug", f"{value!r} must be lower-case letters, digits and single hyphens (max 120)")
    return slug


def slugify(title: str) -> str:
    """A slug proposal from a title: 'Meta & xAI court Character.AI' -> 'meta-xai-court-character-ai'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:120].strip("-")
