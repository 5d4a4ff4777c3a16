"""Subcommands for a story's parties and its reports' readings:
``tracker party accept|dismiss SLUG NAME`` and ``tracker reclassify SLUG --all``."""

from __future__ import annotations

import click

from tracker.cli.main import Context, cli, emit_json, fail, json_option, operator, pass_ctx
from tracker.cli.progress import counts, meter


@cli.group()
def party() -> None:
    """Make a suggested name a party of a story, or dismiss it."""


@party.command("accept")
@click.argument("slug")
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, help="Another spelling of the name (repeat for more).")
@click.option("--by", default=operator, show_default="cli:$USER", help="Who made the change.")
@pass_ctx
def party_accept(ctx: Context, slug: str, name: str, aliases: tuple[str, ...], by: str) -> None:
    """Make NAME one of the story's parties (it leaves the suggestions)."""
    version = ctx.app.accept_party(slug, name, aliases=aliases, by=by)
    also = f" (also spelled {', '.join(aliases)})" if aliases else ""
    click.echo(f"{slug}: {name} is now a party{also} (version {version})")


@party.command("dismiss")
@click.argument("slug")
@click.argument("name")
@click.option("--by", default=operator, show_default="cli:$USER", help="Who made the change.")
@pass_ctx
def party_dismiss(ctx: Context, slug: str, name: str, by: str) -> None:
    """Say NAME is not a party of the story: it is never suggested again."""
    version = ctx.app.dismiss_party(slug, name, by=by)
    click.echo(f"{slug}: {name} dismissed (version {version})")


@cli.command()
@click.argument("slug")
@click.option("--all", "every", is_flag=True, help="Re-read every report a classifier last read.")
@click.option("--dry-run", is_flag=True, help="Show what would change; record nothing.")
@json_option
@pass_ctx
def reclassify(ctx: Context, slug: str, every: bool, dry_run: bool, as_json: bool) -> None:
    """Re-read a story's reports with the current reader (reports an editor
    read are left alone); one report by hand: `tracker report reclassify`."""
    if not every:
        fail("give --all to re-read every report (one report by hand: tracker report reclassify SLUG ID)")
    from tracker.application.reading import reclassify_all

    with meter("re-read", "reports", quiet=as_json or dry_run) as shown:
        changed = reclassify_all(ctx.app, slug, dry_run=dry_run, progress=counts(shown))
    if as_json:
        emit_json(
            {
                "slug": slug,
                "dry_run": dry_run,
                "reports": [
                    {"report_id": c.report.report_id, "headline": c.report.headline, "differences": c.differences()}
                    for c in changed
                ],
            }
        )
        return
    for change in changed:
        click.echo(f"{change.report.report_id}  {change.report.headline}")
        for line in change.differences():
            click.echo(f"    {line}")
        click.echo("")
    count = len(changed)
    noun = "report" if count == 1 else "reports"
    click.echo(f"{count} {noun} would change" if dry_run else f"{count} {noun} re-read")
