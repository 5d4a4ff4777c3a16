"""`tracker eval`: the labelled evaluation set through the real pipeline (see tracker/evaluation)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tracker.cli.main import cli, fail
from tracker.cli.progress import counts, meter
from tracker.config import PROJECT_ROOT

DEFAULT_SET = PROJECT_ROOT / "tests" / "fixtures" / "eval"


@cli.command("eval")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="FILE",
    help="Also write the figures and every miss as JSON.",
)
@click.option("--quiet", is_flag=True, help="Do not print each poll stage.")
def evaluate(path: Path | None, json_file: Path | None, quiet: bool) -> None:
    """Score the tracker on a labelled set (default: tests/fixtures/eval).

    A fresh temporary store; the set's stories opened with their rules; the
    items served as RSS on 127.0.0.1 and polled in stages up to each
    checkpoint. Prints attachment, kinds, relations, speakers, relevance,
    thread and open-question figures, then every miss. Exit 0 when it ran."""
    from tracker.evaluation.dataset import load_dataset
    from tracker.evaluation.metrics import score
    from tracker.evaluation.report import figures, render
    from tracker.evaluation.runner import EvaluationFailed, run_evaluation

    dataset = load_dataset(path or DEFAULT_SET)
    try:
        # on a terminal a bar over the stages; elsewhere a line per stage, unless --quiet
        with meter("eval", "stages", quiet=quiet) as shown:
            lines = None if quiet or shown is not None else lambda line: click.echo(line, err=True)
            result = run_evaluation(dataset, log=lines, progress=counts(shown))
    except EvaluationFailed as error:
        fail(f"the evaluation did not run: {error}")
        return
    scores = score(result)
    click.echo(render(scores, result))
    if json_file is not None:
        json_file.write_text(json.dumps(figures(scores, result), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
