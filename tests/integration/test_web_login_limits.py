"""Failed sign-ins are limited per account and per client address, in the database every worker shares."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from web_testing import PASSWORD, open_web_runtime, token

from tracker.accounts import Accounts
from tracker.bootstrap import Runtime
from tracker.ratelimits import SQLStorage, rate_limits

WRONG = "not the password"
LIMITED = "Too many failed sign-ins for this account or from this address; try again in 1 minute."


@pytest.fixture
def workers(database_url: str, tmp_path: Path) -> Iterator[tuple[Runtime, Flask, Flask]]:
    """Two apps on their own engines and one database, as two gunicorn workers are."""
    from web import create_app

    first = open_web_runtime(database_url, tmp_path / "data")
    second = open_web_runtime(database_url, tmp_path / "data")
    try:
        Accounts(first.engine).add_user("edna", PASSWORD, "editor")
        Accounts(first.engine).add_user("vic", PASSWORD, "viewer")
        yield first, create_app(runtime=first), create_app(runtime=second)
    finally:
        second.close()
        first.close()


def attempt(client: FlaskClient, name: str, password: str, address: str = "127.0.0.1", forwarded_for: str = ""):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    data = {"name": name, "password": password, "csrf_token": token(client, "/login")}
    return client.post("/login", data=data, environ_overrides={"REMOTE_ADDR": address}, headers=headers)


def test_an_account_is_limited_after_five_failures_spread_over_two_workers_and_addresses(workers) -> None:
    _runtime, first, second = workers
    clients = [first.test_client(), second.test_client()]
    for number in range(5):
        response = attempt(clients[number % 2], "edna", WRONG, address=f"10.0.0.{number + 1}")
        assert response.status_code == 401
    refused = attempt(clients[1], "edna", PASSWORD, address="10.0.0.99")  # right password, fresh address
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and LIMITED in page and 'name="password"' in page
    assert 0 < int(refused.headers["Retry-After"]) <= 61  # the window, rounded up to a whole second
    assert "Sign out" not in clients[1].get("/").get_data(as_text=True)  # the password was never checked
    other = attempt(clients[0], "vic", PASSWORD, address="10.0.0.99")
    assert other.status_code == 302  # another account from that address is not limited


def test_an_address_is_limited_after_five_failures_on_any_accounts(workers) -> None:
    _runtime, first, second = workers
    client = first.test_client()
    for number in range(5):
        assert attempt(client, f"guess{number}", WRONG, address="192.0.2.7").status_code == 401
    assert attempt(second.test_client(), "edna", PASSWORD, address="192.0.2.7").status_code == 429
    assert attempt(second.test_client(), "edna", PASSWORD, address="192.0.2.8").status_code == 302


def test_signing_in_works_again_once_the_window_has_passed(workers) -> None:
    runtime, first, _second = workers
    client = first.test_client()
    for _ in range(5):
        assert attempt(client, "edna", WRONG).status_code == 401
    assert attempt(client, "edna", PASSWORD).status_code == 429
    with runtime.engine.begin() as conn:  # the windows end (as a minute and an hour going by would do)
        conn.execute(update(rate_limits).values(expires_at=rate_limits.c.expires_at - 3601))
    assert attempt(client, "edna", PASSWORD).status_code == 302
    assert attempt(client, "edna", WRONG).status_code == 401  # a fresh window starts counting again
    with runtime.engine.connect() as conn:
        counts = conn.execute(select(rate_limits.c.key, rate_limits.c.hits)).all()
    assert len(counts) == 4 and {hits for _key, hits in counts} == {1}  # account and address, minute and hour


def test_successful_sign_ins_never_count_against_the_limit(workers) -> None:
    _runtime, first, _second = workers
    client = first.test_client()
    for _ in range(8):
        assert attempt(client, "edna", PASSWORD).status_code == 302
    assert attempt(client, "edna", WRONG).status_code == 401


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(sqlite_url: str, tmp_path: Path) -> None:
    from web import create_app

    for trusted, expected in (("0", 429), ("1", 302)):
        runtime = open_web_runtime(sqlite_url, tmp_path / f"data{trusted}", TRACKER_WEB_TRUSTED_PROXIES=trusted)
        try:
            Accounts(runtime.engine).add_user(f"edna{trusted}", PASSWORD, "editor")
            client = create_app(runtime=runtime).test_client()
            for number in range(5):  # an attacker rotating X-Forwarded-For on other names
                response = attempt(client, f"guess{number}", WRONG, forwarded_for=f"198.51.100.{number}")
                assert response.status_code == 401
            assert attempt(client, f"edna{trusted}", PASSWORD, forwarded_for="198.51.100.200").status_code == expected
        finally:
            runtime.close()


def test_a_configured_limit_and_a_limits_storage_uri_are_used(sqlite_url: str, tmp_path: Path) -> None:
    from web import create_app

    runtime = open_web_runtime(
        sqlite_url,
        tmp_path / "data",
        TRACKER_WEB_LOGIN_RATE_LIMIT="2 per hour",
        TRACKER_WEB_RATE_LIMIT_STORAGE="memory://",
    )
    try:
        Accounts(runtime.engine).add_user("edna", PASSWORD, "editor")
        client = create_app(runtime=runtime).test_client()
        assert [attempt(client, "edna", WRONG).status_code for _ in range(2)] == [401, 401]
        refused = attempt(client, "edna", PASSWORD)
        assert refused.status_code == 429 and "try again in 60 minutes" in refused.get_data(as_text=True)
        with runtime.engine.connect() as conn:
            assert conn.execute(select(rate_limits)).all() == []  # counted in memory, not in the database
    finally:
        runtime.close()


def test_a_bad_limit_setting_stops_the_app_with_a_message_naming_the_key(sqlite_url: str, tmp_path: Path) -> None:
    from web import create_app
    from web.login_limits import LoginLimitError

    runtime = open_web_runtime(sqlite_url, tmp_path / "data", TRACKER_WEB_LOGIN_RATE_LIMIT="lots")
    try:
        with pytest.raises(LoginLimitError, match="web.login_rate_limit: 'lots'"):
            create_app(runtime=runtime)
    finally:
        runtime.close()


def test_concurrent_workers_count_every_hit(database_url: str, tmp_path: Path) -> None:
    runtimes = [open_web_runtime(database_url, tmp_path / "data") for _ in range(2)]
    try:
        storages = [SQLStorage(engine=runtime.engine) for runtime in runtimes]
        results: list[int] = []

        def hit(storage: SQLStorage) -> None:
            for _ in range(25):
                results.append(storage.incr("LIMITER/test", 60))

        threads = [threading.Thread(target=hit, args=(storage,)) for storage in storages for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == list(range(1, 101))  # every count handed out exactly once
        assert storages[1].get("LIMITER/test") == 100 and storages[0].get_expiry("LIMITER/test") > 0
        storages[0].clear("LIMITER/test")
        assert storages[1].get("LIMITER/test") == 0 and storages[0].check()
    finally:
        for runtime in runtimes:
            runtime.close()


@pytest.mark.parametrize(
    "name, password", [("ed\x00na", PASSWORD), ("edna", "pass\x00word"), ("\x00", "\x00"), ("ed\x01na\n", WRONG)]
)
def test_control_characters_in_a_sign_in_are_refused_without_an_error(workers, name: str, password: str) -> None:
    _runtime, first, _second = workers
    response = attempt(first.test_client(), name, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and "Unknown name or wrong password." in page
    assert "\x00" not in page and "\x01" not in page


def test_tracker_user_add_refuses_control_characters_in_a_name_in_one_line(database_url: str, tmp_path: Path) -> None:
    from tracker.cli import commands, web  # noqa: F401 - registers the subcommands
    from tracker.cli.main import cli

    env = {"TRACKER_DATABASE_URL": database_url, "TRACKER_DATA_DIR": str(tmp_path / "data")}
    assert CliRunner().invoke(cli, ["init"], env=env).exit_code == 0
    for name in ("ed\x00na", "ed\x1bna", "x" * 5000):
        done = CliRunner().invoke(cli, ["user", "add", name, "--password-stdin"], input=PASSWORD + "\n", env=env)
        assert done.exit_code == 1 and done.output.startswith("tracker: error: name: "), done.output
        assert done.output.count("\n") == 1 and len(done.output) < 300
    for command in (
        ["user", "password", "ed\x00na", "--password-stdin"],
        ["user", "signout", "ed\x00na"],
        ["user", "role", "ed\x00na", "admin"],
    ):
        done = CliRunner().invoke(cli, command, input=PASSWORD + "\n", env=env)
        assert done.exit_code == 1 and "tracker: error: no user named 'ed\\x00na'" in done.output, done.output
