"""The seed story with its whole demo feed, polled through the real pipeline,
reads as a journalist would tell it: Google struck the licensing deal, Meta's
and xAI's talks stand where they were, and nobody declined who didn't."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply

from tracker.domain.vocabulary import Kind
from tracker.ingest.demo import DemoFeed
from tracker.ingest.service import Ingestion
from tracker.seed import SEEDS_DIR, load_seed, seed_files

SLUG = "meta-xai-court-character-ai"
DEMO = SEEDS_DIR / f"{SLUG}.follow-ups.xml"


def demo_feed() -> bytes:
    """The demo feed with every item released (the demo server releases them one by one)."""
    feed = DemoFeed(DEMO.read_text(encoding="utf-8"))
    return feed.document(len(feed.items))


@pytest.fixture
def polled(runtime):
    runtime.settings = dataclasses.replace(runtime.settings, fetch_allow_private_addresses=True)
    load_seed(runtime.newsroom, seed_files()[0])
    with LoopbackServer() as server, Ingestion(runtime) as ingestion:
        ingestion.add_feed(server.route("/demo", Reply(200, demo_feed())), name="Demo wire")
        ingestion.poll_once()
        yield runtime, ingestion


def test_google_appears_with_an_agreement_thread_with_character_ai(polled) -> None:
    runtime, _ = polled
    state = runtime.catalog.story(SLUG).state
    threads = {frozenset(t.parties): t.status for t in state.threads}
    assert threads.get(frozenset({"Google", "Character.AI"})) is Kind.AGREEMENT_REACHED
    named = {p.name for p in state.parties} | {s.name for s in state.party_suggestions}
    assert "Google" in named


def test_meta_and_xai_threads_stay_talks_held_or_no_agreement(polled) -> None:
    runtime, _ = polled
    state = runtime.catalog.story(SLUG).state
    threads = {frozenset(t.parties): t.status for t in state.threads}
    for suitor in ("Meta", "xAI"):
        assert threads[frozenset({suitor, "Character.AI"})] in (Kind.TALKS_HELD, Kind.NO_AGREEMENT)


def test_nobody_is_said_to_have_declined_who_did_not(polled) -> None:
    runtime, _ = polled
    view = runtime.catalog.story(SLUG)
    declined = {
        (s.speaker, r.report_id)
        for r in view.reports
        for s in r.reading.statements
        if s.kind in (Kind.DECLINED_TO_COMMENT, Kind.NO_RESPONSE)
    }
    for speaker, report_id in declined:
        report = next(r for r in view.reports if r.report_id == report_id)
        text = f"{report.headline} {report.summary}"
        # the speaker, or a spelling of it, is named in the report that says it was silent
        assert any(name.lower() in text.lower() for name in _spellings(speaker)), (speaker, text)
    feed_silences = {s for s, rid in declined if rid.startswith("feed-")}
    assert feed_silences <= {"Meta", "xAI", "Character.AI", "Google"}


def test_the_demo_feed_agrees_with_the_aggregate_replayed(polled) -> None:
    runtime, _ = polled
    assert runtime.catalog.story(SLUG).state == runtime.newsroom.story(SLUG).state


def _spellings(name: str) -> set[str]:
    return {name, name.replace(".", " "), name.replace(".", "")}


def test_the_demo_feed_exists_and_holds_the_licensing_item() -> None:
    assert isinstance(DEMO, Path) and "Google strikes licensing deal" in DEMO.read_text(encoding="utf-8")
