"""A story's suggestions inbox: feed items that matched its rules only weakly, to accept or reject."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from tracker.domain.reasons import marked, plain_reason, read_explanation
from tracker.domain.rules import Rules, RulesError, parse_rules
from tracker.ingest.service import SuggestionView, UnknownSuggestion
from tracker.ingest.withdrawals import withdrawn_suggestions
from web import queries
from web.access import editor_required
from web.forms import ActionForm
from web.ingestion import ingestion

bp = Blueprint("suggestions", __name__)


@dataclass(frozen=True)
class Explained:
    """A waiting suggestion as the inbox shows it: why in plain words, its matched words marked."""

    suggestion: SuggestionView
    reason: str
    headline: list[tuple[str, bool]]
    summary: list[tuple[str, bool]]


def explained(suggestions: Iterable[SuggestionView], rules: Rules | None) -> list[Explained]:
    shown = []
    for s in suggestions:
        why = read_explanation(s.explanation)
        terms = [hit.term for hit in why.hits]
        shown.append(Explained(s, plain_reason(why, rules), marked(s.headline, terms), marked(s.summary, terms)))
    return shown


def story_rules(raw: object) -> Rules | None:
    try:
        return parse_rules(raw)  # type: ignore[arg-type]  # a stored mapping; refused ones give no rules
    except (RulesError, TypeError):
        return None


@bp.get("/stories/<slug>/suggestions")
def inbox(slug: str) -> str:
    """Waiting suggestions, then the recently decided ones, then those a rules change withdrew (with why)."""
    view = queries.story(slug, latest=1)
    with ingestion() as service:
        everything = service.suggestions(slug, include_decided=True)
        withdrawn = (
            withdrawn_suggestions(service.inbox, slug) if any(s.outcome == "withdrawn" for s in everything) else ()
        )
    waiting = [s for s in everything if s.outcome == "suggested"]
    decided = sorted(
        (s for s in everything if s.outcome not in ("suggested", "withdrawn")), key=lambda s: s.decided_at, reverse=True
    )
    return render_template(
        "suggestions/inbox.html",
        view=view,
        waiting=explained(waiting, story_rules(view.rules)),
        decided=decided[:20],
        withdrawn=withdrawn[:50],
        withdrawn_total=len(withdrawn),
        action=ActionForm(),
    )


def decide(slug: str, suggestion_id: str, accept: bool) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    queries.story(slug, latest=1)  # 404 for an unknown story
    try:
        with ingestion() as service:
            if accept:
                report_id = service.accept_suggestion(slug, suggestion_id, by=g.user.name)
            else:
                service.reject_suggestion(slug, suggestion_id, by=g.user.name)
    except UnknownSuggestion:
        flash("That suggestion has already been decided (perhaps by someone else) or no longer exists.", "error")
        return redirect(url_for("suggestions.inbox", slug=slug))
    if accept:
        flash("Suggestion accepted: it is now a report on the timeline.", "success")
        return redirect(url_for("story.show", slug=slug, _anchor=f"report-{report_id}"))
    flash("Suggestion rejected; it will not be suggested to this story again.", "info")
    return redirect(url_for("suggestions.inbox", slug=slug))


@bp.post("/stories/<slug>/suggestions/<suggestion_id>/accept")
@editor_required
def accept(slug: str, suggestion_id: str) -> Response:
    return decide(slug, suggestion_id, accept=True)


@bp.post("/stories/<slug>/suggestions/<suggestion_id>/reject")
@editor_required
def reject(slug: str, suggestion_id: str) -> Response:
    return decide(slug, suggestion_id, accept=False)
