"""Editing a story's reports (editors only): every change is a new event appended by
the Newsroom. The story's own title, status and rules are story_settings.py's.

A domain refusal is shown beside the field it names, with the form kept as
typed. Forms that change one report carry a fingerprint of the report as
the editor saw it; if someone else changed the report meanwhile, the edit is
not applied and the editor sees the report as it now stands.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from tracker.application import ConcurrentEdit, DuplicateSlug, Newsroom, StoryView
from tracker.domain.errors import DomainError, InvalidField, NothingChanged, ReportRetracted
from tracker.domain.report import Report
from tracker.moments import parse_moment
from web import correcting, queries, reading_form
from web.access import editor_required
from web.correcting import FullCorrectForm
from web.errors import flash_saved
from web.filters import sentence
from web.forms import (
    OpenStoryForm,
    ReclassifyForm,
    ReportForm,
    RetractForm,
    split_terms,
)

bp = Blueprint("editing", __name__)

CONFLICT = 409
Page = tuple[str, int] | Response


def newsroom() -> Newsroom:
    return queries.runtime().newsroom


def attempt(form: FlaskForm, command: Callable[[], Any]) -> tuple[Any, int]:
    """Runs a command; a refusal becomes an error on the form (the field named, if it is there)."""
    try:
        return command(), 200
    except InvalidField as error:
        name = error.field.removeprefix("reading.")  # the reclassify form's relations, statements, parties
        if name == "rules":  # the rules checker names the key first: "any_of[2] ..."
            name = next((key for key in ("all_of", "any_of", "none_of") if error.problem.startswith(key)), name)
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, sentence(error.problem)]
        else:
            form.form_errors.append(sentence(error))
        return None, 400
    except DuplicateSlug as error:
        form.slug.errors = [*form.slug.errors, sentence(error) + "."]
        return None, CONFLICT
    except (ConcurrentEdit, ReportRetracted) as error:
        form.form_errors.append(sentence(error) + ".")
        return None, CONFLICT
    except NothingChanged as error:
        form.form_errors.append(sentence(error) + ": nothing was saved.")
        return None, 400
    except DomainError as error:
        form.form_errors.append(sentence(error) + ".")
        return None, 400


def fingerprint(report: Report) -> str:
    """What the editor saw of a report, so a concurrent change to it can be noticed."""
    seen = [
        report.headline,
        report.summary,
        report.url,
        report.published_at.isoformat(),
        report.outlet,
        report.attribution,
        list(report.speakers),
        [k.value for k in report.kinds],
        list(report.parties),
        report.retracted,
        {k: v for k, v in report.reading.to_dict().items() if k not in ("evidence", "classified_by")},
    ]
    return hashlib.sha256(json.dumps(seen).encode()).hexdigest()[:20]


def find_report(view: StoryView, report_id: str) -> Report:
    for report in view.reports:
        if report.report_id == report_id:
            return report
    abort(404, description=f"Story {view.slug!r} has no report {report_id!r}.")


def changed_meanwhile(form: FlaskForm, report: Report) -> bool:
    """True (with a message on the form) when the report changed after the form was loaded."""
    sent = form.fingerprint.data
    if sent and sent != fingerprint(report):
        form.form_errors.append(
            "Someone else changed this report while you were editing it. "
            "It is shown below as it now stands; check it and submit again if your change is still needed."
        )
        return True
    return False


def by() -> str:
    return g.user.name if g.get("user") else ""


@bp.route("/stories/new", methods=["GET", "POST"])
@editor_required
def open_story() -> Page:
    form = OpenStoryForm()
    status = 200
    if form.validate_on_submit():
        slug, status = attempt(
            form,
            lambda: newsroom().open_story(
                title=form.title.data or "", slug=form.slug.data or "", summary=form.summary.data or "", by=by()
            ),
        )
        if slug:
            if flash_saved("Story opened. Add its first report."):
                return redirect(url_for("editing.add_report", slug=slug))
            return redirect(url_for("stories.index"))  # its pages do not know it yet
    elif form.is_submitted():
        status = 400
    return render_template("editing/open_story.html", form=form), status


@bp.route("/stories/<slug>/reports/new", methods=["GET", "POST"])
@editor_required
def add_report(slug: str) -> Page:
    view = queries.story(slug)
    form = ReportForm()
    status = 200
    if form.validate_on_submit():

        def command() -> str:
            published = parse_moment(form.published_at.data or "", "published_at")
            return newsroom().add_report(
                slug,
                headline=form.headline.data or "",
                published_at=published,
                kinds=form.kinds.data or [],
                parties=split_terms(form.parties.data),
                speakers=split_terms(form.speakers.data),
                outlet=form.outlet.data or "",
                attribution=form.attribution.data or "",
                url=form.url.data or "",
                summary=form.summary.data or "",
                classified_by=by(),
                by=by(),
            )

        report_id, status = attempt(form, command)
        if report_id:
            flash_saved("Report added to the timeline.")
            return redirect(url_for("story.show", slug=slug, _anchor=f"report-{report_id}"))
    elif form.is_submitted():
        status = 400
    return render_template("editing/add_report.html", form=form, view=view), status


@bp.route("/stories/<slug>/reports/<report_id>/correct", methods=["GET", "POST"])
@editor_required
def correct_report(slug: str, report_id: str) -> Page:
    """Any field of a report (web/correcting.py); the earlier values stay on the record."""
    view = queries.story(slug)
    report = find_report(view, report_id)
    form = FullCorrectForm(data=None if posted() else correcting.form_data(report))
    status = 200
    if report.retracted:
        form.form_errors.append("This report has been retracted; it can no longer be corrected.")
        status = CONFLICT
    elif form.validate_on_submit():
        if changed_meanwhile(form, report):
            status = CONFLICT
            form = _refreshed(FullCorrectForm, form, report, **correcting.form_data(report))
        else:
            version, status = attempt(
                form,
                lambda: newsroom().correct_report(
                    slug,
                    report_id,
                    reason=form.reason.data or "",
                    by=by(),
                    **correcting.correction_of(form, report),
                ),
            )
            if version:
                flash_saved("Correction recorded; the earlier values stay visible, struck through.")
                return redirect(url_for("story.show", slug=slug, _anchor=f"report-{report_id}"))
    elif form.is_submitted():
        status = 400
    form.fingerprint.data = form.fingerprint.data or fingerprint(report)
    return render_template("editing/correct_report.html", form=form, view=view, report=report), status


@bp.route("/stories/<slug>/reports/<report_id>/retract", methods=["GET", "POST"])
@editor_required
def retract_report(slug: str, report_id: str) -> Page:
    view = queries.story(slug)
    report = find_report(view, report_id)
    form = RetractForm()
    status = 200
    if report.retracted:
        form.form_errors.append("This report has already been retracted.")
        status = CONFLICT
    elif form.validate_on_submit():
        if changed_meanwhile(form, report):
            status = CONFLICT
            form = _refreshed(RetractForm, form, report, reason=form.reason.data)
        else:
            version, status = attempt(
                form, lambda: newsroom().retract_report(slug, report_id, reason=form.reason.data or "", by=by())
            )
            if version:
                flash_saved("Report retracted; it stays in the timeline, struck through.")
                return redirect(url_for("story.show", slug=slug, _anchor=f"report-{report_id}"))
    elif form.is_submitted():
        status = 400
    form.fingerprint.data = form.fingerprint.data or fingerprint(report)
    return render_template("editing/retract_report.html", form=form, view=view, report=report), status


@bp.route("/stories/<slug>/reports/<report_id>/reclassify", methods=["GET", "POST"])
@editor_required
def reclassify_report(slug: str, report_id: str) -> Page:
    view = queries.story(slug)
    report = find_report(view, report_id)
    current = reading_form.initial(report)
    form = ReclassifyForm(data=None if posted() else current)
    status = 200
    if report.retracted:
        form.form_errors.append("This report has been retracted; it can no longer be reclassified.")
        status = CONFLICT
    elif form.validate_on_submit():
        read = reading_form.reading_of_form(form, report, by())
        if changed_meanwhile(form, report):
            status = CONFLICT
            form = _refreshed(ReclassifyForm, form, report, **current)
        elif read is None:
            status = 400
        else:
            reading, parties = read
            version, status = attempt(
                form,
                lambda: newsroom().reclassify_report(
                    slug, report_id, kinds=form.kinds.data or [], parties=parties, by=by(), reading=reading
                ),
            )
            if version:
                flash_saved("Report reclassified.")
                return redirect(url_for("story.show", slug=slug, _anchor=f"report-{report_id}"))
    elif form.is_submitted():
        status = 400
    form.fingerprint.data = form.fingerprint.data or fingerprint(report)
    return render_template("editing/reclassify_report.html", form=form, view=view, report=report), status


def posted() -> bool:
    return request.method == "POST"


def _refreshed(form_class: type[FlaskForm], old: FlaskForm, report: Report, **data: Any) -> FlaskForm:
    """A fresh form showing the report as it now stands, keeping the conflict message."""
    form = form_class(formdata=None, data=data)
    form.form_errors.extend(old.form_errors)
    form.fingerprint.data = fingerprint(report)
    return form
