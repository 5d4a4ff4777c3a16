"""Editing through the web UI: roles, CSRF, validation beside the field, concurrent edits."""

from __future__ import annotations

from datetime import UTC, datetime

from web_testing import SEED, app, client, editor, event_count, post_form, token, viewer, web_runtime  # noqa: F401

REPORT = "ft-2024-05-25-meta-talks"
GOOD = {
    "headline": "Meta confirms it held talks with Character.AI",
    "published_at": "2024-06-03T09:30Z",
    "kinds": ["confirmed", "talks_held"],
    "parties": "Meta, Character.AI",
    "outlet": "Reuters",
    "attribution": "a Meta spokesperson",
    "url": "https://example.com/meta",
    "summary": "Meta said talks took place.",
}


def test_an_editor_adds_a_report_and_it_appears_on_the_timeline(editor, web_runtime) -> None:
    before = event_count(web_runtime)
    response = post_form(editor, f"/stories/{SEED}/reports/new", GOOD)
    assert response.status_code == 302 and "#report-r-" in response.headers["Location"]
    assert event_count(web_runtime) == before + 1
    report = web_runtime.newsroom.story(SEED).reports[-1]
    assert (report.headline, report.outlet, report.parties) == (GOOD["headline"], "Reuters", ("Meta", "Character.AI"))
    assert report.published_at == datetime(2024, 6, 3, 9, 30, tzinfo=UTC)
    assert report.classified_by == "edna"
    page = editor.get(f"/stories/{SEED}").get_data(as_text=True)
    assert "Report added to the timeline." in page and GOOD["headline"] in page


def test_a_bad_field_is_named_beside_it_and_the_form_keeps_what_was_typed(editor, web_runtime) -> None:
    before = event_count(web_runtime)
    cases = {
        "published_at": ("last week", "is not an ISO 8601 date or time"),
        "url": ("ftp://example.com/x", "is not an absolute http(s) URL"),
        "headline": ("", "A report needs a headline."),
        "speakers": ("Google", "is not among the report&#39;s parties"),
    }
    for name, (value, message) in cases.items():
        response = post_form(editor, f"/stories/{SEED}/reports/new", {**GOOD, name: value})
        page = response.get_data(as_text=True)
        assert response.status_code == 400, name
        error_at = page.index(f'id="{name}-error"')
        assert message in page[error_at : error_at + 300], name
        assert page.rindex(f'id="{name}"', 0, error_at) > page.rindex("<label", 0, error_at) - 200  # beside its field
        assert 'value="Reuters"' in page and "Meta said talks took place." in page  # kept
    response = post_form(editor, f"/stories/{SEED}/reports/new", {**GOOD, "kinds": []})
    assert response.status_code == 400 and "Pick at least one kind." in response.get_data(as_text=True)
    assert event_count(web_runtime) == before


def test_a_post_without_a_valid_csrf_token_is_refused_with_400_and_changes_nothing(editor, web_runtime) -> None:
    before = event_count(web_runtime)
    missing = editor.post(f"/stories/{SEED}/reports/new", data=GOOD)
    forged = editor.post(f"/stories/{SEED}/reports/new", data={**GOOD, "csrf_token": "forged"})
    for response in (missing, forged):
        assert response.status_code == 400
        assert "security token" in response.get_data(as_text=True)
    assert event_count(web_runtime) == before


