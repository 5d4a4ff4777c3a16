"""`tracker replay`: rebuild (or verify) every read model from the event log.

Poisoned events (stored events the views cannot take, see
:mod:`tracker.readmodels.poison`) do not stop them: each is named in a
warning on stderr and the command succeeds.
"""

from __future__ import annotations

import click

from tracker.cli.main import Context, cli, fail, pass_ctx
from tracker.cli.progress import counts, meter
from tracker.tuning import Tuning


def warn_poisoned(projector: object) -> None:
    """One warning line per poisoned event the views skipped."""
    for poisoning in projector.poisonings():  # type: ignore[attr-defined]
        click.echo(f"tracker: warning: {poisoning.describe()}", err=True)


@cli.command("replay")
@click.option("--verify", is_flag=True, help="Rebuild into fresh tables and compare row by row with the live ones.")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 100_000),
    default=Tuning().replay_batch,
    show_default=True,
    help="Events read and applied at a time (three batches are in memory at once).",
)
@click.option(
    "--commit-every",
    type=click.IntRange(1, 1_000_000),
    default=Tuning().replay_transaction,
    show_default=True,
    help="Events per transaction (a killed replay redoes at most this many).",
)
@click.option(
    "--parts",
    type=click.IntRange(1, 16),
    default=None,
    help="Processes rebuilding an SQLite file, each a range of stories "
    "[default: one per core when the log holds 100,000 events or more].",
)
@pass_ctx
def replay_cmd(ctx: Context, verify: bool, batch_size: int, commit_every: int, parts: int | None) -> None:
    """Drop and rebuild every read model from the event log (a killed replay resumes)."""
    from tracker.bootstrap import open_runtime
    from tracker.readmodels import replay
    from tracker.readmodels.verify import verify as verify_views

    runtime = open_runtime(ctx.settings, catch_up=False)
    runtime.projector.views.log_poison = False  # named once, at the end
    try:
        if verify:
            with meter("verify", "events") as shown:
                differences = verify_views(runtime.projector, progress=counts(shown))
            for line in differences:
                click.echo(line)
            warn_poisoned(runtime.projector)
            if differences:
                fail(f"read models differ from a clean rebuild ({len(differences)} differences shown above)")
            click.echo("Read models match a clean rebuild.")
            return
        with meter("replay", "events") as shown:
            result = replay(
                runtime.projector,
                progress=counts(shown),
                batch_size=batch_size,
                events_per_transaction=commit_every,
                parts=parts,
            )
        warn_poisoned(runtime.projector)
        rate = result.applied / result.seconds if result.seconds else 0.0
        click.echo(
            f"Replayed {result.applied:,} events in {result.seconds:.1f}s ({rate:,.0f} events/s); position {result.position}"
        )
    finally:
        runtime.close()


@cli.command("project")
@pass_ctx
def project_cmd(ctx: Context) -> None:
    """Keep the read models current until interrupted (PostgreSQL: LISTEN/NOTIFY; SQLite: polling)."""
    import signal
    import threading

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(f"Projecting from notification {ctx.runtime.projector.position()}; Ctrl-C to stop.")
    warn_poisoned(ctx.runtime.projector)
    try:
        ctx.runtime.projector.run_forever(stop)
    except KeyboardInterrupt:
        stop.set()
