"""A story's page: the state of the story, its chart and timeline, time travel, its replay, and what changed since.

The time-travel choice is in the URL (``?as_of=2024-06-01&mode=reported``,
``?version=5``, a replay's ``?step=3``), "as reported" by default. A moment
before the story was opened, as recorded, is no dead end: the page says so
and shows the nearest moment that has a record. The reader's last visits
are remembered in the session so "what changed since" can default to them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from tracker.application import Mode, StoryNotYetOpened, StoryView, UnknownVersion
from tracker.application.changes import story_changes
from tracker.application.replay import UnknownStep
from tracker.domain.errors import InvalidField
from tracker.moments import parse_moment
from web import queries, replay, urls
from web.access import can_edit
from web.replay import Stepping
from web.timetravel import Travel, TravelError, read_travel, typed_values

bp = Blueprint("story", __name__)

PAGE_SIZE = 50
VISITS_KEPT = 40
DEFAULT_LOOKBACK = timedelta(days=7)
#: Where a cached page's forms take the reader's CSRF token (user text is
#: escaped, so only a template can write this element).
CSRF_SLOT = "<csrf-slot></csrf-slot>"


def page_of(items: tuple[Any, ...], page: int, size: int = PAGE_SIZE) -> tuple[list[Any], int, int]:
    pages = max(1, -(-len(items) // size))
    page = min(max(1, page), pages)
    return list(items[(page - 1) * size : page * size]), page, pages


def page_number(name: str = "page") -> int:
    return urls.page_number(request.args.get(name))


def remember_visit(slug: str, version: int) -> dict[str, Any] | None:
    """Records this visit; returns the earlier one (version and time) when the story changed since."""
    visits: dict[str, Any] = dict(session.get("visits", {}))
    mine = visits.get(slug)
    now = datetime.now(UTC).isoformat()
    earlier = None
    if mine and mine.get("v") != version:
        earlier = {"v": mine["v"], "at": mine["at"]}
        visits[slug] = {"v": version, "at": now, "pv": mine["v"], "pat": mine["at"]}
    elif mine:
        visits[slug] = {**mine, "at": now}
    else:
        visits[slug] = {"v": version, "at": now}
    if len(visits) > VISITS_KEPT:
        oldest = sorted(visits, key=lambda name: visits[name]["at"])[: len(visits) - VISITS_KEPT]
        for name in oldest:
            visits.pop(name)
    session["visits"] = visits
    return earlier


def travel_view(slug: str, travel: Travel, latest: int | None = None) -> StoryView:
    """The story where ``travel`` points; with ``latest`` only that many of its newest reports
    (a replay step holds its whole timeline: it is folded from every report anyway)."""
    if travel.step is not None:
        try:
            return replay.at_step(slug, travel.step)[0]
        except UnknownStep as error:
            raise TravelError("step", str(error)) from None
    if travel.version is not None:
        return queries.story_at_version(slug, travel.version, latest=latest)
    if travel.as_of is not None:
        return queries.story_as_of(slug, travel.as_of, travel.mode, latest=latest)
    return queries.story(slug, latest=latest)


@bp.get("/stories/<slug>")
def show(slug: str) -> tuple[str, int]:
    """The story page. Its reader-independent parts are rendered once per
    story version, URL and editing right (see queries.rendered); the visit
    banner and the page frame are the reader's own."""
    key = ("story.show", request.full_path, can_edit())
    (title, top, body, status, travel_now), version = queries.rendered(slug, key, lambda: _render_story(slug))
    earlier = remember_visit(slug, version) if travel_now and status == 200 else None
    body = with_csrf(body)
    return render_template(
        "story/show.html", title=title, slug=slug, version=version, top=top, body=body, earlier=earlier
    ), status


def with_csrf(markup: Markup) -> Markup:
    """The cached ``markup`` with this reader's CSRF token in its forms."""
    if CSRF_SLOT not in markup:
        return markup
    field = Markup('<input name="csrf_token" type="hidden" value="{}">').format(escape(generate_csrf()))
    return Markup(str(markup).replace(CSRF_SLOT, str(field)))


def _render_story(slug: str) -> tuple[str, Markup, Markup, int, bool]:
    status = 200
    problem = notice = None
    stepping: Stepping | None = None
    order = "oldest" if request.args.get("order") == "oldest" else "newest"
    page = page_number()
    latest = page * PAGE_SIZE if order == "newest" else None
    try:
        travel = read_travel(request.args, default_mode=Mode.REPORTED)
        if travel.step is not None:
            view, stepping = replay.at_step(slug, travel.step)
        else:
            view = travel_view(slug, travel, latest=latest)
    except TravelError as error:
        travel, problem, status = Travel(), error, 400
        view = queries.story(slug, latest=page * PAGE_SIZE)
    except (UnknownVersion, UnknownStep) as error:
        problem = TravelError("version" if isinstance(error, UnknownVersion) else "step", str(error))
        travel, status = Travel(), 404
        view = queries.story(slug, latest=page * PAGE_SIZE)
    except StoryNotYetOpened:
        travel, view, notice = _nearest_recorded(slug, travel, latest)
    reports = view.reports if order == "oldest" else tuple(reversed(view.reports))
    shown, page, pages = page_of(reports, page)
    if not view.timeline_complete and page == pages:
        pages += 1  # older reports exist beyond what was loaded
    context = {
        "view": view,
        "travel": travel,
        "typed": typed_values(request.args),
        "problem": problem,
        "notice": notice,
        "stepping": stepping,
        "reports": shown,
        "page": page,
        "pages": pages,
        "order": order,
        "chart": queries.chart_of(view),
        "shown_ids": {r.report_id for r in shown},
        "modes": list(Mode),
    }
    top = Markup(render_template("story/_top.html", **context))
    body = Markup(render_template("story/_body.html", **context))
    return view.title, top, body, status, travel.now


