"""A story's own settings (editors only): its title, summary and status, and the
tracking rules that decide which feed items belong to it.

Saving rules appends the RulesChanged event in the request; matching the
whole wire archive against them again can take minutes, so it is queued as
a job (tracker/jobs.py) for the worker, and the rules page shows the latest
one's state and result. Rules that say what the stored ones say append
nothing ("Nothing changed"). "Preview" shows what new rules would do to the
newest archived items (tracker/ingest/preview.py) and saves nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from wtforms import TextAreaField

from tracker.domain.errors import NothingChanged
from tracker.domain.report import clean_text
from tracker.domain.rules import Rules, RulesError, parse_rules
from tracker.domain.vocabulary import Status
from tracker.ingest.preview import PREVIEW_SCAN, RulesPreview, preview_rules
from tracker.ingest.tracking import tracked_under
from tracker.jobs import Job, JobKind, Jobs
from web import queries
from web.access import editor_required
from web.editing import Page, attempt, by, newsroom, posted
from web.errors import flash_saved
from web.forms import RulesForm, StorySettingsForm
from web.ingestion import ingestion
from web.rules_form import completed, field_error, form_data, rules_from

bp = Blueprint("story_settings", __name__)


class SettingsForm(StorySettingsForm):
    summary = TextAreaField(
        "Summary", description="The story in a sentence or two, under its title; rewrite it as the story moves on."
    )


@bp.route("/stories/<slug>/settings", methods=["GET", "POST"])
@editor_required
def change_settings(slug: str) -> Page:
    """Title, summary and status; only what changed is appended (an event each)."""
    view = queries.story(slug)
    current = {"title": view.title, "summary": view.summary, "status": view.status}
    form = SettingsForm(data=None if posted() else current)
    status = 200
    if form.validate_on_submit():
        title, new_status = (form.title.data or "").strip(), form.status.data or ""
        posted_summary = form.summary.data if form.summary.raw_data else view.summary  # absent: as it is
        summary = " ".join((posted_summary or "").split())

        def command() -> list[str]:
            # Checked first, so a refused summary leaves a changed title unsaved too.
            clean_text(title, "title", required=True, limit=300)
            clean_text(summary, "summary", required=False)
            done = []
            if title != view.title:
                newsroom().retitle_story(slug, title, by=by())
                done.append("title")
            if summary != view.summary:
                newsroom().change_summary(slug, summary, by=by())
                done.append("summary")
            if new_status != view.status:
                newsroom().change_status(slug, new_status, by=by())
                done.append("status")
            return done

        done, status = attempt(form, command)
        if done:
            named = done[0] if len(done) == 1 else ", ".join(done[:-1]) + " and " + done[-1]
            flash_saved(f"Story {named} updated.")
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
    """The tracking rules that decide which feed items belong to the story. "Preview"
    shows what new rules would do to the wire archive without saving them."""
    view = queries.story(slug)
    current = dict(view.rules)
    if posted():
        form = RulesForm(formdata=completed(request.form, current))
    else:
        form = RulesForm(data=form_data(current))
    status, preview = 200, None
    if form.validate_on_submit():
        wanted = checked(form)
        if wanted is None:
            status = 400
        elif "preview" in request.form:
            preview = preview_of(slug, view.status, current, wanted)
        elif same_rules(current, wanted):
            flash("Nothing changed: the rules are as they were, nothing was saved.", "info")
            return redirect(url_for("story_settings.change_rules", slug=slug))
        else:
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
    return render_template(
        "editing/change_rules.html", form=form, view=view, job=rematch, preview=preview, scan=PREVIEW_SCAN
    ), status


def checked(form: RulesForm) -> dict[str, Any] | None:
    """The form's rules as they would be stored, or None with the refusal beside its field."""
    try:
        return parse_rules(rules_from(form), strict=True).to_dict()
    except RulesError as error:
        name, message = field_error(error)
        field = getattr(form, name, None) if name else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)
        return None


def same_rules(current: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Rules that say the same as the stored ones (written otherwise, perhaps, by an older version)."""
    try:
        return parse_rules(current).to_dict() == wanted
    except RulesError:
        return False


def preview_of(slug: str, status: str, current: dict[str, Any], wanted: dict[str, Any]) -> RulesPreview:
    try:
        old = parse_rules(current)
    except RulesError:
        old = Rules()
    new = parse_rules(wanted)
    with ingestion() as service:
        story = tracked_under(service.newsroom, slug, new)
        return preview_rules(service.store, slug, old, new, appends=status != Status.CONCLUDED.value, story=story)


def jobs() -> Jobs:
    return Jobs(queries.runtime().engine)


def save_rules(slug: str, rules: dict[str, Any]) -> Job | None:
    """Stores the rules (a RulesChanged event) and queues the re-match of the wire
    archive for the worker: it can take minutes on a big archive, too long for a
    request. Rules the same as the stored ones append nothing and queue nothing."""
    try:
        newsroom().change_rules(slug, rules, by=by())
    except NothingChanged:
        flash("Nothing changed: the rules are as they were, nothing was saved.", "info")
        return None
    return jobs().queue(JobKind.REMATCH, slug, requested_by=by())
