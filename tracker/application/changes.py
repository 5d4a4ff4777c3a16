"""What changed in a story between two views of it: a pure function.

The "what changed since" screen compares the story as the desk knew it at
some moment (usually the reader's last visit) with the story now, or, by
publication time, what had been published by a moment with everything
known now. Keeping the comparison here, free of Flask and SQL, lets the
web, the API and tests share one definition of "new", "corrected" or
"answered". A thread's steps come from the replay's fold, so every status
it went through since is listed, not only its two ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tracker.application.replay import Replay, ThreadMove, replay
from tracker.application.views import StoryView
from tracker.domain.fact_keys import pair_key
from tracker.domain.report import Correction, Report
from tracker.domain.threads import OpenQuestion, Thread, Transition


@dataclass(frozen=True)
class ThreadChange:
    """A thread that is new or moved; ``before`` is None for a new thread,
    ``steps`` every stage it reached since (so a deal struck and called off
    in between is not skipped)."""

    label: str
    before: Thread | None
    after: Thread
    steps: tuple[Transition, ...] = ()


@dataclass(frozen=True)
class CorrectionMade:
    report: Report
    correction: Correction


@dataclass(frozen=True)
class Reclassification:
    report: Report
    kinds_before: tuple[str, ...]
    parties_before: tuple[str, ...]


@dataclass(frozen=True)
class StoryChanges:
    """Everything that differs between ``before`` and ``after`` (both views of one story)."""

    since_version: int
    until_version: int
    new_reports: tuple[Report, ...] = ()
    thread_changes: tuple[ThreadChange, ...] = ()
    answered_questions: tuple[OpenQuestion, ...] = ()
    new_questions: tuple[OpenQuestion, ...] = ()
    corrections: tuple[CorrectionMade, ...] = ()
    retractions: tuple[Report, ...] = ()
    reclassifications: tuple[Reclassification, ...] = ()
    title_before: str | None = None
    status_before: str | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.new_reports
            or self.thread_changes
            or self.answered_questions
            or self.new_questions
            or self.corrections
            or self.retractions
            or self.reclassifications
            or self.title_before is not None
            or self.status_before is not None
        )


def story_changes(
    before: StoryView | None,
    after: StoryView,
    *,
    published_since: datetime | None = None,
    story_replay: Replay | None = None,
) -> StoryChanges:
    """Compares ``before`` (None: the story did not exist yet) with ``after``,
    which holds every report. By default "since" is recording time: new is
    what the desk recorded after ``before``'s version. With
    ``published_since``, ``before`` is the story as reported by that moment
    and new is what was published after it. ``story_replay``: the replay of
    ``after`` when the caller keeps one (folded here otherwise)."""
    if story_replay is None:
        story_replay = replay(after.slug, after.reports, after.rules)
    if before is None:
        return StoryChanges(
            since_version=0,
            until_version=after.version,
            new_reports=tuple(after.reports),
            thread_changes=tuple(
                ThreadChange(t.label, None, t, _steps(story_replay, t, lambda _m: True)) for t in after.state.threads
            ),
            new_questions=tuple(after.state.open_questions),
        )
    if before.id != after.id:
        raise ValueError(f"cannot compare story {before.slug!r} with story {after.slug!r}")
    old = {r.report_id: r for r in before.reports}
    if published_since is not None:
        moment = published_since
        new_reports = tuple(r for r in after.reports if r.published_at > moment)
        is_new = lambda m: m.cause.published_at > moment  # noqa: E731
    else:
        # "New" is decided by versions, not by presence in ``before``, so views
        # holding only the latest part of a long timeline compare correctly.
        version = before.version
        new_reports = tuple(r for r in after.reports if r.version > version)
        added = {r.report_id for r in new_reports}
        is_new = lambda m: m.cause.report_id in added  # noqa: E731
    corrections: list[CorrectionMade] = []
    retractions: list[Report] = []
    reclassified: list[Reclassification] = []
    for report in after.reports:
        for correction in report.corrections:
            if correction.version > before.version:
                corrections.append(CorrectionMade(report, correction))
        earlier = old.get(report.report_id)
        if report.retracted and _retracted_since(report, earlier, before):
            retractions.append(report)
        if earlier is not None and _read_otherwise(report, earlier):
            reclassified.append(
                Reclassification(
                    report,
                    tuple(k.value for k in earlier.kinds),
                    tuple(earlier.parties),
                )
            )
    old_threads = {pair_key(*t.parties): t for t in before.state.threads}
    changed = []
    for thread in after.state.threads:
        earlier_thread = old_threads.get(pair_key(*thread.parties))
        steps = _steps(story_replay, thread, is_new)
        # a thread back where it was (a deal struck and called off since) still moved
        if steps or _thread_differs(earlier_thread, thread):
            changed.append(ThreadChange(thread.label, earlier_thread, thread, steps))
    thread_changes = tuple(changed)
    old_questions = {q.key: q for q in before.state.open_questions}
    new_questions = {q.key: q for q in after.state.open_questions}
    return StoryChanges(
        since_version=before.version,
        until_version=after.version,
        new_reports=new_reports,
        thread_changes=thread_changes,
        answered_questions=tuple(q for k, q in old_questions.items() if k not in new_questions),
        new_questions=tuple(q for k, q in new_questions.items() if k not in old_questions),
        corrections=tuple(corrections),
        retractions=tuple(retractions),
        reclassifications=tuple(reclassified),
        title_before=before.title if before.title != after.title else None,
        status_before=before.status if before.status != after.status else None,
    )


def _retracted_since(report: Report, earlier: Report | None, before: StoryView) -> bool:
    if earlier is not None:
        return not earlier.retracted
    if report.version > before.version:
        return True  # new since, and already retracted
    return report.retracted_at is not None and report.retracted_at > before.updated_at


def _thread_differs(before: Thread | None, after: Thread) -> bool:
    if before is None:
        return True
    return (before.status, before.report_id) != (after.status, after.report_id)


def _steps(story_replay: Replay, thread: Thread, is_new: Callable[[ThreadMove], bool]) -> tuple[Transition, ...]:
    """Every status ``thread`` reached by a new report, in published order."""
    moves = story_replay.moves_of(pair_key(*thread.parties))
    return tuple(stage for m in moves if is_new(m) for stage in (m.stages or (m.transition,)))


def _read_otherwise(report: Report, earlier: Report) -> bool:
    """Whether a report was reclassified: kinds, parties, relations, statements or relevance."""
    now, then = report.reading, earlier.reading
    return (report.kinds, report.parties, now.relations, now.statements, now.relevance) != (
        earlier.kinds,
        earlier.parties,
        then.relations,
        then.statements,
        then.relevance,
    )