def _nearest_recorded(slug: str, asked: Travel, latest: int | None) -> tuple[Travel, StoryView, dict[str, Any]]:
    """A moment (as recorded) before the story was opened: the story as recorded at its
    opening, the nearest moment that has a record, and a notice saying so."""
    opened = queries.story(slug, latest=1).opened_at
    travel = Travel(as_of=opened, as_of_text=opened.isoformat(timespec="seconds"), mode=Mode.RECORDED)
    try:
        view = queries.story_as_of(slug, opened, Mode.RECORDED, latest=latest)
    except StoryNotYetOpened:  # the opening's own record is a little after the story's opening time
        travel, view = Travel(version=1), queries.story_at_version(slug, 1, latest=latest)
    notice = {"asked": asked, "opened": opened}
    return travel, view, notice


@bp.get("/stories/<slug>/reports/<report_id>")
def report_link(slug: str, report_id: str) -> Response:
    """A report's card on the timeline page that holds it (newest first), in
    the same moment or version: the state's links to reports not on the page shown."""
    try:
        travel = read_travel(request.args, default_mode=Mode.REPORTED)
        view = travel_view(slug, travel)
    except (TravelError, StoryNotYetOpened, UnknownVersion, UnknownStep):
        travel, view = Travel(), queries.story(slug)
    ids = [r.report_id for r in reversed(view.reports)]
    if report_id not in ids:
        abort(404, description=f"Story {slug!r} has no report {report_id!r} to show.")
    page = ids.index(report_id) // PAGE_SIZE + 1
    args: dict[str, Any] = {**travel.params(), "page": page if page > 1 else None}
    target = url_for("story.show", slug=slug, _anchor=f"report-{report_id}", **args)
    return redirect(target)


@bp.get("/stories/<slug>/changes")
def changes(slug: str) -> tuple[str, int]:
    """What changed since a moment (``since``, by publication time unless
    ``by=recorded``), a version (``since_version``) or, by default, the last visit."""
    after, story_replay = replay.story_replay(slug)
    visit = session.get("visits", {}).get(slug, {})
    since_text = (request.args.get("since") or "").strip()
    version_text = (request.args.get("since_version") or "").strip()
    by = (request.args.get("by") or "").strip().lower() or Mode.REPORTED.value
    form = {"since": since_text[:100], "by": by if by in {m.value for m in Mode} else Mode.REPORTED.value}
    before: StoryView | None = None
    published_since = None
    basis: str
    try:
        if by not in {m.value for m in Mode}:
            raise InvalidField("by", f"{by[:40]!r} is not a way to count time; use reported or recorded")
        if since_text:
            moment = parse_moment(since_text, "since")
            if by == Mode.REPORTED.value:
                published_since, basis = moment, f"published since {since_text}"
            else:
                basis = f"recorded by the desk since {since_text}"
            before = _as_of_or_none(slug, moment, Mode(by))
        elif version_text:
            since_version = urls.whole_number(version_text)
            if since_version is None or not 1 <= since_version <= after.version:
                raise InvalidField(
                    "since_version", f"{version_text[:40]!r} is not a version of this story (1 to {after.version})"
                )
            before = queries.story_at_version(slug, since_version)
            basis = f"recorded since version {since_version}"
        elif visit.get("pv"):
            before = queries.story_at_version(slug, visit["pv"])
            basis = "recorded since your last visit"
        else:
            moment = datetime.now(UTC) - DEFAULT_LOOKBACK
            basis = "recorded in the last 7 days (no earlier visit of yours is known)"
            before = _as_of_or_none(slug, moment, Mode.RECORDED)
    except InvalidField as error:
        problem = TravelError(error.field, error.problem)
        return render_template(
            "story/changes.html", view=after, diff=None, basis="", problem=problem, form=form, visit=visit
        ), 400
    diff = story_changes(before, after, published_since=published_since, story_replay=story_replay)
    return render_template(
        "story/changes.html", view=after, diff=diff, basis=basis, problem=None, form=form, visit=visit
    ), 200


def _as_of_or_none(slug: str, moment: datetime, mode: Mode) -> StoryView | None:
    """The story as of ``moment``; None when it had not been opened (everything is then new)."""
    try:
        return queries.story_as_of(slug, moment, mode)
    except StoryNotYetOpened:
        return None
