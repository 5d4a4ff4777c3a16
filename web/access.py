"""Who is asking: the signed-in user on ``g.user`` and the role checks for views.

Reading is open unless ``web.require_login`` is set; writing always needs an
editor. Anonymous visitors are sent to the login page; a signed-in user
without the role gets 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, g, redirect, request, session, url_for

from tracker.accounts import Accounts, Role, User
from web.queries import runtime

F = TypeVar("F", bound=Callable[..., Any])

#: Endpoints anyone may reach even when reading needs a login.
PUBLIC_ENDPOINTS = {"auth.login", "static"}


def accounts() -> Accounts:
    return Accounts(runtime().engine)


def load_user() -> None:
    name = session.get("user")
    user: User | None = accounts().get(name) if name else None
    if name and user is None:
        session.pop("user", None)  # the account was removed
    g.user = user


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
