"""The `tracker` command: a click group, shared options and error handling.

Every failure ends with one line `tracker: error: <reason>` and a non-zero
exit; listings take --json for scripts.
"""

from __future__ import annotations

import atexit
import gc
import getpass
import json
import os
import sys
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

import click

from tracker.cli.pipes import leave_quietly, stdout_closed
from tracker.config import ConfigError, Settings, load_settings
from tracker.domain.errors import DomainError
from tracker.persistence import DatabaseUnavailable

if TYPE_CHECKING:
    from tracker.application import Newsroom
    from tracker.bootstrap import Runtime

# The event store, SQLAlchemy and the read models are imported by the
# commands that use them, not here: a parse process (spawned, so it imports
# the `tracker` script's module again) then starts in a tenth of the time.

EXIT_ERROR = 1


class Context:
    """Lazily opened settings and application, shared by subcommands."""

    def __init__(self, database_url: str | None, command: str | None = None) -> None:
        self._database_url = database_url
        self._command = command

    @cached_property
    def settings(self) -> Settings:
        environ = None
        if self._database_url:
            import os

            environ = {**os.environ, "TRACKER_DATABASE_URL": self._database_url}
        settings = load_settings(environ)
        if self._command not in CREATING_COMMANDS:
            require_database(settings)
        return settings

    @cached_property
    def runtime(self) -> Runtime:
        from tracker.bootstrap import open_runtime

        return open_runtime(self.settings)

    @property
    def app(self) -> Newsroom:
        return self.runtime.newsroom

    def close(self) -> None:
        """Closes the application and its database connections, if opened."""
        runtime = self.__dict__.pop("runtime", None)
        if runtime is not None:
            runtime.close()


pass_ctx = click.make_pass_decorator(Context)


def operator() -> str:
    """Who a command line change is attributed to unless --by says otherwise."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no user name in the environment or the password database
        return "cli"


#: Commands that may create the embedded database (``bench`` makes its own
#: temporary stores); every other command needs one that exists.
CREATING_COMMANDS = {"init", "bench"}


def require_database(settings: Settings) -> None:
    """An SQLite file that is not there is a mistaken path or a missing ``tracker init``,
    never a reason to create directories and an empty store."""
    if not settings.is_sqlite:
        return
    path = settings.database_url.removeprefix("sqlite:///")
    if path != ":memory:" and not os.path.isfile(path):
        raise DatabaseUnavailable(
            f"no database at {path}: run `tracker init` first, or set database.url (TRACKER_DATABASE_URL)"
        )


def emit_json(value: Any) -> None:
    from tracker.application import to_jsonable

    click.echo(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


class TrackerGroup(click.Group):
    """Turns known errors into one line on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        from eventsourcing.persistence import PersistenceError
        from sqlalchemy.exc import SQLAlchemyError

        from tracker.readmodels import ProjectionError, ProjectionLag

        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except (
            DomainError,
            ConfigError,
            DatabaseUnavailable,
            ValueError,
            LookupError,
            ProjectionError,
            ProjectionLag,
        ) as error:
            fail(str(error))
        except (PersistenceError, SQLAlchemyError) as error:
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            fail(f"database error: {first}")
        except BrokenPipeError as error:
            if stdout_closed():
                leave_quietly()
            fail(str(error))
        except OSError as error:
            fail(str(error))


def fail(message: str) -> None:
    click.echo(f"tracker: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


@click.group(cls=TrackerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--database",
    "database_url",
    metavar="URL",
    help="Database URL (overrides TRACKER_DATABASE_URL and the config file).",
)
@click.version_option(package_name="newsroom-tracker")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None) -> None:
    """Event-sourced newsroom story tracker."""
    ctx.obj = Context(database_url, ctx.invoked_subcommand)
    ctx.call_on_close(ctx.obj.close)


def main() -> None:
    # registers the subcommands (archive_identities: `archive identities`, under feeds' `archive`)
    from tracker.cli import archive_identities, bench, commands, evaluate, feeds, readmodels, web  # noqa: F401

    # The process ends with its command: spare it the interpreter's last
    # garbage collection over everything the command built (a cold poll
    # cycle's heap took a quarter of a second). Files and connections are
    # closed by then; the memory goes back with the process.
    atexit.register(gc.freeze)
    try:
        try:
            cli(prog_name="tracker")
        finally:
            sys.stdout.flush()  # what is still buffered, while a closed pipe can be told apart
    except BrokenPipeError:
        leave_quietly()
