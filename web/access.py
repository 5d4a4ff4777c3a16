"""Who is asking: the signed-in user on ``g.user`` and the role checks for views.

Reading is open unless ``web.require_login`` is set; writing always needs an
editor. Anonymous visitors are sent to the login page; a signed-in user
without the role gets 403.

A session cookie names the user, the user's session generation, a random
session id and the sign-in time. Every request checks all four against the
database and ``web.session_lifetime_hours``, so a copied cookie stops working
after sign-out (that session id is ended), "sign out everywhere", a password
or role change (the generation moved on), or the lifetime, whatever the
cookie's own signature says.
"""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, g, redirect, request, session, url_for

from tracker.accounts import Accounts, Role, SignIn, User
from web.queries import runtime

F = TypeVar("F", bound=Callable[..., Any])

#: Endpoints anyone may reach even when reading needs a login.
PUBLIC_ENDPOINTS = {"auth.login", "static"}


def accounts() -> Accounts:
    return Accounts(runtime().engine)


#: What a signed-in session holds; dropped together when the session is no longer valid.
SESSION_KEYS = ("user", "generation", "session_id", "signed_in_at")


def lifetime_seconds() -> float:
    return float(current_app.permanent_session_lifetime.total_seconds())


def start_session(signed_in: SignIn) -> None:
    """A fresh session (never one an attacker could have planted) for the signed-in user."""
    session.clear()
    session.update(
        user=signed_in.user.name,
        generation=signed_in.generation,
        session_id=secrets.token_urlsafe(24),
        signed_in_at=time.time(),
    )
    session.permanent = True


def end_session() -> None:
    """Signs this session out for good: a copy of its cookie is refused from now on."""
    session_id, signed_in_at = session.get("session_id"), session.get("signed_in_at")
    if isinstance(session_id, str) and isinstance(signed_in_at, (int, float)):
        accounts().end_session(session_id, float(signed_in_at) + lifetime_seconds())
    session.clear()


def load_user() -> None:
    name = session.get("user")
    user = _session_user(name) if name else None
    if name and user is None:  # ended, expired, from an older generation, or the account was removed
        for key in SESSION_KEYS:
            session.pop(key, None)
    g.user = user


def _session_user(name: object) -> User | None:
    generation, session_id, signed_in_at = (session.get(k) for k in SESSION_KEYS[1:])
    if not (isinstance(name, str) and isinstance(generation, int) and isinstance(session_id, str)):
        return None  # e.g. a cookie from before revocable sessions
    if not isinstance(signed_in_at, (int, float)) or time.time() - signed_in_at >= lifetime_seconds():
        return None
    return accounts().session_user(name, generation, session_id)


def require_login_for_reading() -> Any:
    if not current_app.config["REQUIRE_LOGIN"] or g.user is not None:
        return None
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if request.blueprint == "api":
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def role_required(role: Role) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if g.user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if not g.user.can(role):
                abort(403, description=f"This needs the {role.value} role; you are signed in as a {g.user.role.value}.")
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


editor_required = role_required(Role.EDITOR)
admin_required = role_required(Role.ADMIN)


def can_edit() -> bool:
    return g.get("user") is not None and g.user.can(Role.EDITOR)


def can_admin() -> bool:
    return g.get("user") is not None and g.user.can(Role.ADMIN)
