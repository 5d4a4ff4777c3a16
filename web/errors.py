"""Error pages in the site's style (JSON for the API), and domain errors mapped to HTTP.

An unknown story or version is a 404 wherever it is raised, so views need
no try/except for it. Every request watches the Newsroom's saves: a command
whose events are stored answers success even when the read models could not
show it yet (:func:`flash_saved`), and an error page says whether anything
was stored, so nobody retries a write that was kept (a duplicate) or
trusts one that was not. A database that is full or unreachable before
anything was stored is a 503 saying so.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound
from werkzeug.wrappers import Response

from tracker.application import UnknownStory, UnknownVersion
from tracker.application.newsroom import Newsroom, SaveWatch
from tracker.bootstrap import Runtime
from tracker.domain.errors import UnknownReport
from tracker.persistence import DatabaseUnavailable
from tracker.readmodels.poison import TRANSIENT, reason_of
from tracker.readmodels.projector import EventNotProjected
from web.filters import sentence

bp = Blueprint("errors", __name__)

TITLES = {
    400: "That request could not be understood",
    401: "Please sign in",
    403: "You may not do that",
    404: "Not found",
    405: "Not allowed here",
    409: "Someone else changed this first",
    413: "That is too large",
    500: "Something went wrong on our side",
    503: "The database is full or unavailable",
}

SAVED_NOT_SHOWN = "Saved; the page will show it in a moment."


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, message: str) -> tuple[Response | str, int]:
    if wants_json():
        return jsonify({"error": message, "status": code}), code
    return render_template("errors/error.html", code=code, title=TITLES.get(code, "Error"), message=message), code


def _newsroom() -> Newsroom:
    runtime: Runtime = current_app.extensions["tracker.runtime"]
    return runtime.newsroom


@bp.before_app_request
def watch_saves() -> None:
    g.saves = _newsroom().watch_saves()


@bp.teardown_app_request
def unwatch_saves(_error: BaseException | None) -> None:
    if g.get("saves") is not None:
        _newsroom().unwatch_saves()


def saves() -> SaveWatch:
    return g.get("saves") or SaveWatch()


def flash_saved(message: str) -> bool:
    """After a command: flashes ``message`` when the read models show it,
    else that it is saved and will show (or why its story's pages cannot);
    True when they show it, so the caller can redirect to a page that
    already has it."""
    g.save_reported = True
    behind = saves().not_shown
    if behind is None:
        flash(message, "success")
        return True
    if isinstance(behind, EventNotProjected):
        flash(f"Saved, but this story's pages cannot show it: {behind}.", "error")
    else:
        flash(SAVED_NOT_SHOWN, "info")
    return False


@bp.after_app_request
def saved_not_shown(response: Response) -> Response:
    """A redirect after a stored command whose view did not say so itself."""
    if saves().not_shown is not None and not g.get("save_reported") and 300 <= response.status_code < 400:
        flash_saved("")
    return response


@bp.app_errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> tuple[Response | str, int]:
    return render_error(
        400, "The form was missing its security token or it had expired. Go back, reload the page and try again."
    )


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[Response | str, int] | HTTPException:
    if error.code is None or error.code < 400:
        return error
    return render_error(error.code, error.description or TITLES.get(error.code, "Error"))


@bp.app_errorhandler(UnknownStory)
@bp.app_errorhandler(UnknownVersion)
@bp.app_errorhandler(UnknownReport)
def unknown(error: LookupError) -> tuple[Response | str, int]:
    return render_error(NotFound.code, sentence(error) + ".")


def unavailable(error: Exception) -> tuple[Response | str, int]:
    """The database is full, locked or unreachable: 503, saying whether
    anything this request sent was stored before it failed."""
    current_app.logger.warning("database unavailable on %s %s", request.method, request.path, exc_info=error)
    reason = reason_of(error).split(": ", 1)[-1].rstrip(".")
    if saves().stored is not None:
        message = (
            f"The database failed part-way ({reason}): some of what you sent was saved. "
            "Reload the story to see what was before sending anything again."
        )
    elif request.method in ("GET", "HEAD"):
        message = f"The database is full or unavailable ({reason}). Try again in a moment."
    else:
        message = f"The database is full or unavailable ({reason}): nothing you sent was saved. Try again in a moment."
    return render_error(503, message)


for _transient in (*(t for t in TRANSIENT if not issubclass(t, MemoryError)), DatabaseUnavailable):
    bp.app_errorhandler(_transient)(unavailable)


@bp.app_errorhandler(InternalServerError)
def internal(error: InternalServerError) -> tuple[Response | str, int]:
    if saves().stored is not None:
        return render_error(
            500,
            "Your change was saved, but the page could not be shown. Reload it rather than sending the change again.",
        )
    return render_error(500, "The error has been logged. Nothing you sent was half-saved: try again in a moment.")
