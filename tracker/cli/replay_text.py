"""``tracker story SLUG --replay``: the state of a story after each step of its replay.

The steps are tracker.application.replay's, the same the story page's
replay control walks through.
"""

from __future__ import annotations

from typing import Any

import click

from tracker.application.queries import StoryQueries
from tracker.application.replay import Replay, ReplayStep, replay_story
from tracker.application.views import to_jsonable
from tracker.cli.main import emit_json
from tracker.cli.render import state_lines


def print_replay(reads: StoryQueries, slug: str, *, as_json: bool, travelling: bool) -> None:
    if travelling:
        raise ValueError("--replay walks the whole story: give it without --as-of or --version")
    _view, story_replay = replay_story(reads, slug)
    if as_json:
        emit_json(replay_json(story_replay))
    else:
        click.echo(replay_text(story_replay))


def replay_text(story_replay: Replay) -> str:
    if not story_replay.steps:
        return f"{story_replay.slug}: no reports to replay yet."
    total = len(story_replay.steps)
    lines: list[str] = []
    for step in story_replay.steps:
        lines.extend(step_lines(step, total))
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def step_lines(step: ReplayStep, total: int) -> list[str]:
    """One step: what happened, the report that says so, then the state just after it."""
    report = step.report
    lines = [
        f"Step {step.number}/{total}  {report.published_at:%Y-%m-%d}  {step.headline}",
        f"  {report.headline}  ({report.outlet or 'unknown outlet'}, {report.report_id})",
    ]
    lines.extend(f"  {line}" for line in state_lines(step.state))
    return lines


def replay_json(story_replay: Replay) -> dict[str, Any]:
    """The steps as JSON: what happened and the state after each."""
    return {
        "slug": story_replay.slug,
        "steps": [
            {
                "step": step.number,
                "published_at": step.report.published_at.isoformat(),
                "report_id": step.report.report_id,
                "headline": step.report.headline,
                "what": step.headline,
                "first": step.first,
                "moves": [
                    {"thread": m.label, "before": m.before, "after": m.after, "report_id": m.cause.report_id}
                    for m in step.moves
                ],
                "answered": [q.question for q in step.answered],
                "raised": [q.question for q in step.raised],
                "reports_so_far": step.reports_so_far,
                "state": to_jsonable(step.state),
            }
            for step in story_replay.steps
        ],
    }
