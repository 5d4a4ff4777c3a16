"""`tracker report correct` (any field of a report) and `tracker summary`
(the story's standfirst): the web's Correct and settings forms, by hand.

A refusal is the domain's named error, which main.py prints as one line
(``tracker: error: published_at: ...``) with exit status 1.
"""

from __future__ import annotations

from typing import Any

import click

from tracker.cli.commands import report, split_list
from tracker.cli.main import Context, cli, emit_json, json_option, operator, pass_ctx
from tracker.moments import parse_moment


@report.command("correct")
@click.argument("slug")
@click.argument("report_id")
@click.option("--reason", required=True, help="Why it is corrected (kept with the correction).")
@click.option("--headline")
@click.option("--summary")
@click.option("--url")
@click.option("--outlet")
@click.option("--attribution")
@click.option("--published", metavar="ISO8601", help="The date it was really published.")
@click.option("--party", "parties", multiple=True, help="Replace the parties (repeat or comma-separate).")
@click.option("--speaker", "speakers", multiple=True, help="Replace the speakers (default: those still parties).")
@click.option("--by", default=operator, show_default="cli:$USER", help="Who made the change.")
@json_option
@pass_ctx
def report_correct(
    ctx: Context,
    slug: str,
    report_id: str,
    reason: str,
    headline: str | None,
    summary: str | None,
    url: str | None,
    outlet: str | None,
    attribution: str | None,
    published: str | None,
    parties: tuple[str, ...],
    speakers: tuple[str, ...],
    by: str,
    as_json: bool,
) -> None:
    """Correct any field of a report; the earlier values are kept."""
    fields: dict[str, Any] = {
        name: value
        for name, value in (
            ("headline", headline),
            ("summary", summary),
            ("url", url),
            ("outlet", outlet),
            ("attribution", attribution),
        )
        if value is not None
    }
    if published is not None:
        fields["published_at"] = parse_moment(published, "published")
    if parties:
        fields["parties"] = split_list(parties)
    if speakers:
        fields["speakers"] = split_list(speakers)
    version = ctx.app.correct_report(slug, report_id, reason=reason, by=by, **fields)
    if as_json:
        emit_json({"slug": slug, "report_id": report_id, "version": version})
    else:
        click.echo(f"Corrected {report_id} (story version {version})")


@cli.command()
@click.argument("slug")
@click.argument("text")
@click.option("--by", default=operator, show_default="cli:$USER", help="Who made the change.")
@pass_ctx
def summary(ctx: Context, slug: str, text: str, by: str) -> None:
    """Give a story a new summary (an empty TEXT clears it)."""
    version = ctx.app.change_summary(slug, text, by=by)
    click.echo(f"{slug}: summary changed (version {version})")