def test_anonymous_writers_are_sent_to_log_in_and_viewers_are_forbidden(client, viewer, web_runtime) -> None:
    before = event_count(web_runtime)
    urls = [
        "/stories/new",
        f"/stories/{SEED}/reports/new",
        f"/stories/{SEED}/reports/{REPORT}/correct",
        f"/stories/{SEED}/reports/{REPORT}/retract",
        f"/stories/{SEED}/reports/{REPORT}/reclassify",
        f"/stories/{SEED}/settings",
        f"/stories/{SEED}/rules",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"], url
        forbidden = viewer.get(url)
        assert forbidden.status_code == 403 and "needs the editor role" in forbidden.get_data(as_text=True), url
        csrf = token(viewer, "/")
        assert viewer.post(url, data={**GOOD, "csrf_token": csrf}).status_code == 403, url
    assert "Add a report" not in viewer.get(f"/stories/{SEED}").get_data(as_text=True)
    assert event_count(web_runtime) == before


def test_a_correction_keeps_the_old_text_struck_through_with_the_reason(editor, web_runtime) -> None:
    form = editor.get(f"/stories/{SEED}/reports/{REPORT}/correct").get_data(as_text=True)
    assert 'value="Meta has held early partnership talks with Character.AI"' in form  # prefilled
    response = post_form(
        editor,
        f"/stories/{SEED}/reports/{REPORT}/correct",
        {
            "headline": "Meta held early partnership talks with Character.AI",
            "summary": "Meta had talks.",
            "url": "",
            "reason": "tense",
        },
    )
    assert response.status_code == 302
    page = editor.get(f"/stories/{SEED}").get_data(as_text=True)
    assert "<del>Meta has held early partnership talks with Character.AI</del>" in page and "tense" in page


def test_a_correction_that_changes_nothing_says_so(editor, web_runtime) -> None:
    view = web_runtime.newsroom.story(SEED)
    report = next(r for r in view.reports if r.report_id == REPORT)
    response = post_form(
        editor,
        f"/stories/{SEED}/reports/{REPORT}/correct",
        {"headline": report.headline, "summary": report.summary, "url": report.url, "reason": "none"},
    )
    assert response.status_code == 400 and "nothing was saved" in response.get_data(as_text=True)


def test_retracting_needs_a_reason_and_then_strikes_the_report_through(editor, web_runtime) -> None:
    url = f"/stories/{SEED}/reports/{REPORT}/retract"
    empty = post_form(editor, url, {"reason": ""})
    assert empty.status_code == 400 and "Say why it is retracted." in empty.get_data(as_text=True)
    assert post_form(editor, url, {"reason": "the sources withdrew"}).status_code == 302
    page = editor.get(f"/stories/{SEED}").get_data(as_text=True)
    assert "<s>Meta has held early partnership talks with Character.AI</s>" in page and "the sources withdrew" in page
    again = editor.get(url)
    assert again.status_code == 409 and "already been retracted" in again.get_data(as_text=True)


def test_reclassifying_changes_the_kinds_shown(editor, web_runtime) -> None:
    url = f"/stories/{SEED}/reports/{REPORT}/reclassify"
    assert post_form(editor, url, {"kinds": ["confirmed"], "parties": "Meta"}).status_code == 302
    report = next(r for r in web_runtime.newsroom.story(SEED).reports if r.report_id == REPORT)
    assert [k.value for k in report.kinds] == ["confirmed"] and report.classified_by == "edna"
    bad = editor.post(url, data={"kinds": ["gossip"], "parties": "Meta", "csrf_token": token(editor, url)})
    assert bad.status_code == 400 and "is not a valid choice" in bad.get_data(as_text=True)


def test_an_edit_to_a_report_someone_changed_meanwhile_is_not_applied_and_says_why(editor, web_runtime) -> None:
    url = f"/stories/{SEED}/reports/{REPORT}/correct"
    page = editor.get(url).get_data(as_text=True)
    csrf = token(editor, url)
    fingerprint = page.split('name="fingerprint" type="hidden" value="')[1].split('"')[0]
    web_runtime.newsroom.correct_report(SEED, REPORT, headline="Meta held talks (desk B)", reason="desk B")
    before = event_count(web_runtime)
    response = editor.post(
        url,
        data={
            "headline": "Meta held talks (desk A)",
            "summary": "",
            "url": "",
            "reason": "desk A",
            "fingerprint": fingerprint,
            "csrf_token": csrf,
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else changed this report" in body
    assert 'value="Meta held talks (desk B)"' in body  # shown as it now stands
    assert event_count(web_runtime) == before


def test_editing_a_report_retracted_meanwhile_is_a_clear_conflict_not_a_500(editor, web_runtime) -> None:
    url = f"/stories/{SEED}/reports/{REPORT}/reclassify"
    csrf = token(editor, url)
    web_runtime.newsroom.retract_report(SEED, REPORT, reason="gone")
    response = editor.post(url, data={"kinds": ["confirmed"], "parties": "Meta", "csrf_token": csrf})
    assert response.status_code == 409 and "retracted" in response.get_data(as_text=True)


def test_an_unknown_report_is_a_404(editor) -> None:
    response = editor.get(f"/stories/{SEED}/reports/r-nope/correct")
    assert response.status_code == 404 and "r-nope" in response.get_data(as_text=True)


def test_an_editor_opens_a_story_and_a_taken_slug_is_named_beside_the_slug(editor, web_runtime) -> None:
    response = post_form(editor, "/stories/new", {"title": "Chip makers merge", "slug": "", "summary": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/stories/chip-makers-merge/reports/new"
    )
    assert web_runtime.newsroom.story("chip-makers-merge").title == "Chip makers merge"
    taken = post_form(editor, "/stories/new", {"title": "Another", "slug": SEED, "summary": ""})
    page = taken.get_data(as_text=True)
    assert taken.status_code == 409 and "already exists" in page[page.index('id="slug-error"') - 50 :][:400]
    bad = post_form(editor, "/stories/new", {"title": "Bad slug", "slug": "Not A Slug", "summary": ""})
    assert bad.status_code == 400 and 'id="slug-error"' in bad.get_data(as_text=True)


def test_title_and_status_are_changed_as_separate_events(editor, web_runtime) -> None:
    before = event_count(web_runtime)
    response = post_form(
        editor, f"/stories/{SEED}/settings", {"title": "Meta, xAI and Character.AI", "status": "quiet"}
    )
    assert response.status_code == 302
    view = web_runtime.newsroom.story(SEED)
    assert (view.title, view.status) == ("Meta, xAI and Character.AI", "quiet")
    assert event_count(web_runtime) == before + 2
    bad = post_form(editor, f"/stories/{SEED}/settings", {"title": "x", "status": "archived"})
    assert bad.status_code == 400 and "valid choice" in bad.get_data(as_text=True).split('id="status-error"')[1][:60]


def test_tracking_rules_are_edited_as_lines_and_terms(editor, web_runtime) -> None:
    form = editor.get(f"/stories/{SEED}/rules").get_data(as_text=True)
    assert "Character.AI, Character AI" in form
    response = post_form(
        editor,
        f"/stories/{SEED}/rules",
        {"all_of": "Character.AI, Character Technologies\nMeta", "any_of": "deal, talks", "none_of": ""},
    )
    assert response.status_code == 302
    rules = web_runtime.newsroom.story(SEED).rules
    assert rules["all_of"] == [["Character.AI", "Character Technologies"], ["Meta"]]
    assert rules["any_of"] == ["deal", "talks"] and not rules.get("none_of")


def test_an_unusable_rule_term_is_named_beside_its_field_and_nothing_is_saved(editor, web_runtime) -> None:
    before = event_count(web_runtime)
    response = post_form(
        editor, f"/stories/{SEED}/rules", {"all_of": "Character.AI", "any_of": "deal, ab*", "none_of": ""}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "wildcard term needs at least 3 letters" in page[page.index('id="any_of-error"') :][:300]
    assert "deal, ab*" in page  # kept as typed
    assert event_count(web_runtime) == before
