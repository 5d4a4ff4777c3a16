"""Twenty rewrites of one scoop, polled from twenty outlets' feeds on loopback
through the real pipeline: one development with nineteen copies, sources
counted once per outlet, the same in the read models as in the aggregate,
and an editor's split and merge on the story page."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from loopback import LoopbackServer, Reply

from tracker.domain.vocabulary import Kind, OriginKind
from tracker.ingest.service import Ingestion
from tracker.readmodels.verify import verify

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "syndication" / "reports.json"
SLUG = "meta-buys-character-ai"
RULES = {
    "all_of": [["Character.AI", "Character AI"]],
    "any_of": ["Meta", "xAI", "acquire", "deal", "talks"],
    "parties": {"Character.AI": ["Character AI"], "Meta": [], "xAI": []},
}


def feed(outlet: str, items: list[dict]) -> bytes:
    body = "".join(
        f"<item><title>{escape(r['headline'])}</title><guid>https://{r['id']}.example/story</guid>"
        f"<link>https://{r['id']}.example/story</link><description>{escape(r['summary'])}</description>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(r['published']))}</pubDate></item>"
        for r in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{escape(outlet)}</title>{body}</channel></rss>'
    ).encode()


@pytest.fixture
def polled(runtime):
    runtime.settings = dataclasses.replace(runtime.settings, fetch_allow_private_addresses=True)
    runtime.newsroom.open_story(title="Meta buys Character.AI", slug=SLUG, rules=RULES)
    reports = json.loads(FIXTURE.read_text())["reports"]
    by_outlet: dict[str, list[dict]] = {}
    for report in reports:
        by_outlet.setdefault(report["outlet"], []).append(report)
    with LoopbackServer() as server, Ingestion(runtime) as ingestion:
        for n, (outlet, items) in enumerate(sorted(by_outlet.items())):
            ingestion.add_feed(server.route(f"/feed-{n}", Reply(200, feed(outlet, items))), name=outlet)
        started = time.perf_counter()
        summary = ingestion.poll_once()
        elapsed = time.perf_counter() - started
    return runtime, reports, summary, elapsed


def by_label(runtime, reports):
    label = {f"https://{r['id']}.example/story": r["id"] for r in reports}
    view = runtime.newsroom.story(SLUG)
    return view, {label[r.url]: r for r in view.reports if r.origin.kind is OriginKind.FEED}


def test_twenty_rewrites_are_one_development_with_nineteen_copies_and_one_source(polled) -> None:
    runtime, reports, summary, elapsed = polled
    view, found = by_label(runtime, reports)
    scoop = [r["id"] for r in reports if r["development"] == "scoop"]
    assert set(scoop) <= set(found), sorted(set(scoop) - set(found))
    lead = found["s01"]
    assert lead.cluster_lead == "" and lead.outlet == "The Ledger"
    copies = [found[rid] for rid in scoop if found[rid].cluster_lead]
    assert len(copies) == 19 and {c.cluster_lead for c in copies} == {lead.report_id}
    others = [r for r in reports if r["development"] not in ("scoop", "meta-denial") and r["id"] in found]
    assert others and all(found[r["id"]].cluster_lead == "" for r in others)  # other developments stay apart
    assert {found[rid].cluster_lead for rid in ("d02", "d03") if rid in found} <= {found["d01"].report_id}
    # The state: the scoop's transition counts The Ledger once, not twenty outlets.
    thread = next(t for t in view.state.threads if set(t.parties) == {"Meta", "Character.AI"})
    talks = next(t for t in thread.transitions if t.kind is Kind.TALKS_HELD)
    behind = {
        r.outlet
        for r in view.reports
        if r.active
        and not r.cluster_lead
        and any({x.a, x.b} == {"Meta", "Character.AI"} and x.kind is Kind.TALKS_HELD for x in r.reading.relations)
    }
    assert "The Ledger" in behind and not behind & {c.outlet for c in copies} - {"The Ledger"} - behind
    assert talks.sources == len(behind) < 1 + len(others)
    assert summary.reports_appended >= 20 and elapsed < 30


def test_the_read_models_agree_with_the_aggregate_and_a_rebuild_at_every_version(polled) -> None:
    runtime = polled[0]
    newsroom, catalog = runtime.newsroom, runtime.catalog
    assert catalog.story(SLUG) == newsroom.story(SLUG)
    latest = newsroom.story(SLUG).version
    for version in range(1, latest + 1, 5):
        assert catalog.story_at_version(SLUG, version) == newsroom.story_at_version(SLUG, version)
        fast = catalog.story_at_version(SLUG, version, timeline_limit=3)
        assert fast.state == newsroom.story_at_version(SLUG, version).state
    assert verify(runtime.projector) == []


def test_an_editor_splits_a_copy_out_and_merges_it_back_and_the_sources_follow(polled) -> None:
    runtime, reports = polled[0], polled[1]
    newsroom, catalog = runtime.newsroom, runtime.catalog
    _view, found = by_label(runtime, reports)
    copy, lead = found["s06"], found["s01"]  # The Morning Bulletin: no other report

    def talks_sources() -> int:
        state = catalog.story(SLUG).state
        thread = next(t for t in state.threads if set(t.parties) == {"Meta", "Character.AI"})
        return next(t for t in thread.transitions if t.kind is Kind.TALKS_HELD).sources

    before = talks_sources()
    newsroom.split_report(SLUG, copy.report_id, by="edna")
    assert talks_sources() == before + 1  # The Morning Bulletin counts on its own now
    newsroom.cluster_report(SLUG, copy.report_id, lead.report_id, by="edna")
    assert talks_sources() == before
    assert catalog.story(SLUG) == newsroom.story(SLUG)
