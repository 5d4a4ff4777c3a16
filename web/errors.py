"""Error pages in the site's style (JSON for the API), and domain errors mapped to HTTP.

An unknown story or version is a 404 wherever it is raised, so views need
no try/except for it.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound
from werkzeug.wrappers import Response

from tracker.application import UnknownStory, UnknownVersion
from tracker.domain.errors import UnknownReport
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
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, message: str) -> tuple[Response | str, int]:
    if wants_json():
        return jsonify({"error": message, "status": code}), code
    return render_template("errors/error.html", code=code, title=TITLES.get(code, "Error"), message=message), code


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


@bp.app_errorhandler(InternalServerError)
def internal(error: InternalServerError) -> tuple[Response | str, int]:
    return render_error(500, "The error has been logged. Nothing you sent was half-saved: try again in a moment.")
