"""Replaying a story on its page: ``?step=N`` shows the state, chart and
timeline as they stood after that development, with plain links to step."""

from __future__ import annotations

import re

import pytest
from licensing_story import SLUG, build
from web_testing import app, client, web_runtime  # noqa: F401

from tracker.bootstrap import Runtime

PAGE = f"/stories/{SLUG}"


@pytest.fixture
def story(web_runtime: Runtime) -> str:
    return build(web_runtime.newsroom)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def part(page: str, start: str, end: str) -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin)]


def test_the_story_page_offers_the_replay_from_its_first_step(client, story) -> None:
    page = client.get(PAGE).get_data(as_text=True)
    assert f'href="{PAGE}?step=1#replay">Replay the story</a>' in page


def test_a_step_shows_the_state_and_timeline_as_they_stood_after_its_report(client, story) -> None:
    response = client.get(f"{PAGE}?step=3")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    control = text(part(page, 'id="replay"', "</section>"))
    assert "Replay: step 3 of 4" in control
    assert "Meta – Character.AI: talks held → no agreement yet" in control
    threads = part(page, 'id="threads-title"', 'id="questions-title"')
    assert "Meta – Character.AI" in threads and "Google – Character.AI" not in threads  # the deal came later
    assert "Meta declined to comment on the talks" in part(page, 'id="questions-title"', 'id="developments-title"')
    timeline = page[page.index('id="timeline-title"') :]
    assert "No agreement yet between Meta and Character.AI" in timeline
    assert "Google strikes licensing deal" not in timeline and "3 reports" in text(timeline)
    chart = part(page, 'id="chart-title"', "</section>")
    assert "28 May" not in chart and "26 May" in chart


def test_the_control_links_the_previous_and_next_steps_so_the_url_carries_the_step(client, story) -> None:
    page = client.get(f"{PAGE}?step=2").get_data(as_text=True)
    assert f'rel="prev" href="{PAGE}?step=1#replay">← Previous</a>' in page
    assert f'rel="next" href="{PAGE}?step=3#replay">Next →</a>' in page
    assert f'data-next="{PAGE}?step=3#replay"' in page
    last = client.get(f"{PAGE}?step=4").get_data(as_text=True)
    assert "Next →" not in last and "Google – Character.AI: new thread → agreement reached" in text(last)
    first = client.get(f"{PAGE}?step=1").get_data(as_text=True)
    assert "← Previous" not in first and "First report" in first
    steps = part(first, 'class="replay-steps', "</details>")
    assert steps.count("<li>") == 4 and 'aria-current="step"' in steps


def test_a_step_the_story_does_not_have_or_a_malformed_one_is_named_beside_the_control(client, story) -> None:
    response = client.get(f"{PAGE}?step=99")
    assert response.status_code == 404
    assert "has steps 1 to 4, not 99" in response.get_data(as_text=True)
    response = client.get(f"{PAGE}?step=two")
    assert response.status_code == 400 and "is not a step of the replay" in response.get_data(as_text=True)
    response = client.get(f"{PAGE}?step=2&version=3")
    assert response.status_code == 400 and "choose a replay step or a moment or version" in response.get_data(
        as_text=True
    )


def test_a_report_link_inside_a_step_keeps_the_step(client, story) -> None:
    response = client.get(f"/stories/{SLUG}/reports/talks?step=3")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{PAGE}?step=3#report-talks")


def test_the_json_api_answers_a_step_too_and_refuses_one_it_does_not_have(client, story) -> None:
    body = client.get(f"/api/stories/{SLUG}?step=3").get_json()
    assert {r["report_id"] for r in body["reports"]} == {"talks", "declined", "no-deal"}
    assert "Google" not in {p for t in body["state"]["threads"] for p in t["parties"]}
    response = client.get(f"/api/stories/{SLUG}?step=99")
    assert response.status_code == 400
