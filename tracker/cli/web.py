"""Web subcommands: `tracker serve`, `tracker user ...`, and what `tracker run` starts.

`serve` runs the UI alone (werkzeug's threaded server, or gunicorn with
several workers under --production); `run` adds the poller as a child
process and prints the address. Every worker builds its own app after the
fork, so no database connection crosses a process boundary.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from tracker.cli.main import Context, cli, emit_json, json_option, pass_ctx
from tracker.config import Settings


class ServeError(ValueError):
    """The server cannot start; the message names the option."""


# -- accounts ----------------------------------------------------------------------


@cli.group()
def user() -> None:
    """Manage web UI accounts (roles: viewer, editor, admin)."""


def _read_password(from_stdin: bool) -> str:
    """The password, checked against the accounts' rule (at least 8 characters)
    before anything is stored; at the prompt a short one is asked for again."""
    from tracker.accounts import MIN_PASSWORD

    def checked(password: str) -> str:
        if len(password) < MIN_PASSWORD:
            raise ServeError(
                f"password: must be at least {MIN_PASSWORD} characters long (the one given has {len(password)})"
            )
        return password

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise ServeError("--password-stdin: no password on standard input")
        return checked(password)

    def asked(text: str) -> str:
        try:
            return checked(text)
        except ServeError as error:
            raise click.UsageError(str(error)) from None  # click says so and asks again

    return str(
        click.prompt(
            f"Password ({MIN_PASSWORD} characters or more)", hide_input=True, confirmation_prompt=True, value_proc=asked
        )
    )


@user.command("add")
@click.argument("name")
@click.option("--role", default="viewer", show_default=True, help="viewer, editor or admin.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password (8 characters or more) from the first line of standard input.",
)
@pass_ctx
def user_add(ctx: Context, name: str, role: str, password_stdin: bool) -> None:
    """Add an account; the password (at least 8 characters) is asked for, or read from stdin, and stored hashed."""
    from tracker.accounts import Accounts, clean_name, clean_role

    clean_name(name), clean_role(role)  # fail before asking for a password
    created = Accounts(ctx.runtime.engine).add_user(name, _read_password(password_stdin), role)
    click.echo(f"Added {created.role.value} {created.name}")


@user.command("list")
@json_option
@pass_ctx
def user_list(ctx: Context, as_json: bool) -> None:
    """List accounts and their roles."""
    from tracker.accounts import Accounts

    users = Accounts(ctx.runtime.engine).all()
    if as_json:
        emit_json(users)
        return
    if not users:
        click.echo("No accounts yet. Add one with `tracker user add NAME --role editor`.")
    for account in users:
        click.echo(f"{account.name:<24} {account.role.value:<8} since {account.created_at:%Y-%m-%d}")


@user.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@pass_ctx
def user_password(ctx: Context, name: str, password_stdin: bool) -> None:
    """Set a new password for an account; its web sessions end."""
    from tracker.accounts import Accounts, UnknownUser

    accounts = Accounts(ctx.runtime.engine)
    if accounts.get(name) is None:
        raise UnknownUser(name)
    accounts.set_password(name, _read_password(password_stdin))
    click.echo(f"Password of {name} changed; every web session of {name} is signed out")


@user.command("role")
@click.argument("name")
@click.argument("role")
@pass_ctx
def user_role(ctx: Context, name: str, role: str) -> None:
    """Give an account another role; its web sessions end."""
    from tracker.accounts import Accounts, clean_role

    Accounts(ctx.runtime.engine).set_role(name, role)
    click.echo(f"{name} is now {clean_role(role).value}; every web session of {name} is signed out")


@user.command("signout")
@click.argument("name")
@pass_ctx
def user_signout(ctx: Context, name: str) -> None:
    """Sign an account out of every web session (e.g. a lost laptop or a copied cookie)."""
    from tracker.accounts import Accounts

    Accounts(ctx.runtime.engine).end_all_sessions(name)
    click.echo(f"Every web session of {name} is signed out")


# -- serving ------------------------------------------------------------------------


def _address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve_development(settings: Settings, host: str, port: int) -> None:
    """Werkzeug's threaded server: one process, for a desk or a laptop."""
    from werkzeug.serving import make_server

    from web import create_app

    app = create_app(settings)
    server = make_server(host, port, app, threaded=True)
    click.echo(f"Newsroom tracker UI: {_address(host, server.server_port)}  (Ctrl+C to stop)", err=False)
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def serve_production(settings: Settings, host: str, port: int, workers: int, threads: int) -> None:
    """gunicorn with several workers; each builds its own app after the fork (stateless)."""
    from gunicorn.app.base import BaseApplication

    class TrackerServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread" if threads > 1 else "sync",
                "keepalive": 5,
                "preload_app": False,
                "accesslog": "-",
                "errorlog": "-",
                "proc_name": "tracker-web",
                "when_ready": lambda _server: click.echo(
                    f"Newsroom tracker UI: {_address(host, port)}  ({workers} gunicorn workers; Ctrl+C to stop)"
                ),
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from web import create_app

            return create_app(settings)

    TrackerServer().run()


