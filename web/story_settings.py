"""A story's own settings (editors only): its title and status, and the
tracking rules that decide which feed items belong to it.

Saving rules appends the RulesChanged event in the request; matching the
whole wire archive against them again can take minutes, so it is queued as
a job (tracker/jobs.py) for the worker, and the rules page shows the latest
one's state and result.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for

from tracker.domain.errors import NothingChanged
from tracker.domain.rules import parse_rules
from tracker.jobs import Job, JobKind, Jobs
from web import queries
from web.access import editor_required
from web.editing import Page, attempt, by, newsroom, posted
from web.errors import flash_saved
from web.forms import RulesForm, StorySettingsForm, split_terms

bp = Blueprint("story_settings", __name__)


@bp.route("/stories/<slug>/settings", methods=["GET", "POST"])
@editor_required
def change_settings(slug: str) -> Page:
    """Title and status; only what changed is appended."""
    view = queries.story(slug)
    form = StorySettingsForm(data=None if posted() else {"title": view.title, "status": view.status})
    status = 200
    if form.validate_on_submit():
        title, new_status = (form.title.data or "").strip(), form.status.data or ""

        def command() -> list[str]:
            done = []
            if title != view.title:
                newsroom().retitle_story(slug, title, by=by())
                done.append("title")
            if new_status != view.status:
                newsroom().change_status(slug, new_status, by=by())
                done.append("status")
            return done

        done, status = attempt(form, command)
        if done:
            flash_saved(f"Story {' and '.join(done)} updated.")
            return redirect(url_for("story.show", slug=slug))
        if done == []:
            flash("Nothing changed.", "info")
            return redirect(url_for("story.show", slug=slug))
    elif form.is_submitted():
        status = 400
    return render_template("editing/change_settings.html", form=form, view=view), status


@bp.route("/stories/<slug>/rules", methods=["GET", "POST"])
@editor_required
def change_rules(slug: str) -> Page:
    """The tracking rules that decide which feed items belong to the story."""
    view = queries.story(slug)
    rules = dict(view.rules)
    initial = {
        "all_of": "\n".join(", ".join(group) for group in rules.get("all_of", [])),
        "any_of": ", ".join(rules.get("any_of", [])),
        "none_of": ", ".join(rules.get("none_of", [])),
    }
    form = RulesForm(data=None if posted() else initial)
    status = 200
    if form.validate_on_submit():
        wanted = {
            **rules,
            "all_of": [split_terms(line) for line in (form.all_of.data or "").splitlines() if split_terms(line)],
            "any_of": split_terms(form.any_of.data),
            "none_of": split_terms(form.none_of.data),
        }
        job, status = attempt(form, lambda: save_rules(slug, wanted))
        if job:
            flash_saved(
                "Tracking rules saved. Re-matching the wire archive against the new rules is queued; "
                "results appear here when done."
            )
            return redirect(url_for("story_settings.change_rules", slug=slug))
    elif form.is_submitted():
        status = 400
    rematch = jobs().latest(JobKind.REMATCH, slug)
    return render_template("editing/change_rules.html", form=form, view=view, job=rematch), status


def jobs() -> Jobs:
    return Jobs(queries.runtime().engine)


def save_rules(slug: str, rules: dict[str, Any]) -> Job:
    """Validates and stores the rules (a RulesChanged event, unless they are the
    same) and queues the re-match of the wire archive for the worker: it can
    take minutes on a big archive, too long for a request."""
    canonical = parse_rules(rules).to_dict()
    try:
        newsroom().change_rules(slug, canonical, by=by())
    except NothingChanged:
        pass  # saved as they were: the archive is matched again all the same, as before
    return jobs().queue(JobKind.REMATCH, slug, requested_by=by())
