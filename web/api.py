"""Subscribing to a story: the JSON API and an Atom feed of its developments.

JSON bodies are the application's frozen dataclasses through ``to_jsonable``
(a story's state and reports shaped by story_json.py);
errors are JSON too (see errors.py).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for

from tracker.application import StoryNotYetOpened, to_jsonable
from tracker.application.views import StorySummary
from web import queries, urls
from web.story import travel_view
from web.story_json import story_json
from web.timetravel import TravelError, read_travel

bp = Blueprint("api", __name__)

FEED_ENTRIES = 50
MAX_EVENTS_PAGE = 1000
DEFAULT_TIMELINE = 50
MAX_TIMELINE = 10_000


def summary_json(summary: StorySummary) -> dict[str, object]:
    data = to_jsonable(summary)
    data["links"] = {
        "self": url_for("api.story", slug=summary.slug, _external=True),
        "html": url_for("story.show", slug=summary.slug, _external=True),
        "events": url_for("api.events", slug=summary.slug, _external=True),
        "atom": url_for("api.atom", slug=summary.slug, _external=True),
    }
    return data  # type: ignore[no-any-return]


@bp.get("/api/stories")
def stories() -> Response:
    return jsonify({"stories": [summary_json(s) for s in queries.stories()]})


@bp.get("/api/stories/<slug>")
def story(slug: str) -> Response:
    """The story now or as of ``as_of``/``mode`` or ``version``; the timeline
    holds the newest ``limit`` reports (``timeline_complete`` says whether that is all).
    The body is kept per story version (queries.rendered) and carries an ETag,
    so a client polling with If-None-Match gets 304 until the story changes."""
    limit = number_arg("limit", DEFAULT_TIMELINE, low=0, high=MAX_TIMELINE)

    def build() -> tuple[bytes, str]:
        try:
            view = travel_view(slug, read_travel(request.args), latest=limit)
        except TravelError as error:
            abort(400, description=str(error))
        except StoryNotYetOpened as error:
            abort(404, description=str(error))
        body = current_app.json.dumps(story_json(view)).encode("utf-8")
        return body, hashlib.sha1(body, usedforsecurity=False).hexdigest()

    (body, etag), _version = queries.rendered(slug, ("api.story", request.full_path), build)
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.make_conditional(request)  # changes the response in place (a 304 when the ETag matches)
    return response


@bp.get("/api/stories/<slug>/events")
def events(slug: str) -> Response:
    """Stored events oldest first; ``?after=VERSION&limit=N`` pages through long stories."""
    after = number_arg("after", 0, low=0, high=2**31)
    limit = number_arg("limit", MAX_EVENTS_PAGE, low=1, high=MAX_EVENTS_PAGE)
    entries = list(queries.history(slug, after_version=after, limit=limit + 1))
    page = entries[:limit]
    body: dict[str, object] = {"slug": slug, "events": to_jsonable(page)}
    if len(entries) > limit:
        body["next"] = url_for("api.events", slug=slug, after=page[-1].version, limit=limit, _external=True)
    return jsonify(body)


def number_arg(name: str, default: int, *, low: int, high: int) -> int:
    text = request.args.get(name, "").strip()
    if not text:
        return default
    number = urls.whole_number(text)
    if number is None or not low <= number <= high:
        abort(400, description=f"{name}: {text[:40]!r} is not a number from {low} to {high}")
    return number


@bp.get("/stories/<slug>/feed.atom")
def atom(slug: str) -> Response:
    view = queries.story(slug, latest=FEED_ENTRIES)
    entries = sorted(view.reports, key=lambda r: (r.published_at, r.sequence), reverse=True)[:FEED_ENTRIES]
    updated: datetime = view.updated_at
    body = render_template("api/atom.xml", view=view, entries=entries, updated=updated)
    return Response(body, mimetype="application/atom+xml")
