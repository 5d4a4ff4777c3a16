"""Safety of the web UI: the session key, cookie flags, security headers and HTML sanitising.

Every worker must sign sessions with the same key, so without a configured
``web.secret_key`` one random key is created once in ``data_dir`` (atomically,
readable by the owner only) and shared by all workers.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import nh3
from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup, escape
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.config import Settings

SECRET_FILE = "web-secret-key"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

#: Tags a report summary may keep; everything else is removed (scripts with their content).
ALLOWED_TAGS = {"a", "b", "strong", "i", "em", "p", "br", "ul", "ol", "li", "blockquote", "q", "cite"}


def secret_key(settings: Settings) -> str:
    if settings.web_secret_key:
        return settings.web_secret_key
    path = Path(settings.data_dir) / SECRET_FILE
    try:
        existing = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        existing = ""
    if existing:
        return existing
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # atomic; fails if another worker won the race
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    return path.read_text(encoding="ascii").strip()


class SessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def trust_proxies(app: Flask, hops: int) -> None:
    """Behind ``hops`` reverse proxies (TLS ends there), believe their X-Forwarded-For/-Proto/-Host.

    Only then do ``request.is_secure`` (the cookie's Secure flag) and the
    client address (the login limit) come from the proxy; with 0 the
    headers are ignored, since any client could send them.
    """
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def sanitise(text: str | None) -> Markup:
    """A field that *is* HTML (a summary typed by an editor), made safe: only harmless tags stay.

    Never for text: feed summaries are plain text from the parser (HTML turned
    into text once, entities unescaped), so sanitising them as HTML would bring
    back markup a feed hid as ``&amp;lt;a ...&amp;gt;``; templates escape them.
    """
    text = text or ""
    if "<" not in text and "&" not in text:
        return escape(text)
    return Markup(
        nh3.clean(
            text,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href", "title"}},
            url_schemes={"http", "https"},
            link_rel="noopener noreferrer nofollow",
        )
    )


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.jinja_env.filters["sanitise"] = sanitise
