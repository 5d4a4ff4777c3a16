"""Brute-force protection: failed sign-ins are limited per account name and per client address.

Only failed sign-ins (the 401 answer) count, so a desk signing in many times
a day is never locked out, while guessing stops after ``web.login_rate_limit``
failures (default 5 a minute and 30 an hour) for an account from anywhere
and from an address for any account. Once limited, the login answers 429
before the password is checked at all. Counters live in the tracker's own
database (tracker.ratelimits) unless ``web.rate_limit_storage`` names a
`limits` storage such as redis://, so every worker and machine shares them.

Two attempts racing past the check may both count after the limit is
reached (the count is tested before and deducted after the answer); that
overshoot is at most the number of concurrent requests.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time

from flask import Flask, Response, make_response, render_template, request
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from limits import parse_many
from limits.errors import ConfigurationError
from werkzeug.wrappers import Response as WerkzeugResponse

from tracker import ratelimits
from tracker.config import Settings
from web.forms import LoginForm

ENDPOINT = "auth.login"


class LoginLimitError(ValueError):
    """The login limit or its storage is misconfigured; the message names the key."""


def address_key() -> str:
    return "address:" + (request.remote_addr or "unknown")


def account_key() -> str:
    name = (request.form.get("name") or "").strip().casefold()
    return "account:" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def failed_sign_in(response: Response) -> bool:
    return response.status_code == 401


def too_many_attempts(limit: RequestLimit) -> Response:
    """The login page again, saying why and for how long; the password was not checked."""
    seconds = max(1, math.ceil(limit.reset_at - time.time()))
    minutes = max(1, round(seconds / 60))  # reset_at is rounded up to the next whole second
    form = LoginForm()
    form.form_errors.append(
        "Too many failed sign-ins for this account or from this address; "
        f"try again in {minutes} minute{'s' if minutes != 1 else ''}."
    )
    response = make_response(render_template("auth/login.html", form=form), 429)
    response.headers["Retry-After"] = str(seconds)
    return response


def limited(error: RateLimitExceeded) -> WerkzeugResponse:
    return error.get_response()


def init_app(app: Flask, settings: Settings, engine: object) -> Limiter:
    """Wraps the login view of ``app`` in its own limiter (one per app, so tests may build many)."""
    try:
        parse_many(settings.web_login_rate_limit)
    except ValueError as error:
        raise LoginLimitError(
            f"web.login_rate_limit: {settings.web_login_rate_limit!r} is not a rate limit ({error})"
        ) from None
    uri = settings.web_rate_limit_storage.strip() or f"{ratelimits.SCHEME}://"
    options = {} if settings.web_rate_limit_storage.strip() else {"engine": engine}
    try:
        limiter = Limiter(
            key_func=address_key,
            app=app,
            storage_uri=uri,
            storage_options=options,  # type: ignore[arg-type]
            strategy="fixed-window",
            key_prefix="login",
        )
    except ConfigurationError as error:
        raise LoginLimitError(f"web.rate_limit_storage: {uri!r} cannot be used ({error})") from None
    limit = functools.partial(
        limiter.limit,
        settings.web_login_rate_limit,
        methods=["POST"],
        deduct_when=failed_sign_in,
        on_breach=too_many_attempts,
    )
    view = app.view_functions[ENDPOINT]
    app.view_functions[ENDPOINT] = limit(key_func=account_key)(limit(key_func=address_key)(view))  # type: ignore[assignment]
    app.register_error_handler(RateLimitExceeded, limited)
    return limiter
