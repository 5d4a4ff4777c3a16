"""Signing in and out, and where a sign-in may send the browser next.

Sessions are signed cookies checked against the database on every request
(see web.access); failed sign-ins are rate-limited by web.login_limits.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.access import accounts, end_session, load_user, require_login_for_reading, start_session
from web.forms import LoginForm

bp = Blueprint("auth", __name__)
bp.before_app_request(load_user)
bp.before_app_request(require_login_for_reading)

#: Longer ``next`` values are refused: no page of ours needs one.
MAX_NEXT = 2048
#: A value still changing after this many percent-decodings is refused.
DECODINGS = 3
WRONG = "Unknown name or wrong password."


def same_site_path(target: str | None) -> str | None:
    """``target`` when every reading of it is a path on this site; None otherwise.

    Browsers drop tabs and newlines inside a URL and read a backslash as a
    slash, so ``/\\t/evil.example`` or ``/\\evil.example`` leave the site;
    proxies may decode ``%2F`` once more. So the value and each of its
    percent-decodings must be a plain path: one leading slash, no scheme or
    host, no backslash, no control or other invisible characters.
    """
    if not target or len(target) > MAX_NEXT:
        return None
    readings = [target]
    for _ in range(DECODINGS):
        readings.append(unquote(readings[-1]))
    if readings[-1] != readings[-2]:
        return None
    for index, reading in enumerate(readings):
        if not _plain_path(reading, allow_space=index > 0):
            return None
    return target


def _plain_path(path: str, *, allow_space: bool) -> bool:
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return False
    for char in path:
        if unicodedata.category(char)[0] in "CZ" and not (allow_space and char == " "):
            return False  # controls, format characters, unassigned, any kind of space
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None) -> str:
    """Only paths on this site; anything doubtful leads to the stories index."""
    return same_site_path(target) or url_for("stories.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        signed_in = accounts().sign_in(form.name.data or "", form.password.data or "")
        if signed_in is not None:
            start_session(signed_in)
            user = signed_in.user
            flash(f"Signed in as {user.name} ({user.role.value}).", "success")
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(WRONG)
        if not (form.name.data or "").isprintable():
            form.name.data = ""  # never echo control characters (NUL) back into the page
        return render_template("auth/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """This session only; its cookie is refused afterwards even if copied before."""
    end_session()
    flash("Signed out.", "info")
    return redirect(url_for("stories.index"))


@bp.route("/logout/everywhere", methods=["POST"])
def logout_everywhere() -> Response:
    """Every session of the signed-in user, on every device."""
    if g.user is not None:
        accounts().end_all_sessions(g.user.name)
    end_session()
    flash("Signed out everywhere.", "info")
    return redirect(url_for("stories.index"))
