"""The web UI's write-then-read round trip on both databases (SQLite file and PostgreSQL)."""

from __future__ import annotations

from web_testing import PASSWORD, SEED, event_count, login, post_form

from tracker.accounts import Accounts
from tracker.seed import load_seed, seed_files


def test_an_editor_adds_a_report_that_time_travel_to_before_it_does_not_show(runtime) -> None:
    from web import create_app

    for path in seed_files():
        load_seed(runtime.newsroom, path)
    Accounts(runtime.engine).add_user("edna", PASSWORD, "editor")
    client = create_app(runtime=runtime).test_client()
    login(client, "edna")
    version = runtime.newsroom.story(SEED).version
    before = event_count(runtime)
    response = post_form(
        client,
        f"/stories/{SEED}/reports/new",
        {"headline": "Meta confirms talks", "published_at": "2024-06-03", "kinds": ["confirmed"], "parties": "Meta"},
    )
    assert response.status_code == 302 and event_count(runtime) == before + 1
    assert "Meta confirms talks" in client.get(f"/stories/{SEED}").get_data(as_text=True)
    assert "Meta confirms talks" not in client.get(f"/stories/{SEED}?version={version}").get_data(as_text=True)
    reported = client.get(f"/api/stories/{SEED}?as_of=2024-06-02&mode=reported").get_json()
    assert "Meta confirms talks" not in [r["headline"] for r in reported["reports"]]
    hits = client.get("/search?q=confirms").get_data(as_text=True)
    assert "Meta <mark>confirms</mark> talks" in hits
