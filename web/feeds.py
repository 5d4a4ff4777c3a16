"""The feeds page: subscriptions and their health; editors add, remove (after
a confirmation, restorable), restore, poll now and import/export OPML."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired

from tracker.ingest.opml import MAX_OPML_BYTES, OpmlRefused
from tracker.ingest.opml_import import import_outlines
from tracker.ingest.service import DuplicateFeed, FeedRejected, FeedView, UnknownFeed
from tracker.ingest.subscriptions import Subscriptions, UnknownRemoval
from tracker.jobs import JobKind, Jobs
from web.access import editor_required
from web.feed_display import feed_rows
from web.filters import sentence
from web.forms import ActionForm, FeedForm
from web.ingestion import ingestion
from web.queries import runtime

bp = Blueprint("feeds", __name__)

URL_HELP = (
    "The http(s) address of an RSS or Atom feed; it is fetched once to check it. "
    "Feeds kept on the server's disk (file: addresses under fetch.file_root) are added by an operator "
    "with the command tracker feed add, which also takes intervals in seconds."
)


class SubscribeForm(FeedForm):
    url = StringField(
        "Feed address",
        validators=[DataRequired(message="Enter the address of an RSS or Atom feed.")],
        description=URL_HELP,
    )


class OpmlForm(FlaskForm):  # type: ignore[misc]
    opml = FileField(
        "OPML file",
        description=f"A subscription list (.opml) of at most {MAX_OPML_BYTES // 1024} KiB; its feeds are checked by the poller.",
    )


def jobs() -> Jobs:
    return Jobs(runtime().engine)


def subscriptions() -> Subscriptions:
    return Subscriptions(runtime().engine)


def by() -> str:
    return g.user.name if g.get("user") else ""


def render_index(form: FeedForm | None = None, status: int = 200, opml: OpmlForm | None = None) -> tuple[str, int]:
    with ingestion() as service:
        feeds = service.list_feeds()
        stored = {f.id: f.interval_seconds for f in service.store.list_feeds()}
    polls = jobs().latest_by_target(JobKind.POLL_FEED)
    return render_template(
        "feeds/index.html",
        feeds=feed_rows(feeds, runtime().settings, stored),
        form=form or SubscribeForm(),
        opml_form=opml or OpmlForm(),
        action=ActionForm(),
        polls=polls,
        removed=subscriptions().recent(),
    ), status


def known_feed(feed_id: int) -> tuple[FeedView, int | None]:
    """The feed and its interval as subscribed; 404 when there is none."""
    try:
        with ingestion() as service:
            return service.feed(feed_id), service.store.feed(feed_id).interval_seconds
    except UnknownFeed:
        abort(404, description=f"There is no feed {feed_id}; perhaps it was removed already.")


@bp.get("/feeds")
def index() -> tuple[str, int]:
    return render_index()


@bp.post("/feeds")
@editor_required
def add() -> tuple[str, int] | Response:
    form = SubscribeForm()
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
    subscriptions().mark_checked(feed.id)  # subscribing fetched it: that was its first check
    flash(f"Subscribed to {feed.display_name}.", "success")
    return redirect(url_for("feeds.index", _anchor=f"feed-{feed.id}"))


@bp.get("/feeds/<int:feed_id>/remove")
@editor_required
def confirm_remove(feed_id: int) -> str:
    """The confirmation step: what removing does, and a button that does it."""
    feed, interval = known_feed(feed_id)
    row = feed_rows([feed], runtime().settings, {feed_id: interval})[0]
    return render_template("feeds/remove.html", row=row, action=ActionForm())


@bp.post("/feeds/<int:feed_id>/remove")
@editor_required
def remove(feed_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400, description="The form had expired; confirm the removal again.")
    try:
        removed = subscriptions().remove(feed_id, by())
    except UnknownFeed:
        abort(404, description=f"There is no feed {feed_id}; perhaps it was removed already.")
    flash(
        f"Unsubscribed from {removed.display_name}. Reports it brought stay in their stories; "
        "it can be restored under “Recently removed”.",
        "info",
    )
    return redirect(url_for("feeds.index", _anchor="removed"))


@bp.post("/feeds/removed/<int:removal_id>/restore")
@editor_required
def restore(removal_id: int) -> tuple[str, int] | Response:
    if not ActionForm().validate_on_submit():
        abort(400, description="The form had expired; restore the feed again.")
    try:
        feed = subscriptions().restore(removal_id, by())
    except UnknownRemoval as error:
        abort(404, description=sentence(str(error)) + ".")
    except DuplicateFeed as error:
        abort(409, description=f"Not restored: {error}.")
    flash(f"Restored {feed.display_name}; the poller checks it again now.", "success")
    return redirect(url_for("feeds.index", _anchor=f"feed-{feed.id}"))


@bp.get("/feeds/export.opml")
def export() -> Response:
    with ingestion() as service:
        text = service.export_opml()
    return Response(
        text,
        mimetype="text/x-opml",
        headers={"Content-Disposition": 'attachment; filename="tracker-feeds.opml"'},
    )


@bp.post("/feeds/import")
@editor_required
def import_opml() -> tuple[str, int] | Response:
    """Subscribes to an uploaded list's feeds without fetching them (the poller checks them)."""
    form = OpmlForm()
    if not form.validate_on_submit():
        return render_index(opml=form, status=400)
    upload = form.opml.data
    data = upload.stream.read(MAX_OPML_BYTES + 1) if upload else b""
    if not data:
        form.opml.errors = ["Choose an OPML file to import."]
        return render_index(opml=form, status=400)
    try:  # http(s) only, so no outline can name a server file; nothing fetched in the request
        result = import_outlines(runtime().engine, data, local_files=False)
    except OpmlRefused as error:
        form.opml.errors = [sentence(str(error).removeprefix("OPML: ")) + "."]
        return render_index(opml=form, status=400)
    added, skipped, refused = len(result.added), len(result.skipped), len(result.invalid)
    if not (added or skipped or refused):
        form.opml.errors = ["That OPML file lists no feeds (no outline has an xmlUrl)."]
        return render_index(opml=form, status=400)
    flash(
        f"Imported {added} feed{'' if added == 1 else 's'}; {skipped} already subscribed; {refused} refused.",
        "success" if added else "info",
    )
    for line in result.invalid[:10]:
        flash(f"Refused: {line}", "error")
    return redirect(url_for("feeds.index"))


@bp.post("/feeds/<int:feed_id>/poll")
@editor_required
def poll(feed_id: int) -> Response:
    """Queues the check for the worker (a fetch can take the whole fetch deadline)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    feed, _ = known_feed(feed_id)
    jobs().queue(JobKind.POLL_FEED, feed_id, requested_by=by())
    flash(f"Polling {feed.display_name} now is queued; the result appears here when done.", "info")
    return redirect(url_for("feeds.index"))
