"""The suggestions inbox of a story: weaker feed matches to accept or reject (built on tracker.ingest)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("suggestions", __name__)
