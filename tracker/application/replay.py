"""Replaying a story: its developments one at a time, in the order outlets published them.

A step is a report that developed the story: the first report, a thread
moving to another status, an open question answered or newly raised. Each step carries
the state as it stood just after that report (as known now), so the web's
replay control and ``tracker story --replay`` show the same steps, and
"what changed since" can list every status a thread went through, not only
its two ends. The facts are folded once, in published order (see
:mod:`tracker.domain.state`); the state is resolved only after reports that
touch a thread or a question.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from tracker.application.queries import StoryQueries
from tracker.application.views import Mode, StoryView
from tracker.domain.errors import DomainError
from tracker.domain.fact_keys import pair_key
from tracker.domain.report import Report
from tracker.domain.state import Facts, chronological, fact_candidates, order_of
from tracker.domain.threads import Cast, OpenQuestion, StoryState, Thread, Transition, resolve_state
from tracker.domain.vocabulary import Kind

#: Fact keys whose change may move a thread or answer a question.
_DEVELOPING = ("rel:", "say:", "ans:")


class UnknownStep(DomainError, LookupError):
    def __init__(self, slug: str, step: int, last: int) -> None:
        shown = f"steps 1 to {last}" if last else "no steps yet"
        super().__init__(f"the replay of story {slug!r} has {shown}, not {step}")
        self.step, self.last = step, last


@dataclass(frozen=True)
class ThreadMove:
    """A thread reached another status (``before`` None: the thread began)."""

    label: str
    pair: str
    before: Kind | None
    #: The stage that is the thread's status now (its report may be an earlier one:
    #: talks reported again after they ended bring back "no agreement yet").
    transition: Transition
    #: The report that moved it.
    cause: Report
    #: The stages ``cause`` gave the thread, then its status (one report may
    #: say talks were held and no agreement reached).
    stages: tuple[Transition, ...] = ()

    @property
    def after(self) -> Kind:
        return self.transition.kind

    @property
    def text(self) -> str:
        start = self.before.label if self.before else "new thread"
        return f"{self.label}: {start} → {self.after.label}"


@dataclass(frozen=True)
class _Story:
    """What every step's state is resolved with: the reports by id and the story's cast."""

    reports: Mapping[str, Report]
    cast: Cast


@dataclass(frozen=True)
class ReplayStep:
    """One development and the state of the story just after it."""

    number: int
    report: Report
    first: bool
    moves: tuple[ThreadMove, ...]
    answered: tuple[OpenQuestion, ...]
    raised: tuple[OpenQuestion, ...]
    #: How many reports (in published order, retracted ones included) had been published by this step.
    reports_so_far: int
    #: The facts just after this step, resolved into :attr:`state` when asked
    #: (a page shows one step's state; resolving every step's would cost the most).
    facts: Facts = field(repr=False, compare=False)
    story: _Story = field(repr=False, compare=False)

    @cached_property
    def state(self) -> StoryState:
        """The state of the story just after this step."""
        return self.facts.resolve(self.story.reports, self.story.cast)

    @property
    def headline(self) -> str:
        """What happened, in one line."""
        parts = ["First report"] if self.first else []
        parts += [move.text for move in self.moves]
        parts += [f"answered: {question.question}" for question in self.answered]
        parts += [f"open question: {question.question}" for question in self.raised]
        return "; ".join(parts)


@dataclass(frozen=True)
class Replay:
    """The steps of one story, and every reported thread move in published order."""

    slug: str
    steps: tuple[ReplayStep, ...]
    #: Every report, in published order (the timeline of a step is a prefix of it).
    reports: tuple[Report, ...]

    @property
    def moves(self) -> tuple[ThreadMove, ...]:
        return tuple(move for step in self.steps for move in step.moves)

    def step(self, number: int) -> ReplayStep:
        if not 1 <= number <= len(self.steps):
            raise UnknownStep(self.slug, number, len(self.steps))
        return self.steps[number - 1]

    def moves_of(self, pair: str) -> tuple[ThreadMove, ...]:
        return tuple(move for move in self.moves if move.pair == pair)


def replay(slug: str, reports: Iterable[Report], rules: Mapping[str, Any] | None = None) -> Replay:
    """The steps of a story from every one of its reports and its tracking rules."""
    ordered = tuple(chronological(reports))
    by_id = {r.report_id: r for r in ordered}
    cast = Cast.of(rules)
    story = _Story(by_id, cast)
    facts = Facts(sources={})
    outlets: dict[str, set[str]] = {}
    threads: dict[str, Thread] = {}
    questions: dict[str, OpenQuestion] = {}
    steps: list[ReplayStep] = []
    seen_active = False
    for index, report in enumerate(ordered):
        if not report.active:
            continue
        candidates = fact_candidates(report.reading)
        changed = facts.add(order_of(report), report.report_id, candidates)
        _count_sources(report, candidates, outlets, facts)
        first = not seen_active
        seen_active = True
        if not first and not any(key.startswith(_DEVELOPING) for key in changed):
            continue
        # threads and questions come from these keys alone: the rest of the state waits for ReplayStep.state
        developing = {key: fact for key, fact in facts.latest.items() if key.startswith(_DEVELOPING)}
        state = resolve_state(developing, {}, by_id, cast, facts.sources)
        now_threads = {pair_key(*t.parties): t for t in state.threads}
        now_questions = {q.key: q for q in state.open_questions}
        moves = tuple(
            _move(pair, threads.get(pair), thread, report)
            for pair, thread in now_threads.items()
            if _moved(threads.get(pair), thread)
        )
        answered = tuple(q for key, q in questions.items() if key not in now_questions)
        raised = tuple(q for key, q in now_questions.items() if key not in questions)
        threads, questions = now_threads, now_questions
        if first or moves or answered or raised:
            snapshot = Facts(dict(facts.latest), dict(facts.counts), dict(facts.sources or {}))
            steps.append(ReplayStep(len(steps) + 1, report, first, moves, answered, raised, index + 1, snapshot, story))
    return Replay(slug, tuple(steps), ordered)


def _count_sources(
    report: Report, candidates: list[tuple[str, str]], outlets: dict[str, set[str]], facts: Facts
) -> None:
    """Independent outlets per relation, kept as the fold goes (as ``fold_sources`` counts them)."""
    if report.cluster_lead or facts.sources is None:
        return
    for key, _kind in candidates:
        if key.startswith("rel:"):
            names = outlets.setdefault(key, set())
            names.add(report.outlet)
            facts.sources[key] = len(names)


def _moved(before: Thread | None, after: Thread) -> bool:
    return before is None or before.status != after.status


def _move(pair: str, before: Thread | None, after: Thread, cause: Report) -> ThreadMove:
    status = next((t for t in after.transitions if t.kind == after.status and t.report_id == after.report_id), None)
    if status is None:  # the status's own stage is always among the transitions; kept for safety
        status = Transition(after.status, after.report_id, after.since, after.headline, "", after.parties)
    stages = tuple(t for t in after.transitions if t.report_id == cause.report_id and t is not status)
    return ThreadMove(after.label, pair, before.status if before else None, status, cause, (*stages, status))


def view_at_step(view: StoryView, story_replay: Replay, number: int) -> StoryView:
    """``view`` (the story now, every report) as it stood at step ``number``:
    the timeline up to that report, the state just after it."""
    step = story_replay.step(number)
    shown = story_replay.reports[: step.reports_so_far]
    return dataclasses.replace(
        view,
        reports=shown,
        state=step.state,
        report_count=sum(1 for r in shown if r.active),
        as_of=step.report.published_at,
        mode=Mode.REPORTED,
        timeline_complete=True,
    )


def replay_story(reads: StoryQueries, slug: str) -> tuple[StoryView, Replay]:
    """The story now (every report) and its replay: what the web page and the CLI step through."""
    view = reads.story(slug)
    return view, replay(slug, view.reports, view.rules)
