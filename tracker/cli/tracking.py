"""Subcommands for a story's tracking rules and its suggestion inbox.

`tracker rules SLUG` shows or changes the rules: a new rule set is checked
strictly (no required group needs --track-anything, no term both wanted and
excluded), rules that say what the stored ones say append nothing, and
--preview shows what the change would do to the wire archive without saving.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

import click

from tracker.cli.feeds import _ingestion, _when
from tracker.cli.main import Context, cli, emit_json, fail, json_option, operator, pass_ctx


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@cli.command()
@click.argument("slug")
@click.option(
    "--file",
    "rules_file",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Replace the rules with a TOML file (all_of, any_of, none_of, ...; '-' reads stdin).",
)
@click.option("--add-group", multiple=True, help="Add an all_of group: aliases separated by commas.")
@click.option("--add-any", multiple=True, help="Add any_of terms (comma-separated).")
@click.option("--add-none", multiple=True, help="Add none_of exclusions (comma-separated).")
@click.option("--remove", multiple=True, help="Remove a term wherever it appears (comma-separated).")
@click.option("--party", multiple=True, help="Name a party: 'Google=Alphabet,Google DeepMind'.")
@click.option("--min-any", type=int, default=None, help="any_of terms needed for a strong match.")
@click.option(
    "--auto/--no-auto", "auto", default=None, help="Append strong matches by themselves (default) or suggest all."
)
@click.option(
    "--track-anything/--no-track-anything",
    "track_anything",
    default=None,
    help="Confirm rules without an all_of group: match anything that mentions one of the any_of terms.",
)
@click.option("--clear", is_flag=True, help="Remove every rule (the story then tracks nothing).")
@click.option("--preview", is_flag=True, help="Show what the new rules would do to the wire archive; save nothing.")
@click.option("--by", default=operator, show_default="cli:$USER", help="Who changed the rules.")
@json_option
@pass_ctx
def rules(
    ctx: Context,
    slug: str,
    rules_file: Path | None,
    add_group: tuple[str, ...],
    add_any: tuple[str, ...],
    add_none: tuple[str, ...],
    remove: tuple[str, ...],
    party: tuple[str, ...],
    min_any: int | None,
    auto: bool | None,
    track_anything: bool | None,
    clear: bool,
    preview: bool,
    by: str,
    as_json: bool,
) -> None:
    """Show or change a story's tracking rules (changing them re-matches the wire archive)."""
    from tracker.domain.rules import RulesError, parse_rules

    with _ingestion(ctx) as ingestion:
        current = ingestion.rules(slug)
        options = [rules_file, add_group, add_any, add_none, remove, party, clear]
        editing = any([*options, min_any is not None, auto is not None, track_anything is not None])
        if not editing:
            if as_json:
                emit_json(current)
            else:
                click.echo(_rules_text(current))
            return
        data = _edited(current.rules, rules_file, add_group, add_any, add_none, remove, party, clear)
        if min_any is not None:
            data["min_any"] = min_any
        if auto is not None:
            data["auto_append"] = auto
        if track_anything is not None:
            data["track_anything"] = track_anything
        data = {k: v for k, v in data.items() if v not in ([], {}, None)}
        try:
            new = parse_rules(data, strict=True)
        except RulesError as error:
            hint = " (or confirm with --track-anything)" if "track_anything" in error.problem else ""
            fail(f"{error}{hint}")
            return
        if preview:
            _preview(ingestion, slug, current.rules, new, as_json)
            return
        if _says_the_same(current.rules, new.to_dict()):
            click.echo(f"Nothing changed: the rules of {slug} are as they were; nothing was saved.")
            return
        change = ingestion.change_rules(slug, new.to_dict(), by=by)
        after = ingestion.rules(slug)
    if as_json:
        emit_json({"change": change, "rules": after})
        return
    click.echo(
        f"Rules of {slug} changed (story version {change.version}, rules {change.digest}); "
        f"archive re-matched: {change.reports_appended} reports appended, {change.suggested} suggested"
    )
    click.echo(_rules_text(after))


def _edited(
    rules: Any,
    rules_file: Path | None,
    add_group: tuple[str, ...],
    add_any: tuple[str, ...],
    add_none: tuple[str, ...],
    remove: tuple[str, ...],
    party: tuple[str, ...],
    clear: bool,
) -> dict[str, Any]:
    """The current rules with the command line's edits."""
    data: dict[str, Any] = {} if clear else _copy_rules(rules)
    if rules_file is not None:
        text = sys.stdin.read() if str(rules_file) == "-" else rules_file.read_text(encoding="utf-8")
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{rules_file}: not valid TOML ({error})") from None
        data = dict(document.get("rules", document.get("story", {}).get("rules", document)))
    for group in add_group:
        data.setdefault("all_of", []).append(_split((group,)))
    data["any_of"] = list(data.get("any_of", [])) + _split(add_any)
    data["none_of"] = list(data.get("none_of", [])) + _split(add_none)
    for spec in party:
        name, _, aliases = spec.partition("=")
        data.setdefault("parties", {})[name.strip()] = _split((aliases,))
    gone = {t.casefold() for t in _split(remove)}
    if gone:
        data["all_of"] = [[t for t in g if t.casefold() not in gone] for g in data.get("all_of", [])]
        data["all_of"] = [g for g in data["all_of"] if g]
        for key in ("any_of", "none_of"):
            data[key] = [t for t in data.get(key, []) if t.casefold() not in gone]
    return data


