"""Syndicated copies on a story's timeline (editors only): "Split out" makes
a copy an independent report again (ReportUnclustered), "Merge into…"
records a report as a copy of another, picked by report id
(ReportClustered), both by the signed-in editor.

Each answers 303 back to the story page with a flash; a refusal (not a
copy, itself, an unknown or retracted report) is a flash too, never a 500.
The timeline groups each cluster under its lead with :func:`copies_by_lead`.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, abort, flash, redirect, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

from tracker.application import UnknownStory
from tracker.domain.errors import DomainError, NothingChanged
from tracker.domain.report import Report
from web.access import editor_required
from web.editing import by, newsroom
from web.errors import flash_saved
from web.filters import sentence

bp = Blueprint("clusters", __name__)

SEE_OTHER = 303


class ClusterForm(FlaskForm):  # type: ignore[misc]
    """Split a copy out (report_id), or merge a report into a lead (report_id, lead_id)."""

    report_id = HiddenField(validators=[DataRequired(message="No report was given."), Length(max=200)])
    lead_id = StringField("Lead report id", validators=[Optional(), Length(max=200)])


@bp.app_template_global()
def copies_by_lead(reports: Iterable[Report]) -> dict[str, list[Report]]:
    """The copies of each lead among ``reports`` (retracted copies left out), oldest first."""
    out: dict[str, list[Report]] = {}
    for report in sorted(reports, key=lambda r: (r.published_at, r.sequence)):
        if report.cluster_lead and report.active:
            out.setdefault(report.cluster_lead, []).append(report)
    return out


def _back(slug: str, report_id: str = "") -> Response:
    anchor = f"#report-{report_id}" if report_id else ""
    return redirect(url_for("story.show", slug=slug) + anchor, SEE_OTHER)


def _change(slug: str, merge: bool) -> Response:
    form = ClusterForm()
    if not form.validate_on_submit():
        if form.errors.get("csrf_token"):
            abort(400, description="The form was missing its security token or it had expired. Reload the page.")
        flash(sentence(next(iter(form.errors.values()))[0]), "error")
        return _back(slug)
    report_id = (form.report_id.data or "").strip()
    lead_id = (form.lead_id.data or "").strip()
    if merge and not lead_id:
        flash("Give the id of the report to merge into.", "error")
        return _back(slug, report_id)
    try:
        if merge:
            newsroom().cluster_report(slug, report_id, lead_id, by=by())
        else:
            newsroom().split_report(slug, report_id, by=by())
    except NothingChanged as error:
        flash(sentence(error) + ": nothing was changed.", "info")
        return _back(slug, report_id)
    except UnknownStory:
        raise  # the site's 404
    except DomainError as error:
        flash(f"Report {report_id} could not be {'merged' if merge else 'split out'}: {error}.", "error")
        return _back(slug, report_id)
    if merge:
        flash_saved(f"Report {report_id} is now shown as a copy of {lead_id}.")
    else:
        flash_saved(f"Report {report_id} split out: it counts as an independent report again.")
    return _back(slug, report_id)


@bp.post("/stories/<slug>/reports/merge")
@editor_required
def merge(slug: str) -> Response:
    return _change(slug, merge=True)


@bp.post("/stories/<slug>/reports/split")
@editor_required
def split(slug: str) -> Response:
    return _change(slug, merge=False)
