"""The JSON API and the Atom feed of a story, through the Flask test client."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from web_testing import SEED, app, client, web_runtime  # noqa: F401 - fixtures

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_stories_list_names_each_story_with_its_links(client) -> None:
    body = client.get("/api/stories").get_json()
    (story,) = body["stories"]
    assert (story["slug"], story["report_count"], story["status"]) == (SEED, 9, "developing")
    assert story["links"]["events"].endswith(f"/api/stories/{SEED}/events")
    assert story["links"]["atom"].endswith(f"/stories/{SEED}/feed.atom")


def test_a_story_comes_with_its_state_and_timeline(client) -> None:
    body = client.get(f"/api/stories/{SEED}").get_json()
    assert body["slug"] == SEED and body["timeline_complete"] is True and len(body["reports"]) == 9
    parties = {s["party"] for s in body["state"]["stances"]}
    assert {"Meta", "xAI", "Character.AI"} <= parties
    assert body["state"]["last_development"]["headline"] == "Musk does not answer a request for comment"


def test_the_timeline_can_be_limited_to_the_newest_reports(client) -> None:
    body = client.get(f"/api/stories/{SEED}?limit=2").get_json()
    assert len(body["reports"]) == 2 and body["timeline_complete"] is False
    assert body["report_count"] == 9


def test_a_story_as_of_a_version_or_moment_in_either_mode(client, web_runtime) -> None:
    assert client.get(f"/api/stories/{SEED}?version=2").get_json()["version"] == 2
    web_runtime.newsroom.add_report(
        SEED, headline="Late find", published_at=datetime(2024, 5, 1, tzinfo=UTC), kinds=["other"]
    )
    reported = client.get(f"/api/stories/{SEED}?as_of=2024-05-02&mode=reported").get_json()
    assert [r["headline"] for r in reported["reports"]] == ["Late find"] and reported["mode"] == "reported"
    recorded = client.get(f"/api/stories/{SEED}?as_of=2030-01-01T00:00Z&mode=recorded").get_json()
    assert recorded["mode"] == "recorded" and len(recorded["reports"]) == 10


def test_bad_parameters_and_unknown_stories_are_json_errors_naming_the_problem(client) -> None:
    cases = {
        f"/api/stories/{SEED}?as_of=soon": (400, "as_of"),
        f"/api/stories/{SEED}?mode=sideways&as_of=2024-06-01": (400, "mode"),
        f"/api/stories/{SEED}?version=x": (400, "version"),
        f"/api/stories/{SEED}?limit=-1": (400, "limit"),
        f"/api/stories/{SEED}?version=99": (404, "versions 1 to"),
        f"/api/stories/{SEED}?as_of=2001-01-01": (404, "had not been opened"),
        f"/api/stories/{SEED}/events?after=x": (400, "after"),
        "/api/stories/no-such-story": (404, "no-such-story"),
        "/api/stories/no-such-story/events": (404, "no-such-story"),
    }
    for url, (status, word) in cases.items():
        response = client.get(url)
        assert response.status_code == status, url
        assert response.is_json and word in response.get_json()["error"], url


def test_events_come_oldest_first_in_pages_with_a_link_to_the_next(client) -> None:
    first = client.get(f"/api/stories/{SEED}/events?limit=4").get_json()
    assert [e["version"] for e in first["events"]] == [1, 2, 3, 4]
    assert first["events"][0]["event_type"] == "Opened"
    rest = client.get(first["next"].split("localhost", 1)[1]).get_json()
    assert [e["version"] for e in rest["events"]] == [5, 6, 7, 8]
    last = client.get(f"/api/stories/{SEED}/events?after=8").get_json()
    assert [e["version"] for e in last["events"]] == [9, 10] and "next" not in last


def test_the_atom_feed_is_valid_xml_with_one_entry_per_report_and_escaped_text(client, web_runtime) -> None:
    web_runtime.newsroom.add_report(
        SEED,
        headline="<script>alert(1)</script> & more",
        published_at=datetime(2024, 6, 1, tzinfo=UTC),
        kinds=["other"],
    )
    response = client.get(f"/stories/{SEED}/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert feed.findtext(f"{ATOM}title") == "Meta and xAI court Character.AI" and len(entries) == 10
    assert entries[0].findtext(f"{ATOM}title") == "<script>alert(1)</script> & more"  # text, not markup
    assert b"<script>" not in response.data
    assert client.get("/stories/no-such-story/feed.atom").status_code == 404


def test_the_story_api_answers_304_to_a_matching_etag_until_the_story_changes(client, web_runtime) -> None:
    from datetime import datetime

    first = client.get(f"/api/stories/{SEED}")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(f"/api/stories/{SEED}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    web_runtime.newsroom.add_report(
        SEED, headline="Deal signed", published_at=datetime(2024, 9, 1, tzinfo=UTC), kinds=["agreement_reached"]
    )
    changed = client.get(f"/api/stories/{SEED}", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert changed.get_json()["state"]["last_development"]["headline"] == "Deal signed"
