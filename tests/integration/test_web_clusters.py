"""Syndicated copies on the story page: one development with its copies
listed under the lead, "Split out" and "Merge into…" as editor POST forms
with CSRF, attributed to the editor; the API gives cluster_lead and sources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from web_testing import SEED, app, client, editor, event_count, login, token, viewer, web_runtime  # noqa: F401

PAGE = f"/stories/{SEED}"
START = datetime(2024, 6, 3, 6, tzinfo=UTC)
OUTLETS = ["The Ledger", "Daily Wire Service", "Tech Brief", "Silicon Post"]


@pytest.fixture
def cluster(web_runtime):
    newsroom = web_runtime.newsroom
    ids = [
        newsroom.add_report(
            SEED,
            report_id=f"scoop-{n}",
            headline=f"Meta in advanced talks to acquire Character.AI ({outlet})",
            url=f"https://news{n}.example/scoop",
            published_at=START + timedelta(hours=n),
            kinds=["talks_held"],
            parties=["Meta", "Character.AI"],
            outlet=outlet,
        )
        for n, outlet in enumerate(OUTLETS)
    ]
    for rid in ids[1:]:
        newsroom.cluster_report(SEED, rid, ids[0], similarity=0.8, by="classifier")
    return ids


def test_the_timeline_shows_a_cluster_as_one_development_with_its_copies(editor, cluster) -> None:
    page = editor.get(PAGE).get_data(as_text=True)
    assert "First reported by <strong>The Ledger</strong>, then 3 outlets" in page
    assert "<details" in page and "3 copies of this report" in page
    assert page.count('id="report-scoop-1"') == 1 and 'href="https://news2.example/scoop"' in page
    assert f'action="/stories/{SEED}/reports/split"' in page and "Split out" in page
    assert f'action="/stories/{SEED}/reports/merge"' in page and "Merge into…" in page
    assert "csrf-slot" not in page
    assert '<li id="report-scoop-1" class="cluster-copy">' in page  # a copy is a line under its lead, no card
    assert page.count('id="report-scoop-1"') == 1 and page.count('id="report-scoop-0"') == 1


def test_an_editor_splits_a_copy_out_and_merges_it_back_attributed_to_them(editor, web_runtime, cluster) -> None:
    newsroom = web_runtime.newsroom
    response = editor.post(f"{PAGE}/reports/split", data={"report_id": "scoop-2", "csrf_token": token(editor, PAGE)})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{PAGE}#report-scoop-2")
    assert {r.report_id: r.cluster_lead for r in newsroom.story(SEED).reports}["scoop-2"] == ""
    last = newsroom.history(SEED)[-1]
    assert last.event_type == "ReportUnclustered" and last.payload["by"] == "edna"
    assert "split out" in editor.get(PAGE).get_data(as_text=True)
    response = editor.post(
        f"{PAGE}/reports/merge",
        data={"report_id": "scoop-2", "lead_id": "scoop-3", "csrf_token": token(editor, PAGE)},
    )
    assert response.status_code == 303
    last = newsroom.history(SEED)[-1]
    assert last.event_type == "ReportClustered" and last.payload["by"] == "edna"
    assert last.payload["lead_id"] == "scoop-0"  # scoop-3 is a copy: its lead


def test_refusals_are_messages_and_forms_need_a_token_and_an_editor(editor, viewer, web_runtime, cluster) -> None:
    before = event_count(web_runtime)
    again = editor.post(f"{PAGE}/reports/split", data={"report_id": "scoop-0", "csrf_token": token(editor, PAGE)})
    assert again.status_code == 303 and "is not a copy" in editor.get(PAGE).get_data(as_text=True)
    bad = editor.post(
        f"{PAGE}/reports/merge", data={"report_id": "scoop-0", "lead_id": "nope", "csrf_token": token(editor, PAGE)}
    )
    assert bad.status_code == 303 and "could not be merged" in editor.get(PAGE).get_data(as_text=True)
    assert editor.post(f"{PAGE}/reports/split", data={"report_id": "scoop-1"}).status_code == 400
    assert viewer.post(f"{PAGE}/reports/split", data={"report_id": "scoop-1"}).status_code in (400, 403)
    assert event_count(web_runtime) == before


def talks_sources(data: dict) -> int:
    return next(
        t["sources"]
        for th in data["state"]["threads"]
        if set(th["parties"]) == {"Meta", "Character.AI"}
        for t in th["transitions"]
        if t["kind"] == "talks_held"
    )


def test_the_api_gives_each_report_its_cluster_lead_and_each_transition_its_sources(
    client, web_runtime, cluster
) -> None:
    data = client.get(f"/api/stories/{SEED}").get_json()
    leads = {r["report_id"]: r["cluster_lead"] for r in data["reports"]}
    assert leads["scoop-0"] == "" and leads["scoop-1"] == "scoop-0"
    transitions = [t for th in data["state"]["threads"] for t in th["transitions"]]
    assert transitions and all(isinstance(t["sources"], int) for t in transitions)
    before = talks_sources(data)
    web_runtime.newsroom.split_report(SEED, "scoop-3", by="edna")  # Silicon Post: independent now
    assert talks_sources(client.get(f"/api/stories/{SEED}").get_json()) == before + 1
