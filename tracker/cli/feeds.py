"""Subcommands for feeds, tracking rules, suggestions, polling and the poller process."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click

from tracker.cli.main import Context, cli, emit_json, fail, json_option, operator, pass_ctx
from tracker.cli.progress import meter


def _ingestion(ctx: Context, **kwargs: Any):  # type: ignore[no-untyped-def]
    from tracker.ingest.hooks import from_environment
    from tracker.ingest.service import Ingestion
    from tracker.tuning import Tuning

    # the kill tests' knobs (TRACKER_FAILPOINT, TRACKER_POLL_LEASE_SECONDS) are read here, at the edge
    tuning = from_environment(Tuning.from_settings(ctx.settings))
    return Ingestion(ctx.runtime, tuning=tuning, allowed_origins=demo_origins(ctx), **kwargs)


def demo_origins(ctx: Context) -> list[tuple[str, int]]:
    """The loopback origin of the demo feed `tracker run` serves (tracker/ingest/demo.py),
    allowed past the private-address guard as `tracker worker --demo` allows it: a poll
    beside `make run` then checks that feed instead of marking it failing. Only feeds
    the demo registered (source "demo") on a loopback address qualify."""
    from urllib.parse import urlsplit

    from tracker.ingest.store import IngestStore

    origins = []
    for feed in IngestStore(ctx.runtime.engine).list_feeds():
        parts = urlsplit(feed.url)
        if feed.source == "demo" and parts.scheme == "http" and parts.hostname in LOOPBACK and parts.port:
            origins.append((parts.hostname, parts.port))
    return origins


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def parse_interval(text: str | None) -> int | None:
    """'900', '90s', '15m', '2h' -> seconds."""
    if text is None:
        return None
    found = re.fullmatch(r"\s*(\d+)\s*([smh]?)\s*", text.lower())
    if not found:
        raise click.BadParameter(f"{text!r} is not a duration (e.g. 900, 15m, 2h)", param_hint="--interval")
    return int(found.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[found.group(2)]


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


# -- feeds ---------------------------------------------------------------------------


@cli.group()
def feed() -> None:
    """Feed subscriptions (RSS/Atom) and their health."""


@feed.command("add")
@click.argument("url")
@click.option("--name", default=None, help="A name for lists (default: the feed's title).")
@click.option("--interval", default=None, help="Check interval: seconds or 15m, 2h (default: poll.interval_seconds).")
@json_option
@pass_ctx
def feed_add(ctx: Context, url: str, name: str | None, interval: str | None, as_json: bool) -> None:
    """Subscribe to a feed: the URL is fetched once to make sure it is a feed."""
    with _ingestion(ctx) as ingestion:
        view = ingestion.add_feed(url, name=name, interval=parse_interval(interval))
    if as_json:
        emit_json(view)
    else:
        click.echo(f"Added feed {view.id}: {view.display_name} ({view.url}), every {view.interval_seconds} s")


@feed.command("list")
@json_option
@pass_ctx
def feed_list(ctx: Context, as_json: bool) -> None:
    """List feeds with their health: last success, last error, failures, next check."""
    with _ingestion(ctx) as ingestion:
        views = ingestion.list_feeds()
    if as_json:
        emit_json(views)
        return
    if not views:
        click.echo("No feeds yet. Add one with `tracker feed add URL`.")
        return
    click.echo(
        f"{'ID':>4} {'HEALTH':<8} {'ITEMS':>6} {'EVERY':>6}  {'LAST SUCCESS':<19}  {'NEXT CHECK':<19}  NAME / URL"
    )
    for v in views:
        click.echo(
            f"{v.id:>4} {v.health:<8} {v.items_total:>6} {v.interval_seconds:>5}s  "
            f"{_when(v.last_success_at):<19}  {_when(v.next_check_at):<19}  {v.display_name} <{v.url}>"
        )
        if v.consecutive_failures:
            click.echo(
                f"{'':>6}{v.consecutive_failures} failure(s) in a row; last error {_when(v.last_error_at)}: {v.last_error}"
            )
        elif v.last_error:
            click.echo(f"{'':>6}recovered; last error {_when(v.last_error_at)}: {v.last_error}")
        if v.last_warning:
            click.echo(f"{'':>6}warning: {v.last_warning}")


@feed.command("remove")
@click.argument("feed_ref", metavar="ID|URL")
@click.option("--by", default=operator, show_default="cli:$USER", help="Who removed it.")
@pass_ctx
def feed_remove(ctx: Context, feed_ref: str, by: str) -> None:
    """Unsubscribe (archived items and the reports they made stay; the feeds page can restore it)."""
    with _ingestion(ctx) as ingestion:
        view = ingestion.remove_feed(ingestion.find_feed(feed_ref).id, by=by)
    click.echo(f"Removed feed {view.id}: {view.url} (restore it under Recently removed on the feeds page)")


@feed.command("check")
@click.argument("feed_ref", metavar="ID|URL")
@json_option
@pass_ctx
def feed_check(ctx: Context, feed_ref: str, as_json: bool) -> None:
    """Poll one feed now, due or not."""
    with _ingestion(ctx) as ingestion:
        summary = ingestion.poll_feed_now(ingestion.find_feed(feed_ref).id)
    _print_summary(summary, as_json)


@feed.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def feed_export(ctx: Context, file: Path | None) -> None:
    """Write the subscriptions as OPML (to FILE or standard output)."""
    with _ingestion(ctx) as ingestion:
        text = ingestion.export_opml()
    if file is None:
        click.echo(text, nl=False)
    else:
        file.write_text(text, encoding="utf-8")
        click.echo(f"Exported {text.count('<outline')} feeds to {file}", err=True)


@feed.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--check/--no-check", default=False, help="Fetch each feed once before subscribing.")
@json_option
@pass_ctx
def feed_import(ctx: Context, file: Path, check: bool, as_json: bool) -> None:
    """Subscribe to every feed of an OPML file (nested outlines included)."""
    data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    with _ingestion(ctx) as ingestion:
        result = ingestion.import_opml(data, check=check)
    if as_json:
        emit_json(result)
        return
    click.echo(
        f"Imported {len(result.added)} feeds; {len(result.skipped)} already subscribed; {len(result.invalid)} refused"
    )
    for line in result.invalid:
        click.echo(f"  refused: {line}")


# -- polling --------------------------------------------------------------------------


def _print_summary(summary: Any, as_json: bool) -> None:
    if as_json:
        from tracker.application import to_jsonable

        data = to_jsonable(summary)
        data["matched"] = summary.matched
        import json

        click.echo(json.dumps(data, indent=2))
        return
    click.echo(summary.line())
    for failure in summary.failures:
        click.echo(f"  failed: {failure.url}: {failure.reason}")


@cli.command()
@click.option("--once", is_flag=True, required=True, help="Run one cycle over the due feeds and exit.")
@click.option("--all", "everything", is_flag=True, help="Check every feed, due or not.")
@json_option
@pass_ctx
def poll(ctx: Context, once: bool, everything: bool, as_json: bool) -> None:
    """Run one polling cycle and print what it did (for cron and scripts)."""
    with _ingestion(ctx) as ingestion:
        ingestion.sync_config_feeds()
        with meter("poll", "feeds", total=_to_check(ingestion, everything), quiet=as_json) as shown:
            progress = None if shown is None else lambda feeds, items: shown.step(feeds, note=f"{items:,} items")
            summary = ingestion.poll_all_now(progress) if everything else ingestion.poll_once(progress)
    _print_summary(summary, as_json)
    if summary.store_error:  # the cycle did not do its work: cron and scripts must see it
        fail(f"the database refused the cycle's writes ({summary.store_error}); nothing was stored")


@cli.command()
@click.option("--demo", is_flag=True, help="Also serve the seed story's follow-up feed on loopback and poll it.")
@click.option("--tick", type=float, default=None, help="Seconds between looks for due feeds.")
@click.option("--release-every", type=float, default=20.0, show_default=True, help="Demo: seconds between new items.")
@pass_ctx
def worker(ctx: Context, demo: bool, tick: float | None, release_every: float) -> None:
    """The poller process: APScheduler hands out cycles; pollers coordinate through the database."""
    from tracker.ingest.worker import run_worker

    run_worker(ctx.settings, demo=demo, tick=tick, release_every=release_every)


def _to_check(ingestion: Any, everything: bool) -> int:
    """The feeds a cycle will check: all of them, or those due now (the bar's length)."""
    from tracker.moments import now_utc

    feeds = ingestion.store.list_feeds()
    now = now_utc()
    return len(feeds) if everything else sum(1 for f in feeds if f.next_check_at <= now)


# -- archive ------------------------------------------------------------------------------


@cli.group()
def archive() -> None:
    """The wire archive: every feed item ever seen."""


@archive.command("search")
@click.argument("text")
@click.option("--limit", type=int, default=20, show_default=True)
@json_option
@pass_ctx
def archive_search(ctx: Context, text: str, limit: int, as_json: bool) -> None:
    """Items whose headline or summary contain every word of TEXT."""
    with _ingestion(ctx) as ingestion:
        found = ingestion.search_archive(text, limit)
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("Nothing in the archive matches.")
    for item in found:
        click.echo(f"{item.item_id:>6}  {_when(item.published_at or item.first_seen_at)}  {item.headline}")
        click.echo(f"        {item.feed_name or item.feed_url}  {item.link}")


from tracker.cli import tracking  # noqa: E402, F401 - registers `tracker rules` and the suggestion commands
