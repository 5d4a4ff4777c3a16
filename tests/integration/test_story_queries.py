"""The one query API (StoryQueries) as the read models' Catalog serves it,
checked against the Newsroom's replaying queries (the oracle), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tracker.application import UnknownStory
from tracker.application.queries import StoryQueries


def open_story_with_reports(newsroom, count: int) -> str:
    slug = newsroom.open_story(title="Harbour strike talks", summary="Dockers and the port authority.")
    for n in range(count):
        newsroom.add_report(
            slug,
            headline=f"Talks held, round {n + 1}",
            published_at=datetime(2024, 6, 1 + n, 9, tzinfo=UTC),
            kinds=["talks_held"],
            parties=["Dockers Union", "Port Authority"],
            outlet="Harbour Gazette",
        )
    newsroom.retitle_story(slug, "Harbour strike: talks")
    return slug


def test_the_catalog_history_is_the_stored_event_log_page_by_page_as_the_oracle_gives_it(runtime) -> None:
    queries: StoryQueries = runtime.catalog
    slug = open_story_with_reports(runtime.newsroom, 5)
    everything = queries.history(slug)
    assert everything == runtime.newsroom.history(slug)
    assert [e.version for e in everything] == list(range(1, 8))
    assert everything[0].event_type == "Opened" and everything[-1].payload["title"] == "Harbour strike: talks"
    assert queries.history(slug, after_version=2, limit=3) == runtime.newsroom.history(slug, after_version=2, limit=3)
    assert [e.version for e in queries.history(slug, after_version=2, limit=3)] == [3, 4, 5]
    assert queries.history(slug, after_version=7) == ()  # past the end of a known story: an empty page


def test_the_catalog_history_of_an_unknown_story_names_it(runtime) -> None:
    with pytest.raises(UnknownStory, match="no-such-story"):
        runtime.catalog.history("no-such-story")


def test_every_read_of_the_query_api_answers_like_the_oracle_for_a_story(runtime) -> None:
    queries: StoryQueries = runtime.catalog
    newsroom = runtime.newsroom
    slug = open_story_with_reports(newsroom, 3)
    assert queries.story_exists(slug) and not queries.story_exists("no-such-story")
    assert queries.story_slugs() == newsroom.story_slugs()
    assert queries.stories() == newsroom.stories()
    assert queries.version_of(slug) == newsroom.story(slug).version == 5
    assert queries.story(slug) == newsroom.story(slug)
    assert queries.story_at_version(slug, 3) == newsroom.story_at_version(slug, 3)
    assert queries.version_at(slug, datetime.now(UTC)) == newsroom.version_at(slug, datetime.now(UTC)) == 5
    assert [hit.headline for hit in queries.search("round 2")] == ["Talks held, round 2"]
    assert sum(queries.activity(slug)) == 3 and len(queries.developments(slug)) == 3
