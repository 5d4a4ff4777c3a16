"""Malformed URLs and form values are answered 400 or 404 with a message,
never 500, and nothing is stored — on SQLite and on PostgreSQL (which
refuses NUL in text, so a NUL that reached SQL would show there)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from web_testing import PASSWORD, SEED, event_count, login, open_web_runtime, post_form

from tracker.accounts import Accounts
from tracker.bootstrap import Runtime
from tracker.seed import load_seed, seed_files

LONG = "a" * 10_000
SUPERSCRIPT_TWO = "%C2%B2"  # '²': str.isdigit() says yes, int() says no
HUGE = "99999999999999999999999"

BAD_PATHS = [
    "/stories/CON",
    "/stories/%C3%A9",
    "/stories/%00",
    "/stories/a--b",
    f"/stories/{LONG}",
    "/api/stories/CON",
    "/api/stories/%00",
    f"/api/stories/{LONG}",
    "/api/stories/%C3%A9/events",
    f"/stories/{LONG}/history",
    "/stories/%00/changes",
    f"/stories/{SEED}/reports/%00/correct",
    f"/stories/{SEED}/reports/{LONG}/retract",
]
BAD_QUERIES = [
    f"/stories/{SEED}?version={SUPERSCRIPT_TWO}",
    f"/stories/{SEED}/changes?since_version={SUPERSCRIPT_TWO}",
    f"/api/stories/{SEED}?limit={SUPERSCRIPT_TWO}",
    f"/api/stories/{SEED}/events?after={SUPERSCRIPT_TWO}",
    f"/api/stories/{SEED}/events?limit={SUPERSCRIPT_TWO}",
    f"/stories/{SEED}?version={HUGE}",
    f"/api/stories/{SEED}?version={HUGE}",
    f"/api/stories/{SEED}/events?after={HUGE}",
    f"/stories/{SEED}?as_of=%00",
    f"/api/stories/{SEED}?as_of=%00",
    f"/stories/{SEED}/changes?since=%00",
    f"/stories/{SEED}?mode=%00",
    f"/stories/{SEED}/changes?since_version=-1",
]
TOLERATED_QUERIES = [  # ignored or clamped: the page is shown
    f"/stories/{SEED}?page={SUPERSCRIPT_TWO}",
    f"/stories/{SEED}?page={HUGE}",
    f"/stories/{SEED}/history?page={SUPERSCRIPT_TWO}",
    f"/stories/{SEED}/history?page={HUGE}",
    "/search?q=%00",
    "/?q=%00",
    f"/stories/{SEED}?order=%00",
]


@pytest.fixture
def seeded(database_url: str, tmp_path) -> Iterator[Runtime]:
    runtime = open_web_runtime(database_url, tmp_path / "data")
    for path in seed_files():
        load_seed(runtime.newsroom, path)
    yield runtime
    runtime.close()


@pytest.fixture
def web(seeded: Runtime) -> FlaskClient:
    from web import create_app

    return create_app(runtime=seeded).test_client()


def statuses(client: FlaskClient, paths: list[str]) -> dict[str, int]:
    return {path[:80]: client.get(path).status_code for path in paths}


def test_a_path_that_cannot_name_a_story_or_record_is_404(web) -> None:
    assert statuses(web, BAD_PATHS) == {path[:80]: 404 for path in BAD_PATHS}


def test_a_malformed_or_overflowing_number_or_moment_is_400_naming_the_argument(web) -> None:
    assert statuses(web, BAD_QUERIES) == {path[:80]: 400 for path in BAD_QUERIES}
    body = web.get(f"/api/stories/{SEED}?limit={SUPERSCRIPT_TWO}").get_json()
    assert body["status"] == 400 and body["error"].startswith("limit: '²' is not a number")


def test_a_page_number_that_is_not_a_plain_number_shows_a_page_anyway(web) -> None:
    assert statuses(web, TOLERATED_QUERIES) == {path[:80]: 200 for path in TOLERATED_QUERIES}


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("/stories/new", {"title": "Meta\x00xAI"}, "title"),
        ("/stories/new", {"title": "Talks", "summary": "bell\x07"}, "summary"),
        (
            f"/stories/{SEED}/reports/new",
            {"headline": "A\x00", "published_at": "2024-06-01T09:00Z", "kinds": "talks_held"},
            "headline",
        ),
        (
            f"/stories/{SEED}/reports/new",
            {"headline": "Far future", "published_at": "9999-12-31", "kinds": "talks_held"},
            "published_at",
        ),
        (
            f"/stories/{SEED}/reports/new",
            {"headline": "Year one", "published_at": "0001-01-01", "kinds": "talks_held"},
            "published_at",
        ),
        (
            f"/stories/{SEED}/reports/new",
            {"headline": "Before 1900", "published_at": "1899-12-31T23:00Z", "kinds": "talks_held"},
            "published_at",
        ),
        (
            f"/stories/{SEED}/reports/new",
            {"headline": "Parties", "published_at": "2024-06-01", "kinds": "talks_held", "parties": "Me\x00ta"},
            "parties",
        ),
    ],
    ids=[
        "NUL in a title",
        "BEL in a summary",
        "NUL in a headline",
        "year 9999",
        "year 1",
        "before 1900",
        "NUL in a party",
    ],
)
def test_a_form_value_the_domain_refuses_is_a_400_naming_the_field_and_nothing_is_stored(
    seeded, web, url, data, field
) -> None:
    Accounts(seeded.engine).add_user("edna", PASSWORD, "editor")
    login(web, "edna")
    before = event_count(seeded)
    response = post_form(web, url, data)
    assert response.status_code == 400, response.get_data(as_text=True)[:400]
    assert field in response.get_data(as_text=True)
    assert event_count(seeded) == before
    assert web.get(f"/stories/{SEED}").status_code == 200  # the store still serves
