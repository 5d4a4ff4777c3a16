"""Accounts: the users table, `tracker user`, signing in and out, and login-required reading."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from web_testing import (  # noqa: F401
    PASSWORD,
    SEED,
    app,
    client,
    editor,
    login,
    open_web_runtime,
    post_form,
    token,
    viewer,
    web_runtime,
)

from tracker.accounts import Accounts, DuplicateUser, users
from tracker.domain.errors import InvalidField


def tracker_cli(database_url: str, data_dir: Path, *args: str, stdin: str | None = None):
    from tracker.cli import commands, web  # noqa: F401 - registers the subcommands
    from tracker.cli.main import cli

    env = {"TRACKER_DATABASE_URL": database_url, "TRACKER_DATA_DIR": str(data_dir)}
    assert CliRunner().invoke(cli, ["init"], env=env).exit_code == 0  # only `tracker init` creates the database
    return CliRunner().invoke(cli, list(args), input=stdin, env=env)


def test_passwords_are_stored_hashed_and_checked(database_url: str, tmp_path: Path) -> None:
    runtime = open_web_runtime(database_url, tmp_path / "data")
    try:
        accounts = Accounts(runtime.engine)
        accounts.add_user("edna", PASSWORD, "editor")
        with runtime.engine.connect() as conn:
            stored = conn.execute(select(users.c.password_hash)).scalar_one()
        assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
        assert accounts.authenticate("edna", PASSWORD).role.value == "editor"
        assert accounts.authenticate("edna", "wrong password") is None
        assert accounts.authenticate("nobody", PASSWORD) is None
        with pytest.raises(DuplicateUser, match="edna"):
            accounts.add_user("edna", PASSWORD, "viewer")
        with pytest.raises(InvalidField, match="role"):
            accounts.add_user("max", PASSWORD, "boss")
        with pytest.raises(InvalidField, match="at least 8"):
            accounts.add_user("max", "short", "viewer")
        assert [u.name for u in accounts.all()] == ["edna"]
    finally:
        runtime.close()


def test_tracker_user_add_reads_the_password_from_stdin_and_names_bad_input(sqlite_url: str, tmp_path: Path) -> None:
    done = tracker_cli(
        sqlite_url,
        tmp_path / "data",
        "user",
        "add",
        "edna",
        "--role",
        "editor",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert done.exit_code == 0, done.output
    assert "Added editor edna" in done.output
    listed = tracker_cli(sqlite_url, tmp_path / "data", "user", "list", "--json")
    assert '"role": "editor"' in listed.output and '"name": "edna"' in listed.output
    again = tracker_cli(sqlite_url, tmp_path / "data", "user", "add", "edna", "--password-stdin", stdin=PASSWORD + "\n")
    assert again.exit_code == 1 and "tracker: error: a user named 'edna' already exists" in again.output
    bad_role = tracker_cli(
        sqlite_url, tmp_path / "data", "user", "add", "max", "--role", "boss", "--password-stdin", stdin=PASSWORD
    )
    assert bad_role.exit_code == 1 and "unknown role 'boss'" in bad_role.output


def test_tracker_user_add_prompts_for_the_password_twice(sqlite_url: str, tmp_path: Path) -> None:
    done = tracker_cli(sqlite_url, tmp_path / "data", "user", "add", "vic", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert done.exit_code == 0 and "Added viewer vic" in done.output


def test_signing_in_shows_the_user_and_signing_out_forgets_them(app, web_runtime) -> None:
    Accounts(web_runtime.engine).add_user("edna", PASSWORD, "editor")
    client = app.test_client()
    response = login(client, "edna")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/").get_data(as_text=True)
    assert "edna" in page and "Sign out" in page and "Open a story" in page
    assert post_form(client, "/", {}).status_code == 405  # the index takes no posts
    out = client.post("/logout", data={"csrf_token": token(client, "/")})
    assert out.status_code == 302
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(app, web_runtime) -> None:
    Accounts(web_runtime.engine).add_user("edna", PASSWORD, "editor")
    client = app.test_client()
    for name, password in (("edna", "not the password"), ("nobody", PASSWORD)):
        response = post_form(client, "/login", {"name": name, "password": password})
        assert response.status_code == 401 and "Unknown name or wrong password." in response.get_data(as_text=True)
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_after_signing_in_the_user_returns_to_the_page_they_wanted_but_never_off_site(app, web_runtime) -> None:
    Accounts(web_runtime.engine).add_user("edna", PASSWORD, "editor")
    client = app.test_client()
    wanted = f"/stories/{SEED}/reports/new"
    redirect = client.get(wanted).headers["Location"]
    response = client.post(redirect, data={"name": "edna", "password": PASSWORD, "csrf_token": token(client, "/login")})
    assert response.headers["Location"] == wanted
    other = app.test_client()
    response = other.post(
        "/login?next=//evil.example/x",
        data={"name": "edna", "password": PASSWORD, "csrf_token": token(other, "/login")},
    )
    assert response.headers["Location"] == "/"


def test_logout_without_a_csrf_token_is_refused(editor) -> None:
    assert editor.post("/logout").status_code == 400
    assert "Sign out" in editor.get("/").get_data(as_text=True)


def test_when_login_is_required_reading_needs_it_too(sqlite_url: str, tmp_path: Path) -> None:
    from web import create_app

    runtime = open_web_runtime(sqlite_url, tmp_path / "data", TRACKER_WEB_REQUIRE_LOGIN="true")
    try:
        Accounts(runtime.engine).add_user("vic", PASSWORD, "viewer")
        client = create_app(runtime=runtime).test_client()
        for url in ("/", "/search?q=meta", f"/stories/{SEED}"):
            response = client.get(url)
            assert response.status_code == 302 and "/login" in response.headers["Location"], url
        assert client.get("/api/stories").status_code == 401
        assert client.get("/login").status_code == 200
        assert client.get("/static/style.css").status_code == 200
        login(client, "vic")
        assert client.get("/").status_code == 200 and client.get("/api/stories").status_code == 200
    finally:
        runtime.close()


def test_the_session_key_is_kept_in_the_data_folder_and_shared_by_every_app(sqlite_url: str, tmp_path: Path) -> None:
    from web import create_app

    runtime = open_web_runtime(sqlite_url, tmp_path / "data")
    try:
        Accounts(runtime.engine).add_user("edna", PASSWORD, "editor")
        first, second = create_app(runtime=runtime), create_app(runtime=runtime)
        key_file = tmp_path / "data" / "web-secret-key"
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert first.secret_key == second.secret_key == key_file.read_text().strip()
        client = first.test_client()
        login(client, "edna")
        cookie = client.get_cookie("tracker_session")
        assert cookie is not None
        other = second.test_client()  # another worker
        other.set_cookie("tracker_session", cookie.value)
        assert "edna" in other.get("/").get_data(as_text=True)
    finally:
        runtime.close()


def test_a_configured_secret_key_is_used_as_given(sqlite_url: str, tmp_path: Path) -> None:
    from web import create_app

    runtime = open_web_runtime(
        sqlite_url, tmp_path / "data", TRACKER_WEB_SECRET_KEY="a-configured-key-of-enough-length"
    )
    try:
        assert create_app(runtime=runtime).secret_key == "a-configured-key-of-enough-length"
        assert not (tmp_path / "data" / "web-secret-key").exists()
    finally:
        runtime.close()


OFF_SITE_NEXT = [
    "/%09/evil.example",
    "/%0A/evil.example",
    "/%0D/evil.example",
    "/%0D%0ASet-Cookie:%20x=1",
    "/%00",
    "%5C%5Cevil.example",
    "/%5Cevil.example",
    "/%5C/evil.example",
    "//evil.example",
    "/%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "http://evil.example/",
    "http:evil.example",
    "/" + "a" * 5000,
]


def test_a_sign_in_never_leaves_the_site_nor_fails_whatever_next_says(app, web_runtime) -> None:
    Accounts(web_runtime.engine).add_user("edna", PASSWORD, "editor")
    client = app.test_client()
    for target in OFF_SITE_NEXT:
        data = {"name": "edna", "password": PASSWORD, "csrf_token": token(client, "/login")}
        response = client.post(f"/login?next={target}", data=data)
        assert (response.status_code, response.headers.get("Location")) == (302, "/"), target
    data = {"name": "edna", "password": PASSWORD, "csrf_token": token(client, "/login")}
    assert client.post("/login?next=/search%3Fq%3Dmeta", data=data).headers["Location"] == "/search?q=meta"
