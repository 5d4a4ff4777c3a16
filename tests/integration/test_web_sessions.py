"""Sessions can be revoked: a copied cookie stops working after sign-out, a password or role
change, "sign out everywhere" and the session lifetime; Secure cookies behind a trusted proxy."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, create_engine, insert, inspect
from web_testing import PASSWORD, SEED, app, login, open_web_runtime, token, web_runtime  # noqa: F401
from werkzeug.security import generate_password_hash

from tracker.accounts import Accounts
from tracker.bootstrap import Runtime
from tracker.config import normalise_database_url

EDITOR_PAGE = f"/stories/{SEED}/reports/new"


def tracker_cli(runtime: Runtime, *args: str, stdin: str | None = None):
    from tracker.cli import commands, web  # noqa: F401 - registers the subcommands
    from tracker.cli.main import cli

    env = {"TRACKER_DATABASE_URL": runtime.settings.database_url, "TRACKER_DATA_DIR": str(runtime.settings.data_dir)}
    done = CliRunner().invoke(cli, list(args), input=stdin, env=env)
    assert done.exit_code == 0, done.output
    return done


def signed_in_client(app: Flask, name: str = "edna") -> FlaskClient:
    client = app.test_client()
    login(client, name)
    assert client.get(EDITOR_PAGE).status_code == 200
    return client


def copy_of_cookie(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie (as a thief would)."""
    cookie = client.get_cookie("tracker_session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("tracker_session", cookie.value)
    return thief


def sign_out(app: Flask, runtime: Runtime, client: FlaskClient) -> None:
    assert client.post("/logout", data={"csrf_token": token(client, "/")}).status_code == 302


def sign_out_everywhere_from_another_device(app: Flask, runtime: Runtime, client: FlaskClient) -> None:
    other = signed_in_client(app)
    assert other.post("/logout/everywhere", data={"csrf_token": token(other, "/")}).status_code == 302
    assert other.get(EDITOR_PAGE).status_code == 302


REVOCATIONS: dict[str, Callable[[Flask, Runtime, FlaskClient], None]] = {
    "sign out": sign_out,
    "sign out everywhere": sign_out_everywhere_from_another_device,
    "password change": lambda app, runtime, client: Accounts(runtime.engine).set_password(
        "edna", "another good password"
    ),
    "role change": lambda app, runtime, client: Accounts(runtime.engine).set_role("edna", "admin"),
    "tracker user password": lambda app, runtime, client: tracker_cli(
        runtime, "user", "password", "edna", "--password-stdin", stdin="another good password\n"
    ),
    "tracker user role": lambda app, runtime, client: tracker_cli(runtime, "user", "role", "edna", "viewer"),
    "tracker user signout": lambda app, runtime, client: tracker_cli(runtime, "user", "signout", "edna"),
}


@pytest.mark.parametrize("revocation", REVOCATIONS)
def test_a_cookie_copied_before_a_revocation_is_refused_afterwards(app, web_runtime, revocation: str) -> None:
    Accounts(web_runtime.engine).add_user("edna", PASSWORD, "editor")
    client = signed_in_client(app)
    thief = copy_of_cookie(app, client)
    assert thief.get(EDITOR_PAGE).status_code == 200  # the copy works until then
    REVOCATIONS[revocation](app, web_runtime, client)
    refused = thief.get(EDITOR_PAGE)
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    assert "Sign out" not in thief.get("/").get_data(as_text=True)
    assert client.get(EDITOR_PAGE).status_code == 302  # the original session ended too


def test_signing_out_ends_only_that_session_and_signing_in_again_works(app, web_runtime) -> None:
    Accounts(web_runtime.engine).add_user("edna", PASSWORD, "editor")
    laptop, phone = signed_in_client(app), signed_in_client(app)
    sign_out(app, web_runtime, laptop)
    assert laptop.get(EDITOR_PAGE).status_code == 302
    assert phone.get(EDITOR_PAGE).status_code == 200
    login(laptop, "edna")
    assert laptop.get(EDITOR_PAGE).status_code == 200


def test_the_sign_out_everywhere_button_sits_next_to_sign_out(app, web_runtime) -> None:
    Accounts(web_runtime.engine).add_user("edna", PASSWORD, "editor")
    page = signed_in_client(app).get("/").get_data(as_text=True)
    assert 'action="/logout"' in page and 'action="/logout/everywhere"' in page and "Sign out everywhere" in page


def test_a_session_older_than_its_lifetime_is_refused_even_with_a_freshly_signed_cookie(app, web_runtime) -> None:
    Accounts(web_runtime.engine).add_user("edna", PASSWORD, "editor")
    assert app.permanent_session_lifetime.total_seconds() == 12 * 3600
    client = signed_in_client(app)
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - 11 * 3600
    assert client.get(EDITOR_PAGE).status_code == 200
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - 12 * 3600 - 60
    assert client.get(EDITOR_PAGE).status_code == 302


def test_a_cookie_naming_only_a_user_is_not_a_session(app, web_runtime) -> None:
    Accounts(web_runtime.engine).add_user("edna", PASSWORD, "editor")
    client = app.test_client()
    with client.session_transaction() as session:
        session["user"] = "edna"  # what cookies held before sessions could be revoked
    assert client.get(EDITOR_PAGE).status_code == 302


def test_the_cookie_lifetime_follows_the_setting(sqlite_url: str, tmp_path: Path) -> None:
    from web import create_app

    runtime = open_web_runtime(sqlite_url, tmp_path / "data", TRACKER_WEB_SESSION_LIFETIME_HOURS="2")
    try:
        Accounts(runtime.engine).add_user("edna", PASSWORD, "editor")
        app = create_app(runtime=runtime)
        assert app.permanent_session_lifetime.total_seconds() == 2 * 3600
        client = app.test_client()
        login(client, "edna")
        with client.session_transaction() as session:
            session["signed_in_at"] = time.time() - 2 * 3600 - 1
        assert "Sign out" not in client.get("/").get_data(as_text=True)
    finally:
        runtime.close()


def _login_over(client: FlaskClient, headers: dict[str, str]) -> str:
    page = client.get("/login", headers=headers).get_data(as_text=True)
    csrf = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    data = {"name": "edna", "password": PASSWORD, "csrf_token": csrf}
    response = client.post("/login", data=data, headers={**headers, "Referer": "https://tracker.example/login"})
    assert response.status_code == 302
    return response.headers["Set-Cookie"]


def test_forwarded_headers_are_ignored_unless_proxies_are_trusted(sqlite_url: str, tmp_path: Path) -> None:
    from web import create_app

    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tracker.example", "X-Forwarded-For": "203.0.113.9"}
    plain = open_web_runtime(sqlite_url, tmp_path / "data")
    try:
        Accounts(plain.engine).add_user("edna", PASSWORD, "editor")
        cookie = _login_over(create_app(runtime=plain).test_client(), forwarded)
        assert "Secure" not in cookie and "HttpOnly" in cookie
    finally:
        plain.close()
    proxied = open_web_runtime(sqlite_url, tmp_path / "data", TRACKER_WEB_TRUSTED_PROXIES="1")
    try:
        client = create_app(runtime=proxied).test_client()
        assert "; Secure" in _login_over(client, forwarded)
        assert "Secure" not in _login_over(client, {})  # the proxy said plain http
    finally:
        proxied.close()


def test_a_users_table_from_before_session_generations_keeps_working_after_tracker_init(
    database_url: str, tmp_path: Path
) -> None:
    from web import create_app

    engine = create_engine(normalise_database_url(database_url))
    old = Table(
        "tracker_users",
        MetaData(),
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("name", String(64), nullable=False, unique=True),
        Column("password_hash", String(256), nullable=False),
        Column("role", String(16), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )
    with engine.begin() as conn:
        old.create(conn)
        conn.execute(
            insert(old).values(
                name="edna", password_hash=generate_password_hash(PASSWORD), role="editor", created_at=datetime.now(UTC)
            )
        )
    engine.dispose()
    env = {"TRACKER_DATABASE_URL": database_url, "TRACKER_DATA_DIR": str(tmp_path / "data")}
    from tracker.cli import commands, web  # noqa: F401 - registers the subcommands
    from tracker.cli.main import cli

    done = CliRunner().invoke(cli, ["init"], env=env)
    assert done.exit_code == 0, done.output
    for _ in range(2):  # a second start-up finds the column there
        runtime = open_web_runtime(database_url, tmp_path / "data")
        try:
            assert "session_generation" in {c["name"] for c in inspect(runtime.engine).get_columns("tracker_users")}
            Accounts(runtime.engine).add_user(f"vic{_}", PASSWORD, "viewer")
            client = create_app(runtime=runtime).test_client()
            login(client, "edna")
            assert client.get(EDITOR_PAGE).status_code in (200, 404)  # signed in as an editor (no seed story here)
            Accounts(runtime.engine).end_all_sessions("edna")
            assert client.get(EDITOR_PAGE).status_code == 302
        finally:
            runtime.close()
