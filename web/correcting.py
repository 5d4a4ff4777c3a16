"""The Correct form's fields and their mapping to a correction: every field
of a report (date, outlet, attribution, parties, speakers, link, headline,
text) is on the form, pre-filled as the report stands; only the fields the
editor changed are sent, so a date shown to the minute is not "corrected"
to the minute by a save that left it alone (and a field missing from the
post is left as it is).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from wtforms import StringField

from tracker.domain.report import Report
from tracker.moments import parse_moment
from web.forms import CorrectForm, split_terms


class FullCorrectForm(CorrectForm):
    published_at = StringField(
        "Published", description="ISO 8601, e.g. 2024-05-25 or 2024-05-25T14:30Z (UTC unless a zone is given)."
    )
    outlet = StringField("Outlet")
    attribution = StringField("According to", description="Who the outlet attributes it to, if anyone.")
    parties = StringField("Parties", description="Separated by commas.")
    speakers = StringField(
        "Speakers", description="The parties a statement (declined, confirmed, denied …) is about; commas between."
    )


#: The form's fields in the order shown (``reason`` last, in the template).
FIELDS = ("headline", "summary", "url", "published_at", "outlet", "attribution", "parties", "speakers")


def form_data(report: Report) -> dict[str, str]:
    """The report as the form shows it."""
    return {
        "headline": report.headline,
        "summary": report.summary,
        "url": report.url,
        "published_at": report.published_at.astimezone(UTC).isoformat(timespec="minutes").replace("+00:00", "Z"),
        "outlet": report.outlet,
        "attribution": report.attribution,
        "parties": ", ".join(report.parties),
        "speakers": ", ".join(report.speakers),
    }


def correction_of(form: FullCorrectForm, report: Report) -> dict[str, Any]:
    """The changed fields as the Newsroom's ``correct_report`` takes them
    (raises InvalidField for an unreadable date, named for its field)."""
    shown = form_data(report)
    fields: dict[str, Any] = {}
    for name in FIELDS:
        field = getattr(form, name)
        typed = field.data or ""
        if not field.raw_data or typed.strip() == shown[name].strip():
            continue  # not on the posted form, or left as shown
        if name == "published_at":
            fields[name] = parse_moment(typed, "published_at")
        elif name in ("parties", "speakers"):
            fields[name] = split_terms(typed)
        else:
            fields[name] = typed
    if "parties" in fields and "speakers" not in fields:
        fields["speakers"] = None  # the speakers who remain parties stay
    return fields
