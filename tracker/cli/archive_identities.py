"""``tracker archive identities [--feed URL]``: the archive's identity changes
(an item's link changed, its GUID switched, or it came as a copy through another feed)."""

from __future__ import annotations

import click

from tracker.cli.feeds import _ingestion, _when, archive
from tracker.cli.main import Context, emit_json, json_option, pass_ctx


@archive.command("identities")
@click.option("--feed", "feed_url", default=None, metavar="URL", help="Only this feed's items.")
@click.option("--limit", type=int, default=50, show_default=True)
@json_option
@pass_ctx
def archive_identities(ctx: Context, feed_url: str | None, limit: int, as_json: bool) -> None:
    """Archived items recognised under a new link or GUID, or as copies from another feed."""
    with _ingestion(ctx) as ingestion:
        found = ingestion.identity_changes(feed_url=feed_url, limit=limit)
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("No identity changes" + (f" for {feed_url}." if feed_url else "."))
    for change in found:
        click.echo(f"{change.item_id:>6}  {_when(change.changed_at)}  {change.kind:<12}  {change.feed_url}")
        if change.old_identity != change.new_identity:
            click.echo(f"        guid: {change.old_identity} -> {change.new_identity}")
        if change.old_link != change.new_link:
            click.echo(f"        link: {change.old_link} -> {change.new_link}")
