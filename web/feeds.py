"""The feeds page: subscriptions, their health, add/remove and "poll now" (built on tracker.ingest)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("feeds", __name__)
