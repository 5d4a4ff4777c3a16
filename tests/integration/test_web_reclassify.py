"""Reclassifying a report through the web UI: its relevance, relations and
statements as lines of text, each bad line named on the form."""

from __future__ import annotations

import html

import pytest
from licensing_story import SLUG, build
from web_testing import app, client, editor, event_count, post_form, web_runtime  # noqa: F401 - fixtures

from tracker.bootstrap import Runtime
from tracker.domain.reading.model import Relation, Relevance, Statement
from tracker.domain.vocabulary import Kind


@pytest.fixture
def story(web_runtime: Runtime) -> str:
    return build(web_runtime.newsroom)


def url(report_id: str) -> str:
    return f"/stories/{SLUG}/reports/{report_id}/reclassify"


def report(runtime: Runtime, report_id: str):
    return next(r for r in runtime.newsroom.story(SLUG).reports if r.report_id == report_id)


def field_errors(page: str, name: str) -> list[str]:
    parts = page.split(f'<p class="error" id="{name}-error">')[1:]
    return [html.unescape(p.split("</p>")[0]) for p in parts]


def test_the_form_is_prefilled_from_the_reports_reading(editor, story) -> None:
    page = html.unescape(editor.get(url("deal")).get_data(as_text=True))
    assert "Google | Character.AI | agreement reached</textarea>" in page
    declined = html.unescape(editor.get(url("declined")).get_data(as_text=True))
    assert "Meta | declined to comment | the talks</textarea>" in declined
    assert '<option selected value="core">' in declined
    profile = editor.get(url("profile")).get_data(as_text=True)
    assert '<option selected value="context">' in profile
    assert 'value="agreement_reached"' in page  # the kinds stay


def test_an_editor_sets_relations_statements_and_relevance_and_the_reading_is_stored(
    editor, client, web_runtime, story
) -> None:
    response = post_form(
        editor,
        url("deal"),
        {
            "kinds": ["agreement_reached", "confirmed"],
            "relevance": "core",
            "parties": "Google, Character.AI",
            "relations": "Google | Character.AI | agreement reached\nAlphabet | Character.AI | talks_held",
            "statements": "Character.AI | confirmed | the licensing deal",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    reading = report(web_runtime, "deal").reading
    assert reading.relations == (
        Relation("Google", "Character.AI", Kind.AGREEMENT_REACHED, phrase="strikes licensing deal"),
        Relation("Alphabet", "Character.AI", Kind.TALKS_HELD),
    )
    assert reading.statements == (Statement("Character.AI", Kind.CONFIRMED, "the licensing deal"),)
    assert reading.classified_by == "edna" and reading.relevance is Relevance.CORE
    assert "Alphabet" in report(web_runtime, "deal").parties
    assert web_runtime.newsroom.history(SLUG)[-1].payload["by"] == "edna"
    page = client.get(f"/stories/{SLUG}").get_data(as_text=True)
    assert "Alphabet – Character.AI" in page[: page.index('id="chart-title"')]


def test_marking_a_report_context_takes_it_out_of_the_threads(editor, client, web_runtime, story) -> None:
    form = {"kinds": ["agreement_reached"], "relevance": "context", "parties": "Google, Character.AI"}
    form["relations"] = "Google | Character.AI | agreement reached"
    assert post_form(editor, url("deal"), form).status_code == 302
    assert report(web_runtime, "deal").reading.relevance is Relevance.CONTEXT
    page = client.get(f"/stories/{SLUG}").get_data(as_text=True)
    threads = page[page.index('id="threads-title"') : page.index('id="questions-title"')]
    assert "Google – Character.AI" not in threads
    card = page[page.index('id="report-deal"') :][:1500]
    assert 'class="badge badge-context"' in card


def test_a_bad_relations_line_is_named_with_its_number_and_nothing_is_stored(editor, web_runtime, story) -> None:
    before = event_count(web_runtime)
    response = post_form(
        editor,
        url("deal"),
        {
            "kinds": ["agreement_reached"],
            "relevance": "core",
            "parties": "Google",
            "relations": "Google | Character.AI | agreement reached\nGoogle | Character.AI | dael\nGoogle | | talks held\n"
            "Meta | Character.AI | denied",
            "statements": "| confirmed\nMeta | gossip | the talks\nMeta | talks held",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_errors(page, "relations") == [
        "line 2: unknown kind 'dael'",
        "line 3: missing party (write A | B | kind)",
        "line 4: 'denied' is a statement kind, not one for this list",
    ]
    assert field_errors(page, "statements") == [
        "line 1: missing speaker (write speaker | kind | about)",
        "line 2: unknown kind 'gossip'",
        "line 3: 'talks held' is a relation kind, not one for this list",
    ]
    assert "Google | Character.AI | dael" in page  # kept as typed
    assert event_count(web_runtime) == before


def test_a_reclassification_that_changes_nothing_says_so_on_the_form(editor, web_runtime, story) -> None:
    form = {
        "kinds": ["declined_to_comment"],
        "relevance": "core",
        "parties": "Meta",
        "relations": "",
        "statements": "Meta | declined to comment | the talks",
    }
    assert post_form(editor, url("declined"), form).status_code == 302
    before = event_count(web_runtime)
    again = post_form(editor, url("declined"), form)
    assert again.status_code == 400 and "nothing was saved" in again.get_data(as_text=True)
    assert event_count(web_runtime) == before


def test_a_report_changed_meanwhile_is_not_reclassified_over(editor, web_runtime, story) -> None:
    page = editor.get(url("deal")).get_data(as_text=True)
    fingerprint = page.split('name="fingerprint" type="hidden" value="')[1].split('"')[0]
    web_runtime.newsroom.reclassify_report(SLUG, "deal", kinds=["talks_held"], by="desk b")
    response = post_form(
        editor,
        url("deal"),
        {
            "kinds": ["other"],
            "relevance": "core",
            "parties": "",
            "relations": "",
            "statements": "",
            "fingerprint": fingerprint,
        },
    )
    assert response.status_code == 409 and "Someone else changed this report" in response.get_data(as_text=True)


def test_an_over_long_name_is_named_with_its_line_on_the_relations_field(editor, web_runtime, story) -> None:
    before = event_count(web_runtime)
    form = {"kinds": ["talks_held"], "relevance": "core", "parties": "", "statements": ""}
    response = post_form(editor, url("deal"), {**form, "relations": f"{'G' * 250} | Character.AI | talks held"})
    assert response.status_code == 400
    (error,) = field_errors(response.get_data(as_text=True), "relations")
    assert error == "line 1: 'GGGGGGGGGGGGGGGGGGGGGGGGGGGGGG'... is longer than 200 characters"
    assert event_count(web_runtime) == before
