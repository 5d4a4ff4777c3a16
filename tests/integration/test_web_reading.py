"""Reading pages of the web UI through the Flask test client, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime

from web_testing import SEED, app, client, editor, web_runtime  # noqa: F401 - fixtures

from tracker.bootstrap import Runtime

PUBLISHED = datetime(2024, 6, 3, 9, 30, tzinfo=UTC)


def add(runtime: Runtime, headline: str, **fields) -> str:
    defaults = {"published_at": PUBLISHED, "kinds": ["confirmed"], "parties": ["Meta"], "outlet": "Reuters"}
    return runtime.newsroom.add_report(SEED, headline=headline, **{**defaults, **fields})


def timeline(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return page[page.index('id="timeline-title"') :]


def test_the_index_lists_each_story_with_status_count_last_development_and_a_sparkline(client) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "Meta and xAI court Character.AI" in page
    assert 'class="pill status-developing"' in page
    assert '<dd class="num">9</dd>' in page
    assert "Musk does not answer a request for comment" in page
    assert '<svg class="sparkline"' in page


def test_the_index_puts_the_most_recently_changed_story_first(client, web_runtime) -> None:
    web_runtime.newsroom.open_story(title="Regulators look at chip deal", slug="chips")
    page = client.get("/").get_data(as_text=True)
    assert page.index("Regulators look at chip deal") < page.index("Meta and xAI court Character.AI")
    web_runtime.newsroom.change_status(SEED, "quiet")
    page = client.get("/").get_data(as_text=True)
    assert page.index("Meta and xAI court Character.AI") < page.index("Regulators look at chip deal")


def test_the_story_page_shows_the_state_the_last_development_the_chart_and_the_timeline(client) -> None:
    response = client.get(f"/stories/{SEED}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "State of the story" in page and 'id="threads-title"' in page and 'id="questions-title"' in page
    assert 'id="parties-title"' in page and 'id="developments-title"' in page
    assert "Where the parties stand" not in page
    assert 'class="last-development' in page
    assert 'class="badge kind-talks_held"' in page
    assert "according to four people familiar with the matter" in page
    assert "Reports per day by kind" in page and "<rect" in page


def test_a_report_shows_its_outlet_link_and_both_times(client, web_runtime) -> None:
    report_id = add(
        web_runtime, "Meta confirms talks", url="https://example.com/meta-confirms", attribution="a Meta spokesperson"
    )
    page = client.get(f"/stories/{SEED}").get_data(as_text=True)
    card = page[page.index(f'id="report-{report_id}"') :][:3000]
    assert 'href="https://example.com/meta-confirms"' in card and 'rel="noopener noreferrer nofollow"' in card
    assert "Reuters" in card and "according to a Meta spokesperson" in card
    assert "Published <time" in card and "3 Jun 2024, 09:30 UTC" in card and "recorded <time" in card


def test_corrections_and_retractions_are_shown_in_place_struck_through_with_the_reason(client, web_runtime) -> None:
    corrected = add(web_runtime, "Meta confirms tlaks")
    retracted = add(web_runtime, "xAI denies everything", parties=["xAI"], kinds=["denied"])
    web_runtime.newsroom.correct_report(SEED, corrected, headline="Meta confirms talks", reason="typo in headline")
    web_runtime.newsroom.retract_report(SEED, retracted, reason="the source withdrew it")
    page = client.get(f"/stories/{SEED}").get_data(as_text=True)
    assert "<del>Meta confirms tlaks</del> <ins>Meta confirms talks</ins>" in page
    assert "typo in headline" in page
    assert "<s>xAI denies everything</s>" in page and "the source withdrew it" in page


def test_an_unknown_story_gets_the_sites_404_page(client) -> None:
    for url in (
        "/stories/no-such-story",
        "/stories/no-such-story/history",
        "/stories/no-such-story/changes",
        "/nowhere",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert 'class="error-page"' in response.get_data(as_text=True)


def test_a_story_can_be_viewed_at_an_earlier_version(client) -> None:
    page = client.get(f"/stories/{SEED}?version=3").get_data(as_text=True)
    assert "version 3</strong>" in page
    assert "Meta has held early partnership talks with Character.AI" in page
    assert "Musk does not answer a request for comment" not in page


def test_as_recorded_hides_what_the_desk_learned_later_and_as_reported_shows_it(client, web_runtime) -> None:
    before = datetime.now(UTC)
    add(web_runtime, "Meta confirms talks", published_at=datetime(2024, 5, 20, tzinfo=UTC))
    as_of = before.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    recorded = client.get(f"/stories/{SEED}?as_of={as_of}&mode=recorded").get_data(as_text=True)
    assert "Meta confirms talks" not in recorded and "as the desk knew it" in recorded
    reported = client.get(f"/stories/{SEED}?as_of=2024-05-21&mode=reported").get_data(as_text=True)
    assert "Meta confirms talks" in reported and "published by" in reported
    assert "Character.AI has had similar discussions" not in reported  # published 25 May


def test_a_malformed_moment_or_version_is_a_message_beside_the_control_not_a_500(client) -> None:
    cases = {
        "as_of=yesterday-ish": "is not an ISO 8601 date or time",
        "as_of=2024-06-01&mode=sideways": "is not a mode",
        "version=abc": "is not a version number",
        "version=0": "is not a version number",
        "as_of=2024-06-01&version=3": "choose a moment or a version, not both",
    }
    for query, message in cases.items():
        response = client.get(f"/stories/{SEED}?{query}")
        assert response.status_code == 400, query
        page = response.get_data(as_text=True)
        assert '<p class="error" id=' in page and message in page, query


def test_a_version_or_moment_the_story_does_not_have_is_named(client) -> None:
    response = client.get(f"/stories/{SEED}?version=999")
    assert response.status_code == 404 and "versions 1 to" in response.get_data(as_text=True)
    # a moment before the story's opening, as recorded, is no dead end: see test_web_time_travel.py
    response = client.get(f"/stories/{SEED}?as_of=2001-01-01&mode=recorded")
    assert response.status_code == 200 and "the desk opened this story on" in response.get_data(as_text=True)


def test_the_timeline_is_paginated_and_can_run_oldest_first(client, web_runtime) -> None:
    web_runtime.newsroom.add_reports(
        SEED, [{"headline": f"Update {n:02d}", "published_at": PUBLISHED, "kinds": ["other"]} for n in range(60)]
    )
    first = timeline(client, f"/stories/{SEED}")
    assert "Page 1 of 2" in first and "Update 59" in first and "Update 00" not in first
    second = timeline(client, f"/stories/{SEED}?page=2")
    assert "Update 00" in second and "Update 59" not in second
    assert "3 Jun: 60 reports" in client.get(f"/stories/{SEED}?page=2").get_data(
        as_text=True
    )  # the chart counts every page
    before_june = client.get(f"/stories/{SEED}?as_of=2024-05-26&mode=reported").get_data(as_text=True)
    assert "25 May: 9 reports" in before_june and "3 Jun:" not in before_june
    assert "3 Jun: 60 reports" in client.get(f"/stories/{SEED}?version=999999").get_data(
        as_text=True
    )  # falls back to now
    oldest = timeline(client, f"/stories/{SEED}?order=oldest")
    assert oldest.index("Character.AI: a three-year-old chatbot maker") < oldest.index("Update 00")


def test_what_changed_since_your_last_visit_lists_the_new_reports(client, web_runtime) -> None:
    client.get(f"/stories/{SEED}")  # the visit
    add(web_runtime, "Meta confirms it held talks")
    story = client.get(f"/stories/{SEED}").get_data(as_text=True)
    assert "changed since your last visit" in story
    page = client.get(f"/stories/{SEED}/changes").get_data(as_text=True)
    assert "since your last visit" in page
    assert "New reports" in page and "Meta confirms it held talks" in page
    assert "Stance changes" not in page


def test_what_changed_since_a_moment_can_be_chosen_and_a_bad_moment_is_named(client, web_runtime) -> None:
    page = client.get(f"/stories/{SEED}/changes?since=2001-01-01").get_data(as_text=True)
    assert "Musk does not answer a request for comment" in page  # everything is new since before the story
    response = client.get(f"/stories/{SEED}/changes?since=last-tuesday")
    assert response.status_code == 400 and "is not an ISO 8601 date or time" in response.get_data(as_text=True)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert "Nothing has changed" in client.get(f"/stories/{SEED}/changes?since={now}").get_data(as_text=True)


def test_the_event_history_is_paginated_newest_first(client, web_runtime) -> None:
    web_runtime.newsroom.add_reports(
        SEED, [{"headline": f"Update {n:02d}", "published_at": PUBLISHED, "kinds": ["other"]} for n in range(3)]
    )
    for _ in range(22):
        web_runtime.newsroom.change_status(SEED, "quiet")
        web_runtime.newsroom.change_status(SEED, "developing")
    first = client.get(f"/stories/{SEED}/history").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Status changed to developing" in first and "Story opened" not in first
    last = client.get(f"/stories/{SEED}/history?page=2").get_data(as_text=True)
    assert '<td class="event-what" title="Opened">Story opened</td>' in last and "Report added" in last


def test_search_finds_reports_across_stories_and_says_when_nothing_matches(client) -> None:
    page = client.get("/search?q=xai+talks").get_data(as_text=True)
    assert "Character.AI has had similar discussions with Musk&#39;s <mark>xAI</mark>" in page
    assert "Meta has held early partnership talks" not in page
    assert "Nothing found" in client.get("/search?q=zeppelin").get_data(as_text=True)
    assert client.get("/search?q=" + "x" * 300).status_code == 400


def test_feed_supplied_text_is_escaped_and_summary_html_is_sanitised(client, web_runtime) -> None:
    add(
        web_runtime,
        "<script>alert('headline')</script> Deal talk",
        summary="<p>Talks <b>resumed</b></p><script>alert('summary')</script><img src=x onerror=alert(1)>",
        outlet="<i>Evil</i> Times",
    )
    page = client.get(f"/stories/{SEED}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;headline&#39;)&lt;/script&gt; Deal talk" in page
    assert "<p>Talks <b>resumed</b></p>" in page and "onerror" not in page
    assert "&lt;i&gt;Evil&lt;/i&gt; Times" in page


def test_every_page_carries_a_content_security_policy(client) -> None:
    for url in ("/", f"/stories/{SEED}", "/stories/nope", "/api/stories"):
        policy = client.get(url).headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
