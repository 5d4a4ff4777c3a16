"""The story page leads with the state: threads, open questions, key
developments, parties and party suggestions (accepted or dismissed by an
editor), and the timeline marks context reports and shows each report's reading."""

from __future__ import annotations

import re

import pytest
from licensing_story import SLUG, build
from web_testing import app, client, editor, event_count, login, post_form, token, viewer, web_runtime  # noqa: F401

from tracker.bootstrap import Runtime

PAGE = f"/stories/{SLUG}"


@pytest.fixture
def story(web_runtime: Runtime) -> str:
    return build(web_runtime.newsroom)


def section(page: str, title_id: str) -> str:
    start = page.index(f'id="{title_id}"')
    end = page.find('<h3 id="', start + 1)
    return page[start : end if end > 0 else start + 4000]


def test_the_story_page_of_a_licensing_story_shows_a_google_character_ai_thread_agreement_reached(
    client, story
) -> None:
    page = client.get(PAGE).get_data(as_text=True)
    threads = section(page, "threads-title")
    google = threads[threads.index("Google – Character.AI") :][:600]
    assert 'class="badge kind-agreement_reached">agreement reached' in google
    assert "since 28 May 2024" in google
    assert '<a href="#report-deal">Google strikes licensing deal with Character.AI</a>' in google
    meta = threads[threads.index("Meta – Character.AI") :][:1200]
    assert "no agreement yet</span>" in meta
    trail = re.sub(r"<[^>]+>", "", meta[meta.index('class="trail') :][:700])
    assert "talks held → no agreement yet" in " ".join(trail.split())


def test_the_state_comes_before_the_chart_and_timeline_and_where_the_parties_stand_is_gone(client, story) -> None:
    page = client.get(PAGE).get_data(as_text=True)
    assert page.index('id="state-title"') < page.index('id="chart-title"') < page.index('id="timeline-title"')
    assert "Where the parties stand" not in page and "state-panel" not in page


def test_an_open_question_says_who_is_silent_on_what_since_when_with_a_link_to_the_report(client, story) -> None:
    questions = section(client.get(PAGE).get_data(as_text=True), "questions-title")
    assert '<a href="#report-declined">Meta declined to comment on the talks</a>' in questions
    assert "since 25 May 2024" in questions


def test_key_developments_run_newest_first_and_link_their_reports(client, story) -> None:
    developments = section(client.get(PAGE).get_data(as_text=True), "developments-title")
    items = re.findall(r'<a href="#report-([^"]+)">([^<]+)</a>', developments)
    assert items == [
        ("deal", "Google – Character.AI: agreement reached"),
        ("no-deal", "Meta – Character.AI: no agreement yet"),
        ("talks", "Meta – Character.AI: talks held"),
    ]


def test_key_developments_show_at_most_six(client, web_runtime, story) -> None:
    from licensing_story import add

    from tracker.domain.reading.model import Reading, Relation
    from tracker.domain.vocabulary import Kind

    for n, day in enumerate(range(1, 9)):
        other = f"Company {n}"
        add(
            web_runtime.newsroom,
            f"t{n}",
            day,
            f"{other} talks",
            Reading(kinds=(Kind.TALKS_HELD,), relations=(Relation(other, "Meta", Kind.TALKS_HELD),)),
        )
    developments = section(client.get(PAGE).get_data(as_text=True), "developments-title")
    assert developments.count("<li>") == 6


def test_principal_parties_are_listed_and_mentioned_ones_apart_in_a_collapsed_details(client, story) -> None:
    parties = section(client.get(PAGE).get_data(as_text=True), "parties-title")
    listed = parties[: parties.index("<details")]
    assert "<li>Character.AI</li>" in listed and "<li>Meta</li>" in listed
    details = parties[parties.index("<details") : parties.index("</details>")]
    assert "<details " in details and " open" not in details.split(">")[0]
    assert "OpenAI" in details and "OpenAI" not in listed


