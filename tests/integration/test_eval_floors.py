"""The shipped evaluation set through the real pipeline (fresh SQLite store,
loopback RSS feeds, staged polls), in process: the figures stay above floors
set a little below what was measured, and `tracker eval` exits 0 on the set
and 1, with one line naming file and item, on a bad one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import evaluate  # noqa: F401 - registers `tracker eval`
from tracker.cli.main import cli
from tracker.config import PROJECT_ROOT
from tracker.evaluation.dataset import load_dataset
from tracker.evaluation.metrics import Scores, score
from tracker.evaluation.report import figures
from tracker.evaluation.runner import RunResult, run_evaluation

SHIPPED = PROJECT_ROOT / "tests" / "fixtures" / "eval"

# Floors, a little below the figures measured on the code of 1 December 2026,
# 23:00 (reader/2: background clauses, known cases, rival suitors, the story's
# anchor): attachment recall 0.818 (14 context items wait in the inbox), with
# suggestions 1.000, precision 1.000; kinds F1 1.000, relations 0.990,
# statements 1.000, attribution 1.000, relevance 1.000; threads 1.000, open
# questions 1.000; reader/3 (institutions, unions, venues, places; 1 December
# 2026, 23:35) measures the same on every in-repo set, so the floors stay.
# The reader was tuned on this set: see
# tests/fixtures/eval/README.md, holdout/ and holdout2/ (tuned on since).
ATTACHMENT_RECALL = 0.78  # relevant items appended as reports
ATTACHMENT_REACHED = 0.95  # appended or waiting in the inbox
ATTACHMENT_PRECISION = 0.97  # appended items that belong to the story
KINDS_F1 = 0.97
RELATIONS_F1 = 0.95
STATEMENTS_F1 = 0.97
ATTRIBUTION_ACCURACY = 0.97
RELEVANCE_ACCURACY = 0.97
THREADS_ACCURACY = 0.97
OPEN_QUESTIONS_ACCURACY = 0.97

#: The held-out sets, each once tuned on: (folder, floors a little below the
#: figures of 23:00) — holdout: everything 1.000 (attachment recall 0.895);
#: holdout2: kinds 0.966, relations 0.982, statements, attribution, relevance,
#: threads and open questions 1.000, precision 1.000, attachment recall 0.806,
#: with suggestions 1.000.
HOLDOUTS = {
    "holdout": {
        "precision": 0.97,
        "reached": 0.95,
        "kinds": 0.95,
        "relations": 0.95,
        "statements": 0.95,
        "state": 0.95,
    },
    "holdout2": {
        "precision": 0.97,
        "reached": 0.95,
        "kinds": 0.93,
        "relations": 0.95,
        "statements": 0.95,
        "state": 0.95,
    },
    # tuned on (reader/3), measured 2 December 2026 00:05: kinds 0.992, relations 0.950,
    # statements and attribution 1.000, threads 0.947, open questions 1.000, precision 1.000
    "holdout3": {
        "precision": 0.97,
        "reached": 0.95,
        "kinds": 0.95,
        "relations": 0.92,
        "statements": 0.95,
        "state": 0.92,
    },
    # measured blind, 2 December 2026 00:02 (see its README): a floor against going backwards,
    # far below the goals: kinds 0.875, relations 0.658, statements 0.833, attribution
    # 0.811, threads 0.404, open questions 0.462, precision 0.881 (5 distractors auto-attached)
    "holdout4": {
        "precision": 0.85,
        "reached": 0.95,
        "kinds": 0.84,
        "relations": 0.62,
        "statements": 0.78,
        "state": 0.38,
    },
}


@pytest.fixture(scope="module")
def measured() -> tuple[RunResult, Scores]:
    result = run_evaluation(load_dataset(SHIPPED))
    return result, score(result)


def test_every_checkpoint_and_story_was_read(measured: tuple[RunResult, Scores]) -> None:
    result, _scores = measured
    assert len(result.checkpoints) == len(result.dataset.checkpoints)
    assert set(result.stories) == {s.slug for s in result.dataset.stories}


def test_attachment_floors(measured: tuple[RunResult, Scores]) -> None:
    _result, scores = measured
    assert scores.attachment.recall >= ATTACHMENT_RECALL
    assert scores.attachment.reached >= ATTACHMENT_REACHED
    assert scores.attachment.precision >= ATTACHMENT_PRECISION


def test_reading_floors(measured: tuple[RunResult, Scores]) -> None:
    result, scores = measured
    data = figures(scores, result)
    assert scores.kinds.f1 >= KINDS_F1
    assert scores.relations.f1 >= RELATIONS_F1
    assert scores.statements.f1 >= STATEMENTS_F1
    assert data["statements"]["attribution_accuracy"] >= ATTRIBUTION_ACCURACY
    assert data["relevance_accuracy"] >= RELEVANCE_ACCURACY


def test_state_floors(measured: tuple[RunResult, Scores]) -> None:
    _result, scores = measured
    assert scores.threads.accuracy >= THREADS_ACCURACY
    assert scores.open_questions.accuracy >= OPEN_QUESTIONS_ACCURACY


@pytest.mark.parametrize("folder", sorted(HOLDOUTS))
def test_the_held_out_sets_stay_above_their_floors(folder: str) -> None:
    floors = HOLDOUTS[folder]
    result = run_evaluation(load_dataset(SHIPPED / folder))
    scores = score(result)
    data = figures(scores, result)
    assert scores.attachment.precision >= floors["precision"]
    assert scores.attachment.reached >= floors["reached"]
    assert scores.kinds.f1 >= floors["kinds"]
    assert scores.relations.f1 >= floors["relations"]
    assert scores.statements.f1 >= floors["statements"]
    assert data["statements"]["attribution_accuracy"] >= floors["statements"]
    assert scores.threads.accuracy >= floors["state"]
    assert scores.open_questions.accuracy >= floors["state"]


def test_the_command_prints_the_figures_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    done = CliRunner().invoke(cli, ["eval", str(SHIPPED), "--quiet", "--json", str(out)])
    assert done.exit_code == 0, done.output
    assert "attachment:" in done.stdout and "Misses" in done.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["items"] == len(load_dataset(SHIPPED).items)
    assert {"attachment", "kinds", "relations", "statements", "threads", "open_questions", "misses"} <= set(data)


def test_a_bad_set_exits_1_with_one_line_naming_file_and_item(tmp_path: Path) -> None:
    document = json.loads((SHIPPED / "distractors.json").read_text(encoding="utf-8"))
    document["items"][2]["published"] = "last Tuesday"
    (tmp_path / "distractors.json").write_text(json.dumps(document), encoding="utf-8")
    done = CliRunner().invoke(cli, ["eval", str(tmp_path)])
    assert done.exit_code == 1
    assert done.stderr.strip().splitlines() == [
        f"tracker: error: distractors.json: item {document['items'][2]['id']}: "
        "published 'last Tuesday' is not an ISO date and time"
    ]