def _check_port(port: int) -> None:
    if not 0 <= port < 65536:
        raise ServeError(f"--port: {port} is not a TCP port (0-65535)")


@cli.command()
@click.option("--host", default=None, help="Address to listen on (default: web.host, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default: web.port, 5000; 0 picks a free one).")
@click.option("--production", is_flag=True, help="Serve under gunicorn with several worker processes.")
@click.option("--workers", type=int, default=None, help="gunicorn workers (default: 2 x CPUs + 1).")
@click.option("--threads", type=int, default=2, show_default=True, help="Threads per gunicorn worker.")
@pass_ctx
def serve(
    ctx: Context, host: str | None, port: int | None, production: bool, workers: int | None, threads: int
) -> None:
    """Serve the web UI (without the poller)."""
    settings = ctx.settings
    host = host or settings.web_host
    port = settings.web_port if port is None else port
    _check_port(port)
    if production:
        if port == 0:
            raise ServeError("--port: choose a port for --production (0 is only for the development server)")
        count = workers or 2 * (os.cpu_count() or 1) + 1
        if count < 1 or threads < 1:
            raise ServeError("--workers and --threads must be at least 1")
        serve_production(settings, host, port, count, threads)
    else:
        serve_development(settings, host, port)


@contextmanager
def poller(ctx: Context, demo: bool) -> Iterator[subprocess.Popen[bytes] | None]:
    """`tracker worker` as a child process, stopped when the UI stops."""
    if "worker" not in cli.commands:
        click.echo("Poller: not available in this build (no `tracker worker`); serving the UI only.")
        yield None
        return
    script = shutil.which("tracker", path=str(Path(sys.executable).parent))
    argv = [script] if script else [sys.executable, "-c", "from tracker.cli.main import main; main()"]
    argv += ["worker", *(["--demo"] if demo else [])]
    env = dict(os.environ)
    if ctx._database_url:
        env["TRACKER_DATABASE_URL"] = ctx._database_url
    child = subprocess.Popen(argv, env=env, start_new_session=True)
    click.echo(f"Poller: `tracker {' '.join(argv[-2 if demo else -1 :])}` (pid {child.pid})")
    try:
        yield child
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()


def run_everything(ctx: Context, *, host: str | None = None, port: int | None = None, demo: bool = True) -> None:
    """The UI plus the poller, as `make run` starts them."""
    settings = ctx.settings
    host = host or settings.web_host
    port = settings.web_port if port is None else port
    _check_port(port)
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        with poller(ctx, demo):
            serve_development(settings, host, port)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop_on_sigterm(_signum: int, _frame: object) -> None:
    """SIGTERM stops the UI like Ctrl+C, so the poller child is stopped too."""
    raise KeyboardInterrupt
