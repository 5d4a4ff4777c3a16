"""`tracker bench`: the benchmark suite (see tracker/bench)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tracker.cli.main import Context, cli, pass_ctx


@cli.command()
@click.argument("workloads", nargs=-1)
@click.option("--quick", is_flag=True, help="Small sizes: the whole suite in under two minutes.")
@click.option("--tiny", is_flag=True, hidden=True, help="Smallest sizes, for the test of this command.")
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE",
    help="Also write the results, every run included, as JSON.",
)
@click.option(
    "--database",
    "server_url",
    metavar="URL",
    help="PostgreSQL server to create (and drop) temporary databases on; default: temp SQLite files.",
)
@click.option(
    "--stories",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Extra stories with distinct rules that match nothing, opened before the ingest cycles.",
)
@pass_ctx
def bench(
    ctx: Context,
    workloads: tuple[str, ...],
    quick: bool,
    tiny: bool,
    json_file: str | None,
    server_url: str | None,
    stories: int,
) -> None:
    """Run the benchmark workloads (default: all of them) in fresh temporary stores.

    Workloads: append, replay, as-of, lag, ingest-cold, ingest-warm, ingest-dupes
    (a cold cycle where a fifth of the items are near-duplicates across feeds), web.
    Prints median, min-max and ratio to the reference of each figure."""
    from tracker.bench.results import render_table, to_json
    from tracker.bench.stores import check_server_url
    from tracker.bench.suite import choose, environment, run_suite

    names = choose(workloads)
    if server_url:
        check_server_url(server_url)
    scale = "tiny" if tiny else "quick" if quick else "full"
    results = run_suite(names, scale, server_url, lambda line: click.echo(line, err=True), stories=stories)
    meta = {
        **environment(),
        "scale": scale,
        "command": "tracker bench "
        + " ".join(
            [
                *workloads,
                *(["--quick"] if quick else []),
                *(["--tiny"] if tiny else []),
                *([f"--stories {stories}"] if stories else []),
            ]
        ),
    }
    click.echo(f"tracker bench: {meta['machine']}, Python {meta['python']}, scale {scale}, {meta['when']}")
    click.echo(render_table(results))
    if json_file:
        Path(json_file).write_text(json.dumps(to_json(results, meta), indent=2) + "\n")
