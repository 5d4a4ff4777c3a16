"""Signing in and out. Sessions are signed cookies holding only the user name."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from web.access import accounts, load_user, require_login_for_reading
from web.forms import LoginForm

bp = Blueprint("auth", __name__)
bp.before_app_request(load_user)
bp.before_app_request(require_login_for_reading)


def safe_next(target: str | None) -> str:
    """Only paths on this site: never an absolute or scheme-relative URL."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("stories.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts().authenticate(form.name.data or "", form.password.data or "")
        if user is not None:
            session.clear()
            session["user"] = user.name
            session.permanent = True
            flash(f"Signed in as {user.name} ({user.role.value}).", "success")
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append("Unknown name or wrong password.")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    session.clear()
    flash("Signed out.", "info")
    return redirect(url_for("stories.index"))
