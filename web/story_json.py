"""A story view as the JSON the API (and ``tracker story --json``) gives out.

Everything is ``to_jsonable`` of the application's dataclasses, except the
state and the reports, which are shaped here: a thread's transitions carry
what a client needs to link them, and a report's reading is flattened into
``relations``, ``statements`` and ``relevance``. No Flask: plain data in,
plain data out.
"""

from __future__ import annotations

from typing import Any

from tracker.application import StoryView, to_jsonable
from tracker.domain.report import Report
from tracker.domain.threads import StoryState, Thread, Transition


def report_json(report: Report) -> dict[str, Any]:
    """A report as before, its reading as ``relations``, ``statements`` and ``relevance``."""
    data: dict[str, Any] = to_jsonable(report)
    reading = report.reading
    data.pop("reading", None)
    data["relevance"] = reading.relevance.value
    data["relations"] = [r.to_dict() for r in reading.relations]
    data["statements"] = [s.to_dict() for s in reading.statements]
    return data


def transition_json(transition: Transition) -> dict[str, Any]:
    return {
        "kind": transition.kind.value,
        "report_id": transition.report_id,
        "published_at": transition.published_at.isoformat(),
        "headline": transition.headline,
        "outlet": transition.outlet,
        "parties": list(transition.parties),
        "sources": transition.sources,
    }


def thread_json(thread: Thread) -> dict[str, Any]:
    return {
        "parties": list(thread.parties),
        "status": thread.status.value,
        "since": thread.since.isoformat(),
        "report_id": thread.report_id,
        "headline": thread.headline,
        "transitions": [transition_json(t) for t in thread.transitions],
    }


def state_json(state: StoryState) -> dict[str, Any]:
    last = state.last_development
    return {
        "threads": [thread_json(t) for t in state.threads],
        "open_questions": [
            {
                "key": q.key,
                "speaker": q.speaker,
                "kind": q.kind.value,
                "about": q.about,
                "since": q.since.isoformat(),
                "report_id": q.report_id,
                "question": q.question,
            }
            for q in state.open_questions
        ],
        "parties": [{"name": p.name, "role": p.role} for p in state.parties],
        "party_suggestions": [
            {"name": s.name, "reports": s.reports, "related": list(s.related), "report_id": s.report_id}
            for s in state.party_suggestions
        ],
        "key_developments": [transition_json(t) for t in state.key_developments],
        "last_development": report_json(last) if last is not None else None,
    }


def story_json(view: StoryView) -> dict[str, Any]:
    """The whole view: its fields in order, with the state and reports shaped as above."""
    data: dict[str, Any] = to_jsonable(view)
    data["reports"] = [report_json(r) for r in view.reports]
    data["state"] = state_json(view.state)
    return data
