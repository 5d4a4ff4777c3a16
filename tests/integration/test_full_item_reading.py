"""Polling cycles that read the whole item: content:encoded matched and read,
namesakes held back in the inbox, revised items read again, the archive's
content column added to an old database, parse processes reading as the
cycle's thread would. Real SQLite files (and PostgreSQL), real loopback feeds.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from loopback import LoopbackServer, Reply
from sqlalchemy import Column, MetaData, Table, UniqueConstraint, create_engine, insert, inspect

from tracker.domain.reading.read import read
from tracker.domain.vocabulary import Kind, OriginKind
from tracker.ingest.service import Ingestion
from tracker.ingest.store import IngestStore
from tracker.ingest.tables import items
from tracker.ingest.tracking import tracked
from tracker.seed import load_seed, seed_files
from tracker.tuning import Tuning

SLUG = "meta-xai-court-character-ai"
PARSE_POOL_THRESHOLD = Tuning().parse_pool_threshold


def rss(*entries: tuple[str, str, str, str]) -> bytes:
    """Items of (guid, title, description, content:encoded); an empty content leaves the element out."""
    body = "".join(
        f"<item><title>{title}</title><guid>{guid}</guid><description>{summary}</description>"
        + (f"<content:encoded><![CDATA[{content}]]></content:encoded>" if content else "")
        + "<pubDate>Mon, 03 Jun 2024 10:00:00 GMT</pubDate></item>"
        for guid, title, summary, content in entries
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Loop</title>{body}</channel></rss>"
    ).encode()


def feed_reports(runtime):
    return {r.report_id: r for r in runtime.newsroom.story(SLUG).reports if r.origin.kind is OriginKind.FEED}


def test_an_item_whose_story_terms_are_only_in_its_full_content_is_attached_and_its_evidence_says_content(
    ingestion, loopback_runtime, server
):
    body = (
        "<p>Character.AI has held talks with Meta about a partnership, people familiar with the matter said.</p>"
        "<p>Meta declined to comment.</p>"
    )
    ingestion.add_feed(
        server.route("/wire", Reply(200, rss(("c1", "A chatbot start-up weighs its options", "A short teaser.", body))))
    )
    summary = ingestion.poll_once()
    assert (summary.items_new, summary.reports_appended, summary.suggested) == (1, 1, 0)
    (report,) = feed_reports(loopback_runtime).values()
    assert report.headline == "A chatbot start-up weighs its options" and report.summary == "A short teaser."
    assert report.classification_evidence[0].startswith('match strong: all_of[0] "Character.AI" (content)')
    assert Kind.TALKS_HELD in report.kinds and {"Character.AI", "Meta"} <= set(report.parties)
    assert [(r.a, r.b, r.where) for r in report.reading.relations] == [("Character.AI", "Meta", "content")]
    (archived,) = [i for chunk in ingestion.store.iter_archive() for i in chunk]
    assert archived.content.startswith("Character.AI has held talks with Meta about a partnership")
    assert "said. Meta declined" in archived.content  # paragraphs kept apart as sentences
    assert summary.items_read == 1 and summary.read_seconds > 0 and "read 1 items in" in summary.line()


def test_a_namesake_with_a_strong_match_lands_in_the_inbox_with_the_reason(ingestion, loopback_runtime, server):
    namesake = (
        "n1",
        "Meta Financial Group weighs deal with Character.AI",
        "The bank holding company, Meta Financial Group, said the partnership would cover banking chatbots.",
        "",
    )
    party = ("n2", "Character.AI in partnership talks with Meta", "Meta declined to comment.", "")
    ingestion.add_feed(server.route("/wire", Reply(200, rss(namesake, party))))
    summary = ingestion.poll_once()
    assert (summary.reports_appended, summary.suggested) == (1, 1)
    assert [r.headline for r in feed_reports(loopback_runtime).values()] == [party[1]]
    (suggestion,) = ingestion.suggestions(SLUG)
    assert suggestion.headline == namesake[1] and suggestion.strength == "strong"
    assert suggestion.explanation.startswith("not appended: 'Meta' here is Meta Financial Group")
    assert 'all_of[0] "Character.AI" (title)' in suggestion.explanation  # the match's own explanation follows
    # an editor who accepts it gets the report, read as the reader read it
    report_id = ingestion.accept_suggestion(SLUG, suggestion.suggestion_id, by="Ed Itor")
    accepted = feed_reports(loopback_runtime)[report_id]
    assert accepted.reading.namesake and accepted.classified_by == "reader/3"


def test_a_revised_headline_re_reads_the_report_but_an_editors_reading_is_left_alone(
    ingestion, loopback_runtime, server
):
    document = {
        "body": rss(
            ("r1", "Character.AI in talks with Meta", "First version.", ""),
            ("r2", "Character.AI in talks with Meta over chatbots", "First version.", ""),
        )
    }
    ingestion.add_feed(server.route("/wire", lambda _r: Reply(200, document["body"])))
    assert ingestion.poll_once().reports_appended == 2
    by_headline = {r.headline: r for r in feed_reports(loopback_runtime).values()}
    machine = by_headline["Character.AI in talks with Meta"]
    edited = by_headline["Character.AI in talks with Meta over chatbots"]
    loopback_runtime.newsroom.reclassify_report(SLUG, edited.report_id, kinds=["no_agreement"], by="Ed Itor")
    document["body"] = rss(
        ("r1", "Character.AI signs deal with Meta", "Second version.", ""),
        ("r2", "Character.AI signs deal with Meta over chatbots", "Second version.", ""),
    )
    summary = ingestion.poll_all_now()
    assert (summary.items_revised, summary.reports_corrected, summary.reports_reread) == (2, 2, 1)
    reports = feed_reports(loopback_runtime)
    assert reports[machine.report_id].headline == "Character.AI signs deal with Meta"
    assert reports[machine.report_id].kinds == (Kind.AGREEMENT_REACHED,)
    assert reports[machine.report_id].classified_by == "classifier"
    (event,) = [
        e
        for e in loopback_runtime.newsroom.history(SLUG)
        if e.event_type == "ReportReclassified" and e.payload["report_id"] == machine.report_id
    ]
    assert event.payload["by"] == "classifier"
    assert event.payload["reading"]["kinds"] == ["agreement_reached"]
    assert [r["kind"] for r in event.payload["reading"]["relations"]] == ["agreement_reached"]
    assert event.payload["reading"]["classified_by"] == "reader/3"
    # the editor's report: corrected, not re-read
    assert reports[edited.report_id].headline == "Character.AI signs deal with Meta over chatbots"
    assert reports[edited.report_id].classified_by == "Ed Itor"
    assert reports[edited.report_id].kinds == (Kind.NO_AGREEMENT,)
    # the same text again re-reads nothing
    again = ingestion.poll_all_now()
    assert (again.items_revised, again.reports_reread) == (0, 0)


def test_an_archive_made_before_full_content_gets_the_column_on_start_up(settings, server):
    """The items table as it was (no content column), with an item in it; opening the runtime adds the column."""
    from tracker.bootstrap import open_runtime
    from tracker.sql import create_schema

    engine = create_engine(settings.database_url)
    old = MetaData()
    columns = [
        Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
        for c in items.columns
        if c.name not in ("content", "link_id", "fingerprint", "original_id")  # the columns added since
    ]
    Table(items.name, old, *columns, UniqueConstraint("feed_id", "identity_key", name="uq_ingest_items_feed_identity"))
    old.create_all(engine)
    now = datetime(2024, 6, 3, 10, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(old.tables[items.name]).values(
                feed_id=1,
                feed_url="https://wire.example/rss",
                feed_name="Wire",
                identity="old-1",
                identity_key="k1",
                report_id="feed-old-1",
                guid="old-1",
                title="An old item",
                summary="Old.",
                link="",
                link_key="",
                authors="[]",
                published_at=now,
                content_hash="h",
                revision=1,
                first_seen_at=now,
                revised_at=None,
                search_text=" an old item ",
                pending=False,
            )
        )
    assert "content" not in {c["name"] for c in inspect(engine).get_columns(items.name)}
    engine.dispose()

    runtime = open_runtime(settings)
    try:
        assert "content" in {c["name"] for c in inspect(runtime.engine).get_columns(items.name)}
        create_schema(runtime.engine)  # every start does this: a second time changes nothing
        (kept,) = [i for chunk in IngestStore(runtime.engine).iter_archive() for i in chunk]
        assert (kept.title, kept.content) == ("An old item", "")
        # and the cycle archives new items' content in it
        runtime.settings = dataclasses.replace(runtime.settings, fetch_allow_private_addresses=True)
        load_seed(runtime.newsroom, seed_files()[0])
        body = rss(("new-1", "A chatbot start-up weighs its options", "Teaser.", "<p>Character.AI met Meta.</p>"))
        with Ingestion(runtime) as ingestion:
            ingestion.add_feed(server.route("/wire", Reply(200, body)))
            assert ingestion.poll_once().items_new == 1
            contents = {i.title: i.content for chunk in ingestion.store.iter_archive() for i in chunk}
        assert contents == {"An old item": "", "A chatbot start-up weighs its options": "Character.AI met Meta."}
    finally:
        runtime.close()


def test_the_parse_processes_read_items_as_the_cycle_thread_would(loopback_runtime, monkeypatch):
    import tracker.ingest.readings as readings_module

    bodies = [
        "<p>Character.AI has held talks with Meta about a partnership.</p><p>Meta declined to comment.</p>",
        "<p>Character.AI signed a licensing deal with Meta on Monday.</p>",
        "<p>xAI did not respond to a request for comment about Character.AI.</p>",
        "<p>Talks between Character.AI and xAI ended without a deal, people said.</p>",
    ]
    count = PARSE_POOL_THRESHOLD + 8
    on_cycle_thread = []
    timed_read = readings_module.timed_read
    monkeypatch.setattr(readings_module, "timed_read", lambda *a, **k: on_cycle_thread.append(a) or timed_read(*a, **k))
    story = tracked(loopback_runtime.newsroom, SLUG)  # as the cycle reads for it
    with LoopbackServer() as server, Ingestion(loopback_runtime) as ingestion:
        for n in range(count):
            entries = [(f"p-{n}-{k}", f"Wire copy {n}-{k}", "A teaser.", bodies[(n + k) % 4]) for k in range(2)]
            ingestion.store.add_feed(server.route(f"/f{n}", Reply(200, rss(*entries))), source="test")
        summary = ingestion.poll_all_now()
        archived = [i for chunk in ingestion.store.iter_archive() for i in chunk]
    assert summary.reports_appended == 2 * count and summary.items_read == 2 * count
    assert len(on_cycle_thread) < 2 * count  # most were read in the parse processes
    reports = feed_reports(loopback_runtime)
    kinds = set()
    for item in archived:
        expected = read(item.title, item.summary, item.content, story.context)
        assert reports[item.report_id].reading == dataclasses.replace(expected, evidence=())  # the event keeps it
        kinds.update(expected.kinds)
    assert {Kind.TALKS_HELD, Kind.AGREEMENT_REACHED, Kind.NO_RESPONSE} <= kinds