def test_party_suggestions_say_how_often_and_with_whom_and_offer_buttons_only_to_editors(client, editor, story) -> None:
    page = editor.get(PAGE).get_data(as_text=True)
    suggestions = section(page, "suggested-title")
    assert (
        "<strong>Google</strong>: " in suggestions and "in 2 reports</a>, in relations with Character.AI" in suggestions
    )
    assert "Add as a party" in suggestions and "Dismiss" in suggestions
    assert f'action="/stories/{SLUG}/parties/accept"' in suggestions
    assert 'name="csrf_token" type="hidden" value="' in suggestions and "csrf-slot" not in page
    anonymous = client.get(PAGE).get_data(as_text=True)
    assert "<strong>Google</strong>" in anonymous and "Add as a party" not in anonymous


def test_accepting_a_suggestion_turns_it_into_a_party_and_removes_it_from_suggestions(
    editor, web_runtime, story
) -> None:
    response = post_form(editor, f"/stories/{SLUG}/parties/accept", {"name": "Andreessen Horowitz"})
    assert response.status_code == 303 and response.headers["Location"].endswith(PAGE)
    assert "Andreessen Horowitz" in web_runtime.newsroom.story(SLUG).rules["parties"]
    history = web_runtime.newsroom.history(SLUG)
    assert history[-1].event_type == "PartyAccepted" and history[-1].payload["by"] == "edna"
    page = editor.get(PAGE).get_data(as_text=True)
    assert "Andreessen Horowitz is now a party of the story." in page
    assert "<strong>Andreessen Horowitz</strong>" not in section(page, "suggested-title")
    assert "<li>Andreessen Horowitz</li>" in section(page, "parties-title")


def test_dismissing_a_suggestion_removes_it_for_good(editor, web_runtime, story) -> None:
    response = post_form(editor, f"/stories/{SLUG}/parties/dismiss", {"name": "Andreessen Horowitz"})
    assert response.status_code == 303
    assert web_runtime.newsroom.story(SLUG).rules["not_parties"] == ["Andreessen Horowitz"]
    page = editor.get(PAGE).get_data(as_text=True)
    assert "it will not be suggested as a party again" in page
    assert "Andreessen Horowitz" not in page[page.index('id="state-title"') : page.index('id="chart-title"')]


def test_accepting_a_party_twice_or_an_empty_name_is_a_clear_message_not_a_500(editor, web_runtime, story) -> None:
    post_form(editor, f"/stories/{SLUG}/parties/accept", {"name": "Google"})
    before = event_count(web_runtime)
    again = post_form(editor, f"/stories/{SLUG}/parties/accept", {"name": "Google"})
    assert again.status_code == 303
    assert "Google is already a party of the story: nothing was changed." in editor.get(PAGE).get_data(as_text=True)
    empty = post_form(editor, f"/stories/{SLUG}/parties/accept", {"name": ""})
    assert empty.status_code == 303 and "No name was given." in editor.get(PAGE).get_data(as_text=True)
    bad = post_form(editor, f"/stories/{SLUG}/parties/dismiss", {"name": "Bad\x07name"})
    assert bad.status_code == 303 and "could not be dismissed" in editor.get(PAGE).get_data(as_text=True)
    assert event_count(web_runtime) == before


def test_party_decisions_need_an_editor_and_a_csrf_token(client, viewer, editor, web_runtime, story) -> None:
    before = event_count(web_runtime)
    url = f"/stories/{SLUG}/parties/accept"
    assert client.post(url, data={"name": "Google"}).status_code in (302, 400)
    assert viewer.post(url, data={"name": "Google", "csrf_token": token(viewer, "/")}).status_code == 403
    assert editor.post(url, data={"name": "Google"}).status_code == 400
    assert (
        editor.post(
            "/stories/no-such-story/parties/accept", data={"name": "G", "csrf_token": token(editor, "/")}
        ).status_code
        == 404
    )
    assert event_count(web_runtime) == before


def test_a_cached_story_page_gives_each_editor_their_own_csrf_token(app, web_runtime, story) -> None:
    from web_testing import PASSWORD

    from tracker.accounts import Accounts

    Accounts(web_runtime.engine).add_user("ed2", PASSWORD, "editor")
    Accounts(web_runtime.engine).add_user("ed3", PASSWORD, "editor")
    first, second = app.test_client(), app.test_client()
    login(first, "ed2")
    login(second, "ed3")
    first.get(PAGE)  # renders and caches the page
    response = post_form(second, f"/stories/{SLUG}/parties/accept", {"name": "Google"})
    assert response.status_code == 303
    assert "Google" in web_runtime.newsroom.story(SLUG).rules["parties"]


