"""The feeds page: subscriptions and their health; editors add, remove and poll them now."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from tracker.ingest.service import DuplicateFeed, FeedRejected, UnknownFeed
from tracker.jobs import JobKind, Jobs
from web.access import editor_required
from web.forms import ActionForm, FeedForm
from web.ingestion import ingestion
from web.queries import runtime

bp = Blueprint("feeds", __name__)


def jobs() -> Jobs:
    return Jobs(runtime().engine)


def render_index(form: FeedForm, status: int = 200) -> tuple[str, int]:
    with ingestion() as service:
        feeds = service.list_feeds()
    polls = jobs().latest_by_target(JobKind.POLL_FEED)
    return render_template("feeds/index.html", feeds=feeds, form=form, action=ActionForm(), polls=polls), status


@bp.get("/feeds")
def index() -> tuple[str, int]:
    return render_index(FeedForm())


@bp.post("/feeds")
@editor_required
def add() -> tuple[str, int] | Response:
    form = FeedForm()
    if not form.validate_on_submit():
        return render_index(form, 400)
    interval = form.interval_minutes.data * 60 if form.interval_minutes.data else None
    try:
        with ingestion() as service:
            feed = service.add_feed(
                (form.url.data or "").strip(), name=form.name.data or None, interval=interval, source="web"
            )
    except (FeedRejected, DuplicateFeed) as error:
        form.url.errors = [*form.url.errors, str(error)]
        return render_index(form, 409 if isinstance(error, DuplicateFeed) else 400)
    except ValueError as error:  # the interval, named by the service
        form.interval_minutes.errors = [*form.interval_minutes.errors, str(error).split(": ", 1)[-1]]
        return render_index(form, 400)
    flash(f"Subscribed to {feed.display_name}.", "success")
    return redirect(url_for("feeds.index"))


@bp.post("/feeds/<int:feed_id>/remove")
@editor_required
def remove(feed_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with ingestion() as service:
            feed = service.remove_feed(feed_id)
    except UnknownFeed:
        abort(404, description=f"There is no feed {feed_id}.")
    flash(f"Unsubscribed from {feed.display_name}. Reports it brought stay in their stories.", "info")
    return redirect(url_for("feeds.index"))


@bp.post("/feeds/<int:feed_id>/poll")
@editor_required
def poll(feed_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    """Queues the check for the worker (a fetch can take the whole fetch deadline)."""
    try:
        with ingestion() as service:
            feed = service.feed(feed_id)
    except UnknownFeed:
        abort(404, description=f"There is no feed {feed_id}.")
    jobs().queue(JobKind.POLL_FEED, feed_id, requested_by=g.user.name if g.get("user") else "")
    flash(f"Polling {feed.display_name} now is queued; the result appears here when done.", "info")
    return redirect(url_for("feeds.index"))
