"""Time travel on the story page never dead-ends: "as reported" by default, a
moment before the opening (as recorded) answered with the nearest recorded
moment, typed values kept; "what changed since" by published or recorded time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from licensing_story import SLUG, build
from web_testing import SEED, app, client, web_runtime  # noqa: F401

from tracker.bootstrap import Runtime

PAGE = f"/stories/{SLUG}"


@pytest.fixture
def story(web_runtime: Runtime) -> str:
    return build(web_runtime.newsroom)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def timeline(page: str) -> str:
    return page[page.index('id="timeline-title"') :]


def test_a_news_date_without_a_mode_shows_what_had_been_published_by_then(client, story) -> None:
    response = client.get(f"{PAGE}?as_of=2024-05-26")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "every report <strong>published by</strong>" in page
    assert "No agreement yet between Meta and Character.AI" in timeline(page)  # 26 May
    assert "Google strikes licensing deal" not in timeline(page)  # 28 May
    assert 'value="reported" checked' in page and 'value="recorded" checked' not in page


def test_the_form_explains_both_modes_in_one_line_and_defaults_to_as_reported(client, story) -> None:
    page = client.get(PAGE).get_data(as_text=True)
    explain = text(page[page.index('id="tt-explain"') :][:400])
    assert "As reported : every report published by then, as known now." in explain
    assert "As recorded : only what the desk had recorded by then." in explain
    assert 'name="mode" value="reported" checked' in page


def test_a_moment_before_the_opening_as_recorded_names_the_opening_and_offers_it_not_a_404(
    client, web_runtime, story
) -> None:
    response = client.get(f"{PAGE}?as_of=2024-05-26&mode=recorded")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    opened = web_runtime.catalog.story(SLUG).opened_at
    notice = text(page[page.index("notice-not-opened") :][:1500])
    assert "Nothing had been recorded as of 26 May 2024, 23:59 UTC" in notice
    assert f"the desk opened this story on {opened:%-d %b %Y}" in notice
    assert f'href="{PAGE}?as_of=2024-05-26&amp;mode=reported"' in page  # the other mode, one click away
    assert "had not been opened" not in page
    # the typed moment and mode stay in the form
    assert (
        'id="as_of" name="as_of" type="text" inputmode="numeric" placeholder="2024-06-01 or 2024-06-01T14:30Z" value="2024-05-26"'
        in page
    )
    assert 'value="recorded" checked' in page
    # what is shown is the opening, as recorded: nothing reported yet
    assert "No reports by then." in page


def test_a_mistyped_moment_or_version_stays_in_the_form_beside_its_error(client, story) -> None:
    response = client.get(f"{PAGE}?as_of=26/05/2024&mode=recorded")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="26/05/2024"' in page and "is not an ISO 8601 date or time" in page
    assert 'value="recorded" checked' in page
    page = client.get(f"{PAGE}?version=abc").get_data(as_text=True)
    assert 'id="version" name="version" type="text" inputmode="numeric" value="abc"' in page
    assert "is not a version number" in page


def test_the_seed_story_as_of_its_news_date_shows_its_reports_in_either_default(client) -> None:
    page = client.get(f"/stories/{SEED}?as_of=2024-05-26").get_data(as_text=True)
    assert "Meta has held early partnership talks with Character.AI" in timeline(page)
    page = client.get(f"/stories/{SEED}?as_of=2024-05-26&mode=recorded").get_data(as_text=True)
    assert "the desk opened this story on" in page


def test_what_changed_since_a_date_counts_publication_time_by_default_and_says_so(client, story) -> None:
    page = client.get(f"{PAGE}/changes?since=2024-05-26").get_data(as_text=True)
    assert "Changes published since 2024-05-26." in text(page)
    new = page[page.index("New reports") :][:3000]
    assert "Google strikes licensing deal" in new
    assert "Meta declines to comment" not in new  # published 25 May
    assert 'name="by" value="reported" checked' in page


def test_what_changed_since_a_date_by_recorded_time_counts_what_the_desk_recorded(client, story) -> None:
    page = client.get(f"{PAGE}/changes?since=2024-05-26&by=recorded").get_data(as_text=True)
    assert "Changes recorded by the desk since 2024-05-26." in text(page)
    assert "Meta declines to comment" in page  # all recorded today, whenever published
    assert 'name="by" value="recorded" checked' in page
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert "Nothing has changed" in client.get(f"{PAGE}/changes?since={now}&by=recorded").get_data(as_text=True)


def test_what_changed_lists_every_status_a_thread_went_through_since(client, story) -> None:
    page = client.get(f"{PAGE}/changes?since=2024-05-19").get_data(as_text=True)
    meta = page[page.index("<strong>Meta – Character.AI</strong>") :][:2500]
    steps = meta[meta.index('class="trail small thread-steps"') : meta.index("</ol>")]
    assert [re.sub(r"\s+", " ", s).strip() for s in re.findall(r"<li>([a-z ]+) <span", steps)] == [
        "talks held",
        "no agreement yet",
    ]


def test_a_bad_way_of_counting_time_is_named_beside_the_form(client, story) -> None:
    response = client.get(f"{PAGE}/changes?since=2024-05-26&by=sideways")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "is not a way to count time; use reported or recorded" in page and 'value="2024-05-26"' in page
