"""The JSON API and the Atom feed of a story, through the Flask test client."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from licensing_story import SLUG, build
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
    parties = {p["name"] for p in body["state"]["parties"]}
    assert {"Meta", "xAI", "Character.AI"} <= parties and "stances" not in body["state"]
    assert set(body["state"]) >= {"threads", "open_questions", "parties", "party_suggestions", "key_developments"}
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
    # with no mode, as the story page: what had been published by then (before the story: nothing yet)
    early = client.get(f"/api/stories/{SEED}?as_of=2001-01-01").get_json()
    assert early["mode"] == "reported" and early["reports"] == []


def test_bad_parameters_and_unknown_stories_are_json_errors_naming_the_problem(client) -> None:
    cases = {
        f"/api/stories/{SEED}?as_of=soon": (400, "as_of"),
        f"/api/stories/{SEED}?mode=sideways&as_of=2024-06-01": (400, "mode"),
        f"/api/stories/{SEED}?version=x": (400, "version"),
        f"/api/stories/{SEED}?limit=-1": (400, "limit"),
        f"/api/stories/{SEED}?version=99": (404, "versions 1 to"),
        f"/api/stories/{SEED}?as_of=2001-01-01&mode=recorded": (404, "had not been opened"),
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


@pytest.fixture
def licensing(web_runtime) -> str:
    return build(web_runtime.newsroom)


def test_the_apis_state_threads_hold_the_pair_status_since_report_and_transitions(client, licensing) -> None:
    threads = client.get(f"/api/stories/{SLUG}").get_json()["state"]["threads"]
    google = next(t for t in threads if t["parties"] == ["Google", "Character.AI"])
    assert (google["status"], google["report_id"]) == ("agreement_reached", "deal")
    assert google["since"].startswith("2024-05-28T09:00")
    meta = next(t for t in threads if t["parties"] == ["Meta", "Character.AI"])
    steps = [(s["kind"], s["report_id"]) for s in meta["transitions"]]
    assert meta["status"] == "no_agreement" and steps == [("talks_held", "talks"), ("no_agreement", "no-deal")]
    assert meta["transitions"][0]["published_at"].startswith("2024-05-20")


def test_the_apis_state_holds_open_questions_parties_suggestions_and_key_developments(client, licensing) -> None:
    state = client.get(f"/api/stories/{SLUG}").get_json()["state"]
    assert state["open_questions"] == [
        {
            "key": "say:meta|the-talks",
            "speaker": "Meta",
            "kind": "declined_to_comment",
            "about": "the talks",
            "since": "2024-05-25T09:00:00+00:00",
            "report_id": "declined",
            "question": "Meta declined to comment on the talks",
        }
    ]
    roles = {p["name"]: p["role"] for p in state["parties"]}
    assert roles["Meta"] == "principal" and roles["OpenAI"] == "mentioned"
    horowitz = next(s for s in state["party_suggestions"] if s["name"] == "Andreessen Horowitz")
    assert horowitz == {"name": "Andreessen Horowitz", "reports": 2, "related": [], "report_id": "investors"}
    assert [d["report_id"] for d in state["key_developments"]] == ["deal", "no-deal", "talks"]
    assert state["last_development"]["report_id"] == "investors"


def test_each_report_in_the_api_carries_its_relations_statements_and_relevance(client, licensing) -> None:
    reports = {r["report_id"]: r for r in client.get(f"/api/stories/{SLUG}").get_json()["reports"]}
    assert reports["deal"]["relations"] == [
        {
            "a": "Google",
            "b": "Character.AI",
            "kind": "agreement_reached",
            "phrase": "strikes licensing deal",
            "where": "",
        }
    ]
    assert reports["declined"]["statements"] == [
        {"speaker": "Meta", "kind": "declined_to_comment", "about": "the talks", "phrase": "", "where": ""}
    ]
    assert reports["profile"]["relevance"] == "context" and reports["deal"]["relevance"] == "core"
    assert "reading" not in reports["deal"] and reports["deal"]["headline"].startswith("Google strikes")


def test_the_apis_past_views_hold_the_state_as_it_stood_then_in_both_modes(client, licensing, web_runtime) -> None:
    reported = client.get(f"/api/stories/{SLUG}?as_of=2024-05-27&mode=reported").get_json()
    assert [t["parties"] for t in reported["state"]["threads"]] == [["Meta", "Character.AI"]]
    assert reported["state"]["threads"][0]["status"] == "no_agreement"
    assert all("relations" in r for r in reported["reports"])
    moment = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    from licensing_story import add

    from tracker.domain.reading.model import Reading, Relation
    from tracker.domain.vocabulary import Kind

    add(
        web_runtime.newsroom,
        "ended",
        31,
        "Google deal called off",
        Reading(kinds=(Kind.TALKS_ENDED,), relations=(Relation("Google", "Character.AI", Kind.TALKS_ENDED),)),
    )
    recorded = client.get(f"/api/stories/{SLUG}?as_of={moment}&mode=recorded").get_json()
    google = next(t for t in recorded["state"]["threads"] if t["parties"] == ["Google", "Character.AI"])
    assert google["status"] == "agreement_reached"
    now = client.get(f"/api/stories/{SLUG}").get_json()
    google = next(t for t in now["state"]["threads"] if t["parties"] == ["Google", "Character.AI"])
    assert google["status"] == "talks_ended"
    version = client.get(f"/api/stories/{SLUG}?version=3").get_json()
    assert version["state"]["threads"][0]["parties"] == ["Meta", "Character.AI"]