def _says_the_same(stored: Any, wanted: dict[str, Any]) -> bool:
    from tracker.domain.rules import RulesError, parse_rules

    try:
        return parse_rules(dict(stored)).to_dict() == wanted
    except RulesError:
        return False


def _preview(ingestion: Any, slug: str, stored: Any, new: Any, as_json: bool) -> None:
    from tracker.domain.rules import Rules, RulesError, parse_rules
    from tracker.domain.vocabulary import Status
    from tracker.ingest.preview import preview_rules
    from tracker.ingest.tracking import tracked_under

    try:
        old = parse_rules(dict(stored))
    except RulesError:
        old = Rules()
    status = ingestion.queries.story(slug, timeline_limit=1).status
    story = tracked_under(ingestion.newsroom, slug, new)
    found = preview_rules(ingestion.store, slug, old, new, appends=status != Status.CONCLUDED.value, story=story)
    if as_json:
        emit_json(found)
        return
    for line in found.lines():
        click.echo(line)
    click.echo("Nothing was saved (--preview).")


def _copy_rules(rules: Any) -> dict[str, Any]:
    return {
        k: (
            [list(g) if isinstance(g, (list, tuple)) else g for g in v]
            if isinstance(v, (list, tuple))
            else dict(v)
            if isinstance(v, dict)
            else v
        )
        for k, v in dict(rules).items()
    }


def _rules_text(view: Any) -> str:
    rules = view.rules
    if not view.tracks_anything:
        return f"{view.slug}: no tracking rules (the story follows no feeds)."
    lines = [f"Tracking rules of {view.slug} (rules {view.digest})"]
    for index, group in enumerate(rules.get("all_of", [])):
        group = [group] if isinstance(group, str) else group
        lines.append(f"  all_of[{index}]: one of {', '.join(group)}")
    if not rules.get("all_of") and rules.get("track_anything"):
        lines.append("  no all_of group (confirmed: anything that mentions an any_of term)")
    if rules.get("any_of"):
        lines.append(f"  any_of (at least {rules.get('min_any', 1)} for a strong match): {', '.join(rules['any_of'])}")
    if rules.get("none_of"):
        lines.append(f"  none_of (excluded): {', '.join(rules['none_of'])}")
    for name, aliases in dict(rules.get("parties", {})).items():
        lines.append(f"  party {name}: {', '.join(aliases) or '-'}")
    if rules.get("not_parties"):
        lines.append(f"  not parties: {', '.join(rules['not_parties'])}")
    lines.append(
        "  strong matches are " + ("appended automatically" if rules.get("auto_append", True) else "only suggested")
    )
    return "\n".join(lines)


# -- suggestions ----------------------------------------------------------------------------


@cli.command()
@click.argument("slug")
@click.option("--all", "everything", is_flag=True, help="Include accepted, rejected and withdrawn ones.")
@click.option(
    "--withdrawn", is_flag=True, help="Only the withdrawn ones (a rules change stopped matching them), with why."
)
@json_option
@pass_ctx
def suggestions(ctx: Context, slug: str, everything: bool, withdrawn: bool, as_json: bool) -> None:
    """A story's suggestion inbox: weaker matches waiting for a journalist."""
    if withdrawn:
        _withdrawn(ctx, slug, as_json)
        return
    with _ingestion(ctx) as ingestion:
        views = ingestion.suggestions(slug, include_decided=everything)
    if as_json:
        emit_json(views)
        return
    if not views:
        click.echo(f"No {'' if everything else 'open '}suggestions for {slug}.")
        return
    for v in views:
        click.echo(f"{v.suggestion_id}  [{v.outcome}]  {_when(v.published_at or v.first_seen_at)}  {v.headline}")
        click.echo(f"    {v.feed_name or v.feed_url}  {v.link or ''}")
        click.echo(f"    why: {v.explanation}")


def _withdrawn(ctx: Context, slug: str, as_json: bool) -> None:
    from tracker.ingest.withdrawals import withdrawn_suggestions

    with _ingestion(ctx) as ingestion:
        found = withdrawn_suggestions(ingestion.inbox, slug)
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo(f"No withdrawn suggestions for {slug}.")
        return
    for w in found:
        v = w.suggestion
        click.echo(f"{v.suggestion_id}  [withdrawn {_when(v.decided_at)}]  {v.headline}")
        click.echo(f"    {v.feed_name or v.feed_url}  {v.link or ''}")
        click.echo(f"    why: {w.why}; it comes back to the inbox when the rules match it again")


@cli.group()
def suggestion() -> None:
    """Accept or reject a suggestion."""


@suggestion.command("accept")
@click.argument("slug")
@click.argument("suggestion_id")
@click.option("--by", required=True, help="Who accepted it.")
@pass_ctx
def suggestion_accept(ctx: Context, slug: str, suggestion_id: str, by: str) -> None:
    """Append the suggested item to the story as a report."""
    with _ingestion(ctx) as ingestion:
        report_id = ingestion.accept_suggestion(slug, suggestion_id, by)
    click.echo(f"Accepted {suggestion_id}: report {report_id} appended to {slug}")


@suggestion.command("reject")
@click.argument("slug")
@click.argument("suggestion_id")
@click.option("--by", required=True, help="Who rejected it.")
@pass_ctx
def suggestion_reject(ctx: Context, slug: str, suggestion_id: str, by: str) -> None:
    """Reject: the item is remembered and never suggested to this story again."""
    with _ingestion(ctx) as ingestion:
        ingestion.reject_suggestion(slug, suggestion_id, by)
    click.echo(f"Rejected {suggestion_id}")
