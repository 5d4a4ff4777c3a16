"""Running the set through the real pipeline.

A fresh temporary store; the set's stories opened with their rules by the
Newsroom application; one RSS feed per feed name served on 127.0.0.1 and
subscribed; then, stage by stage, the items published up to each
checkpoint are served, every feed is polled (the cycle of ``tracker poll
--once --all``) and the checkpoint's story state is read through the query
API. At the end each story's reports and open suggestions are read back.

Reports are read with fall-backs while the reading fields are being added:
a report without ``.reading`` is scored from its ``kinds``, ``parties`` and
``speakers`` (source "legacy"), a state without ``threads`` gives none.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from tracker.bench.stores import temporary_store
from tracker.bootstrap import Runtime, open_runtime
from tracker.domain.reading.model import RELATION_KINDS, STATEMENT_KINDS
from tracker.evaluation.dataset import SILENCES, Checkpoint, Dataset, Relation, Statement
from tracker.evaluation.feeds import serving
from tracker.ingest.service import Ingestion

_RELATIONS = {k.value for k in RELATION_KINDS}
_STATEMENTS = {k.value for k in STATEMENT_KINDS}


class EvaluationFailed(RuntimeError):
    """The pipeline did not do its work (a feed failed, the store refused writes)."""


@dataclass(frozen=True)
class Seen:
    """One report's reading as scored: kinds, relations, statements, relevance."""

    kinds: tuple[str, ...]
    relations: tuple[Relation, ...]
    statements: tuple[Statement, ...]
    relevance: str
    source: str  # "reading" (Report.reading) or "legacy" (kinds, parties, speakers)


@dataclass(frozen=True)
class StateSeen:
    threads: tuple[Relation, ...]
    open_questions: tuple[Statement, ...]
    source: str  # "state" or "legacy" (no threads; open questions' .party)


@dataclass
class StoryResult:
    slug: str
    attached: dict[str, Seen] = field(default_factory=dict)  # item id -> its report's reading
    suggested: set[str] = field(default_factory=set)  # item ids in the open inbox
    foreign_reports: list[str] = field(default_factory=list)  # reports from no item of the set


@dataclass
class RunResult:
    dataset: Dataset
    stories: dict[str, StoryResult]
    checkpoints: list[tuple[Checkpoint, StateSeen]]
    cycles: list[str]
    seconds: float
    warnings: list[str] = field(default_factory=list)  # poisoned events, reports the read models do not show


def run_evaluation(
    dataset: Dataset, *, log: Callable[[str], None] | None = None, progress: Callable[[int, int], None] | None = None
) -> RunResult:
    """Ingests ``dataset`` in stages through a fresh store; returns what the tracker made of it.
    ``progress`` is told (stages polled, stages) after each stage."""
    say = log or (lambda _line: None)
    started = time.monotonic()
    with temporary_store(None) as store:
        runtime = open_runtime(store.settings())
        try:
            result = _run(dataset, runtime, say, progress or (lambda _done, _total: None))
        finally:
            runtime.close()
    result.seconds = time.monotonic() - started
    return result


def _run(
    dataset: Dataset, runtime: Runtime, say: Callable[[str], None], progress: Callable[[int, int], None]
) -> RunResult:
    for story in dataset.stories:
        runtime.newsroom.open_story(title=story.title, slug=story.slug, summary=story.summary, rules=story.rules)
    states: list[tuple[Checkpoint, StateSeen]] = []
    cycles: list[str] = []
    by_stage: dict[int, list[Checkpoint]] = {}
    for checkpoint in dataset.checkpoints:
        by_stage.setdefault(dataset.position(checkpoint.after), []).append(checkpoint)
    stages = sorted({*by_stage, len(dataset.items) - 1})
    with serving(dataset.feeds) as server, Ingestion(runtime) as ingestion:
        for feed in dataset.feeds:
            ingestion.add_feed(server.url(feed), name=feed)
        for done, stage in enumerate(stages):
            progress(done, len(stages))
            server.publish(dataset.feeds, dataset.items[: stage + 1])
            summary = ingestion.poll_all_now()
            if summary.store_error:
                raise EvaluationFailed(f"the store refused the cycle's writes: {summary.store_error}")
            if summary.failures:
                first = summary.failures[0]
                raise EvaluationFailed(f"feed {first.url} failed: {first.reason}")
            line = f"after {dataset.items[stage].id}: {summary.line()}"
            cycles.append(line)
            say(line)
            for checkpoint in by_stage.get(stage, []):
                states.append((checkpoint, state_seen(runtime.catalog.story(checkpoint.story).state)))
        progress(len(stages), len(stages))
        stories = {s.slug: _story_result(dataset, runtime, ingestion, s.slug) for s in dataset.stories}
    warnings = _warnings(runtime) + [
        f"story {slug}: {len(r.foreign_reports)} reports match no item of the set ({', '.join(r.foreign_reports[:5])})"
        for slug, r in stories.items()
        if r.foreign_reports
    ]
    return RunResult(
        dataset=dataset, stories=stories, checkpoints=states, cycles=cycles, seconds=0.0, warnings=warnings
    )