def test_context_reports_are_marked_and_each_card_shows_its_relations_and_statements(client, story) -> None:
    page = client.get(PAGE).get_data(as_text=True)
    profile = page[page.index('id="report-profile"') - 200 :][:2500]
    assert "report-context-only" in profile and 'class="badge badge-context"' in profile
    deal = page[page.index('id="report-deal"') :][:2500]
    assert "Google – Character.AI: agreement reached" in deal and "badge-context" not in deal
    declined = page[page.index('id="report-declined"') :][:2500]
    assert "Meta: declined to comment on the talks" in declined


def test_the_past_shows_the_state_as_it_stood_then(client, story) -> None:
    page = client.get(f"{PAGE}?as_of=2024-05-27&mode=reported").get_data(as_text=True)
    threads = section(page, "threads-title")
    assert "Meta – Character.AI" in threads and "Google – Character.AI" not in threads
    assert "Add as a party" not in page


def test_what_changed_shows_a_thread_moving_with_its_steps_and_the_question_answered(
    client, web_runtime, story
) -> None:
    from licensing_story import add

    from tracker.domain.reading.model import Reading, Relation, Statement
    from tracker.domain.vocabulary import Kind

    client.get(PAGE)  # the visit
    add(
        web_runtime.newsroom,
        "walkout",
        31,
        "Meta and Character.AI talks collapse",
        Reading(kinds=(Kind.TALKS_ENDED,), relations=(Relation("Meta", "Character.AI", Kind.TALKS_ENDED),)),
    )
    add(
        web_runtime.newsroom,
        "confirmed",
        31,
        "Meta confirms the talks are over",
        Reading(kinds=(Kind.CONFIRMED,), statements=(Statement("Meta", Kind.CONFIRMED, "the talks"),)),
    )
    assert "changed since your last visit" in client.get(PAGE).get_data(as_text=True)
    page = client.get(f"{PAGE}/changes").get_data(as_text=True)
    assert "since your last visit" in page
    threads = page[page.index("<h2>Threads</h2>") :][:1500]
    assert "<strong>Meta – Character.AI</strong>" in threads
    assert "<del>no agreement yet</del> →" in threads and 'class="badge kind-talks_ended">talks ended' in threads
    assert "Stance changes" not in page
    assert "answered</span> Meta declined to comment on the talks" in page


def test_what_changed_since_before_the_story_lists_each_thread_as_new(client, story) -> None:
    page = client.get(f"{PAGE}/changes?since=2001-01-01").get_data(as_text=True)
    threads = page[page.index("<h2>Threads</h2>") :][:2500]
    assert (
        "<strong>Google – Character.AI</strong>:\n" in threads or "<strong>Google – Character.AI</strong>:" in threads
    )
    assert threads.count("new thread →") == 2
    assert '<li>talks held <span class="muted">(20 May 2024' in threads  # every step, the first included


def test_a_state_link_to_a_report_on_another_timeline_page_leads_to_that_page(client, web_runtime, story) -> None:
    from datetime import UTC, datetime

    web_runtime.newsroom.add_reports(
        SLUG,
        [
            {"headline": f"Update {n:02d}", "published_at": datetime(2024, 6, 1, tzinfo=UTC), "kinds": ["other"]}
            for n in range(55)
        ],
    )
    page = client.get(PAGE).get_data(as_text=True)
    threads = section(page, "threads-title")
    assert f'<a href="/stories/{SLUG}/reports/deal">Google strikes licensing deal' in threads
    response = client.get(f"/stories/{SLUG}/reports/deal")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{PAGE}?page=2#report-deal")
    assert 'id="report-deal"' in client.get(f"{PAGE}?page=2").get_data(as_text=True)
    past = client.get(f"/stories/{SLUG}/reports/talks?as_of=2024-05-27&mode=reported")
    assert past.headers["Location"].endswith(f"{PAGE}?as_of=2024-05-27&mode=reported#report-talks")
    assert client.get(f"/stories/{SLUG}/reports/nope").status_code == 404
