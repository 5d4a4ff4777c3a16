"""The newsroom web UI: a Flask application factory.

Nothing is read at import time: ``create_app`` takes settings (or loads
them then) and a runtime (or opens one), so tests, the development server
and every gunicorn worker build their own app. The app keeps no state of
its own between requests beyond the signed session cookie, so any worker
can serve any request.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from tracker.bootstrap import Runtime, open_runtime
from tracker.config import Settings, load_settings

csrf = CSRFProtect()


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """Builds the app on ``runtime`` (opened from ``settings`` when not given)."""
    if runtime is None:
        runtime = open_runtime(settings or load_settings())
    settings = runtime.settings
    app = Flask(__name__)

    from web import security

    app.config.update(
        SECRET_KEY=security.secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="tracker_session",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        MAX_CONTENT_LENGTH=1024 * 1024,
        REQUIRE_LOGIN=settings.web_require_login,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.web_session_lifetime_hours),
    )
    app.json.sort_keys = False  # type: ignore[attr-defined] # keep the dataclasses' field order
    app.extensions["tracker.runtime"] = runtime
    app.session_interface = security.SessionInterface()
    csrf.init_app(app)
    security.init_app(app)
    security.trust_proxies(app, settings.web_trusted_proxies)

    from web import (
        api,
        auth,
        clusters,
        editing,
        errors,
        feeds,
        filters,
        history,
        parties,
        stories,
        story,
        story_settings,
        suggestions,
    )

    filters.init_app(app)
    from web import urls

    urls.init_app(app)
    for module in (
        errors,
        auth,
        stories,
        story,
        history,
        editing,
        story_settings,
        parties,
        clusters,
        suggestions,
        feeds,
        api,
    ):
        app.register_blueprint(module.bp)
    from web import login_limits

    login_limits.init_app(app, settings, runtime.engine)
    return app


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["tracker.runtime"]  # type: ignore[no-any-return]


__all__ = ["create_app", "runtime_of"]