def _warnings(runtime: Runtime) -> list[str]:
    """What the read models did not show: poisoned events, and each story whose
    replayed aggregate holds more reports than its view."""
    found = [f"read models: {p.describe()}" for p in runtime.projector.poisonings()]
    for slug in runtime.catalog.story_slugs():
        stored = runtime.newsroom.story(slug).report_count
        shown = runtime.catalog.story(slug).report_count
        if stored != shown:
            found.append(f"story {slug}: {stored} reports stored, the read models show {shown}")
    return found


def _story_result(dataset: Dataset, runtime: Runtime, ingestion: Ingestion, slug: str) -> StoryResult:
    by_ref = {i.guid: i.id for i in dataset.items}
    by_link = {i.link: i.id for i in dataset.items}
    result = StoryResult(slug)
    for report in runtime.catalog.story(slug).reports:
        if not report.active:
            continue
        item_id = by_ref.get(report.origin.ref) or by_link.get(report.url)
        if item_id is None:
            result.foreign_reports.append(report.report_id)
        else:
            result.attached[item_id] = reading_seen(report)
    for suggestion in ingestion.suggestions(slug):
        item_id = by_link.get(suggestion.link)
        if item_id is not None:
            result.suggested.add(item_id)
    return result


def reading_seen(report: Any) -> Seen:
    """A report's reading, or an approximation from today's fields (every pair of
    parties for a relation kind; the speakers, or every party, for a statement)."""
    reading = getattr(report, "reading", None)
    if reading is not None:
        return Seen(
            kinds=tuple(str(k) for k in reading.kinds),
            relations=tuple((r.a, r.b, str(r.kind)) for r in reading.relations),
            statements=tuple((s.speaker, str(s.kind)) for s in reading.statements),
            relevance=str(getattr(reading, "relevance", "core")),
            source="reading",
        )
    kinds = tuple(str(k) for k in getattr(report, "kinds", ()))
    parties = tuple(getattr(report, "parties", ()))
    speakers = tuple(getattr(report, "speakers", ())) or parties
    return Seen(
        kinds=kinds,
        relations=tuple((a, b, k) for k in kinds if k in _RELATIONS for a, b in combinations(parties, 2)),
        statements=tuple((s, k) for k in kinds if k in _STATEMENTS for s in speakers),
        relevance="core",
        source="legacy",
    )


def state_seen(state: Any) -> StateSeen:
    """Threads and open questions of a story state (today's state: open questions only)."""
    threads = getattr(state, "threads", None)
    questions = _questions(getattr(state, "open_questions", ()))
    if threads is None:
        return StateSeen(threads=(), open_questions=questions, source="legacy")
    found = tuple((str(t.parties[0]), str(t.parties[1]), str(t.status)) for t in threads)
    return StateSeen(threads=found, open_questions=questions, source="state")


def _questions(questions: Iterable[Any]) -> tuple[Statement, ...]:
    found = []
    for question in questions:
        speaker = getattr(question, "speaker", None) or getattr(question, "party", "")
        kind = str(getattr(question, "kind", ""))
        if speaker and kind in SILENCES:
            found.append((str(speaker), kind))
    return tuple(found)
