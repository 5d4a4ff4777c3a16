"""Subcommands for stories, reports, seeding and moving events in and out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracker.application import Mode
from tracker.application.queries import StoryQueries
from tracker.cli import render
from tracker.cli.main import Context, cli, emit_json, json_option, operator, pass_ctx
from tracker.moments import parse_moment


def queries(ctx: Context) -> StoryQueries:
    """What the commands read through: the read models (never the Newsroom's replaying queries)."""
    return ctx.runtime.catalog


def split_list(values: tuple[str, ...]) -> list[str]:
    """--kind a --kind b and --kind a,b both work."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


@cli.command()
@pass_ctx
def init(ctx: Context) -> None:
    """Create the database schema (idempotent)."""
    app = ctx.app
    from tracker.persistence import describe_url

    click.echo(
        f"Database ready: {describe_url(ctx.settings.database_url)} ({app.recorder.max_notification_id() or 0} events)"
    )


@cli.command()
@json_option
@pass_ctx
def seed(ctx: Context, as_json: bool) -> None:
    """Load the seed stories from seeds/ (a second run appends nothing)."""
    from tracker.seed import load_seed, seed_files

    results = [load_seed(ctx.app, path) for path in seed_files()]
    if as_json:
        emit_json(results)
        return
    for result in results:
        state = "opened" if result.opened else "already present"
        click.echo(f"{result.slug}: {state}, {result.reports_added} reports added")


@cli.command()
@json_option
@pass_ctx
def stories(ctx: Context, as_json: bool) -> None:
    """List stories, most recently changed first."""
    summaries = queries(ctx).stories()
    if as_json:
        emit_json(summaries)
    else:
        click.echo(render.stories_table(summaries))


@cli.command()
@click.argument("slug")
@click.option("--as-of", "as_of", metavar="ISO8601", help="Show the story as it stood at this moment.")
@click.option(
    "--mode",
    type=click.Choice([m.value for m in Mode]),
    default=Mode.REPORTED.value,
    show_default=True,
    help="reported: what had been published by then (as the web page); recorded: what the tracker knew then.",
)
@click.option("--version", "version", type=int, help="Show the story at this version.")
@click.option("--replay", is_flag=True, help="Print the state after each step of its developments, in published order.")
@json_option
@pass_ctx
def story(
    ctx: Context, slug: str, as_of: str | None, mode: str, version: int | None, replay: bool, as_json: bool
) -> None:
    """Show a story: threads, open questions, parties, suggestions and the timeline."""
    if as_of and version is not None:
        raise ValueError("--as-of and --version: give one or the other, not both")
    reads = queries(ctx)
    if replay:
        from tracker.cli.replay_text import print_replay

        print_replay(reads, slug, as_json=as_json, travelling=bool(as_of) or version is not None)
        return
    if as_of:
        view = reads.story_as_of(slug, parse_moment(as_of, "--as-of", end_of_day=True), Mode(mode))
    elif version is not None:
        view = reads.story_at_version(slug, version)
    else:
        view = reads.story(slug)
    if as_json:
        from web.story_json import story_json  # the API's shape

        emit_json(story_json(view))
    else:
        click.echo(render.story_text(view))


@cli.command()
@click.argument("slug")
@json_option
@pass_ctx
def history(ctx: Context, slug: str, as_json: bool) -> None:
    """Show every event of a story, in order."""
    entries = queries(ctx).history(slug)
    if as_json:
        emit_json(entries)
    else:
        click.echo(render.history_text(entries))


@cli.command("open")
@click.option("--title", required=True)
@click.option("--slug", default="", help="Defaults to one made from the title.")
@click.option("--summary", default="")
@click.option("--by", default=operator, show_default="cli:$USER", help="Who opened it.")
@json_option
@pass_ctx
def open_story(ctx: Context, title: str, slug: str, summary: str, by: str, as_json: bool) -> None:
    """Open a new story."""
    slug = ctx.app.open_story(title=title, slug=slug, summary=summary, by=by)
    if as_json:
        emit_json({"slug": slug})
    else:
        click.echo(f"Opened {slug}")


@cli.command()
@click.argument("slug")
@click.argument("title")
@click.option("--by", default=operator, show_default="cli:$USER", help="Who made the change.")
@pass_ctx
def retitle(ctx: Context, slug: str, title: str, by: str) -> None:
    """Give a story a new title."""
    version = ctx.app.retitle_story(slug, title, by=by)
    click.echo(f"{slug}: retitled (version {version})")


@cli.command()
@click.argument("slug")
@click.argument("status")
@click.option("--by", default=operator, show_default="cli:$USER", help="Who made the change.")
@pass_ctx
def status(ctx: Context, slug: str, status: str, by: str) -> None:
    """Set a story's status: developing, quiet or concluded."""
    version = ctx.app.change_status(slug, status, by=by)
    click.echo(f"{slug}: now {status} (version {version})")


@cli.group()
def report() -> None:
    """Add, correct, retract or reclassify reports."""


@report.command("add")
@click.argument("slug")
@click.option("--headline", required=True)
@click.option("--published", required=True, metavar="ISO8601", help="When the outlet published it.")
@click.option("--kind", "kinds", multiple=True, required=True, help="Repeat or comma-separate.")
@click.option("--party", "parties", multiple=True, help="Repeat or comma-separate.")
@click.option(
    "--speaker",
    "speakers",
    multiple=True,
    help="Who declined, did not respond, confirmed or denied (default: every party named).",
)
@click.option("--summary", default="")
@click.option("--outlet", default="")
@click.option("--url", default="")
@click.option("--attribution", default="")
@click.option("--id", "report_id", default="", help="Defaults to a new id.")
@click.option("--by", default=operator, show_default="cli:$USER", help="Who added it.")
@json_option
@pass_ctx
def report_add(
    ctx: Context,
    slug: str,
    headline: str,
    published: str,
    kinds: tuple[str, ...],
    parties: tuple[str, ...],
    speakers: tuple[str, ...],
    summary: str,
    outlet: str,
    url: str,
    attribution: str,
    report_id: str,
    by: str,
    as_json: bool,
) -> None:
    """Add a report to a story by hand."""
    new_id = ctx.app.add_report(
        slug,
        report_id=report_id,
        headline=headline,
        published_at=parse_moment(published, "published"),
        kinds=split_list(kinds),
        parties=split_list(parties),
        speakers=split_list(speakers),
        summary=summary,
        outlet=outlet,
        url=url,
        attribution=attribution,
        by=by,
    )
    if as_json:
        emit_json({"slug": slug, "report_id": new_id})
    else:
        click.echo(f"Added report {new_id} to {slug}")


@report.command("retract")
@click.argument("slug")
@click.argument("report_id")
@click.option("--reason", required=True)
@click.option("--by", default=operator, show_default="cli:$USER", help="Who made the change.")
@pass_ctx
def report_retract(ctx: Context, slug: str, report_id: str, reason: str, by: str) -> None:
    """Retract a report: it leaves the story's state but stays in its history."""
    version = ctx.app.retract_report(slug, report_id, reason=reason, by=by)
    click.echo(f"Retracted {report_id} (story version {version})")


@report.command("reclassify")
@click.argument("slug")
@click.argument("report_id")
@click.option("--kind", "kinds", multiple=True, required=True)
@click.option("--party", "parties", multiple=True, help="Replace the parties named (default: keep).")
@click.option("--speaker", "speakers", multiple=True, help="Replace the speakers (default: keep).")
@click.option("--by", required=True, help="Who reclassified it.")
@pass_ctx
def report_reclassify(
    ctx: Context,
    slug: str,
    report_id: str,
    kinds: tuple[str, ...],
    parties: tuple[str, ...],
    speakers: tuple[str, ...],
    by: str,
) -> None:
    """Give a report new kinds (and parties, speakers)."""
    version = ctx.app.reclassify_report(
        slug,
        report_id,
        kinds=split_list(kinds),
        parties=split_list(parties) if parties else None,
        speakers=split_list(speakers) if speakers else None,
        by=by,
    )
    click.echo(f"Reclassified {report_id} (story version {version})")


@cli.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def export_cmd(ctx: Context, file: Path | None) -> None:
    """Write every event as NDJSON, in order (to FILE or standard output)."""
    from tracker.transfer import export_events

    if file is None:
        export_events(ctx.app, sys.stdout)
        return
    tmp = file.with_name(file.name + ".partial")
    with tmp.open("w", encoding="utf-8") as out:
        count = export_events(ctx.app, out)
    tmp.replace(file)
    click.echo(f"Exported {count} events to {file}", err=True)


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def import_cmd(ctx: Context, file: Path) -> None:
    """Load an exported NDJSON file into an empty store (all or nothing)."""
    from tracker.transfer import import_events

    count = import_events(ctx.app, file)
    click.echo(f"Imported {count} events from {file}")


@cli.command()
@click.option(
    "--demo/--no-demo",
    default=True,
    show_default=True,
    help="The poller also serves and follows the seed story's demo follow-up feed on loopback.",
)
@pass_ctx
def run(ctx: Context, demo: bool) -> None:
    """Show the stories, then serve the web UI with the poller (Ctrl+C stops both)."""
    from tracker.cli.web import run_everything

    click.echo(render.stories_table(queries(ctx).stories()))
    run_everything(ctx, demo=demo)


import tracker.cli.corrections  # noqa: E402 - registers `report correct` and `summary`
import tracker.cli.parties  # noqa: E402, F401 - registers `party` and `reclassify`
