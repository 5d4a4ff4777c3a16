"""Correcting any field of a report, editing the story's summary, and who did
what on the timeline and in the history, through Flask's test client."""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import escape
from web_testing import SEED, app, client, editor, event_count, post_form, viewer, web_runtime  # noqa: F401

REPORT = "ft-2024-05-25-meta-talks"
URL = f"/stories/{SEED}/reports/{REPORT}/correct"


def shown(editor) -> dict[str, str]:
    """The Correct form's fields as served (what a browser would post back)."""
    page = editor.get(URL).get_data(as_text=True)
    values = {}
    for name in ("headline", "url", "published_at", "outlet", "attribution", "parties", "speakers"):
        start = page.index(f'id="{name}"')
        tag = page[page.rindex("<input", 0, start) : page.index(">", start)]
        values[name] = tag.split('value="')[1].split('"')[0] if 'value="' in tag else ""
    summary_at = page.index('id="summary"')
    values["summary"] = page[page.index(">", summary_at) + 1 : page.index("</textarea>", summary_at)].strip()
    return values


def report_now(web_runtime):
    return next(r for r in web_runtime.catalog.story(SEED).reports if r.report_id == REPORT)


def test_the_correct_form_shows_every_field_of_the_report_prefilled(editor, web_runtime) -> None:
    report = report_now(web_runtime)
    values = shown(editor)
    assert values["outlet"] == report.outlet and values["parties"] == ", ".join(report.parties)
    assert datetime.fromisoformat(values["published_at"].replace("Z", "+00:00")) == report.published_at


def test_a_date_outlet_and_parties_are_corrected_and_the_timeline_shows_who_and_when(editor, web_runtime) -> None:
    before = event_count(web_runtime)
    form = {**shown(editor), "published_at": "2024-05-24T08:00Z", "outlet": "Reuters", "parties": "Meta"}
    response = post_form(editor, URL, {**form, "reason": "the wire misdated it"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert event_count(web_runtime) == before + 1
    report = report_now(web_runtime)
    assert (report.published_at, report.outlet, report.parties) == (
        datetime(2024, 5, 24, 8, 0, tzinfo=UTC),
        "Reuters",
        ("Meta",),
    )
    (correction,) = report.corrections
    assert set(correction.changes) == {"published_at", "outlet", "parties"} and correction.by == "edna"
    page = editor.get(f"/stories/{SEED}").get_data(as_text=True)
    card = page[page.index(f'id="report-{REPORT}"') :]
    badge = card[card.index('data-edit="corrected"') :][:400]
    assert "corrected (outlet, published at, parties) by edna" in badge
    assert "<time datetime=" in badge


def test_a_future_date_is_refused_beside_the_date_field_and_nothing_is_saved(editor, web_runtime) -> None:
    before = event_count(web_runtime)
    response = post_form(editor, URL, {**shown(editor), "published_at": "2030-01-01", "reason": "typo"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = page[page.index('id="published_at-error"') :][:300]
    assert "2030-01-01" in error and "more than a day in the future" in error
    assert 'value="2030-01-01"' in page  # kept as typed
    assert event_count(web_runtime) == before


def test_bad_fields_are_named_beside_them_never_a_500(editor, web_runtime) -> None:
    before = event_count(web_runtime)
    cases = {
        "published_at": ("last tuesday", "is not an ISO 8601 date or time"),
        "headline": ("", "The headline cannot be empty."),
        "url": ("ftp://example.com/x", "is not an absolute http(s) URL"),
        "speakers": ("Google", "is not among the report&#39;s parties"),
        "outlet": ("Bad \x07 outlet", "control character"),
    }
    for name, (value, message) in cases.items():
        response = post_form(editor, URL, {**shown(editor), name: value, "reason": "test"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400, (name, response.status_code)
        assert message in page[page.index(f'id="{name}-error"') :][:300], name
    assert event_count(web_runtime) == before


def test_a_form_posted_as_shown_changes_nothing_and_says_so(editor, web_runtime) -> None:
    response = post_form(editor, URL, {**shown(editor), "reason": "none"})
    assert response.status_code == 400 and "nothing was saved" in response.get_data(as_text=True)


def test_the_summary_is_edited_in_the_settings_as_an_event_with_who(editor, web_runtime) -> None:
    url = f"/stories/{SEED}/settings"
    view = web_runtime.catalog.story(SEED)
    assert str(escape(view.summary)) in editor.get(url).get_data(as_text=True)  # prefilled
    before = event_count(web_runtime)
    response = post_form(
        editor, url, {"title": view.title, "status": view.status, "summary": "Meta struck a deal with Character.AI."}
    )
    assert response.status_code == 302
    assert event_count(web_runtime) == before + 1
    assert web_runtime.catalog.story(SEED).summary == "Meta struck a deal with Character.AI."
    last = web_runtime.catalog.history(SEED)[-1]
    assert (last.event_type, last.payload["by"]) == ("SummaryChanged", "edna")


def test_a_refused_summary_saves_no_title_either(editor, web_runtime) -> None:
    url = f"/stories/{SEED}/settings"
    view = web_runtime.catalog.story(SEED)
    before = event_count(web_runtime)
    response = post_form(editor, url, {"title": "A new title", "status": view.status, "summary": "bad \x00 byte"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "control character" in page[page.index('id="summary-error"') :][:300]
    assert event_count(web_runtime) == before and web_runtime.catalog.story(SEED).title == view.title


def test_the_history_names_events_plainly_with_a_who_column(editor, web_runtime) -> None:
    web_runtime.newsroom.reclassify_report(SEED, REPORT, kinds=["confirmed"], by="classifier")
    web_runtime.newsroom.correct_report(SEED, REPORT, outlet="Reuters", reason="wire", by="edna")
    page = editor.get(f"/stories/{SEED}/history").get_data(as_text=True)
    head = page[page.index("<thead>") : page.index("</thead>")]
    assert '<th scope="col">Who</th>' in head
    rows = page[page.index("<tbody>") :]
    corrected = rows[: rows.index("</tr>")]
    assert "Report corrected: outlet" in corrected and '<td class="event-who">edna</td>' in corrected
    assert "Reclassified by the classifier" in rows and "Report added" in rows
    assert '<td class="event-what" title="ReportCorrected">' in corrected
    assert ">ReportAdded<" not in rows  # class names only as a tooltip


def test_a_viewer_cannot_correct(viewer) -> None:
    assert viewer.get(URL).status_code == 403


def test_a_story_opened_and_a_report_added_by_an_editor_say_who_in_the_history(editor, web_runtime) -> None:
    assert (
        post_form(editor, "/stories/new", {"title": "Chip makers merge", "slug": "", "summary": ""}).status_code == 302
    )
    added = post_form(
        editor,
        "/stories/chip-makers-merge/reports/new",
        {"headline": "Talks begin", "published_at": "2024-06-03T09:30Z", "kinds": ["talks_held"], "parties": ""},
    )
    assert added.status_code == 302
    opened, report = web_runtime.catalog.history("chip-makers-merge")
    assert (opened.payload["by"], report.payload["by"]) == ("edna", "edna")
    page = editor.get("/stories/chip-makers-merge/history").get_data(as_text=True)
    assert page.count('<td class="event-who">edna</td>') == 2
