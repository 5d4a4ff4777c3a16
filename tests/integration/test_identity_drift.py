"""A publisher's CMS migration, polled over time from real feed files on
loopback: short ``?p=`` links become slug URLs (same GUIDs), then the GUIDs
switch to the slug URLs. The archive recognises every item each time: no
duplicate report, no decided item suggested again, every identity change
recorded. On SQLite and PostgreSQL. Also: an old archive gets the identity
columns (and its items their keys) on start-up."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from loopback import Reply
from sqlalchemy import Column, MetaData, Table, UniqueConstraint, create_engine, insert, inspect, select

from tracker.domain.vocabulary import OriginKind
from tracker.ingest.identity import link_id
from tracker.ingest.tables import items
from tracker.ingest.text import canonical_url, link_key

DRIFT = Path(__file__).resolve().parent.parent / "fixtures" / "feeds" / "drift"
SLUG = "meta-xai-court-character-ai"
HOST = "https://www.example-news.test"


def feed_reports(runtime):
    return [r for r in runtime.newsroom.story(SLUG).reports if r.origin.kind is OriginKind.FEED]


def serve(server, path: str, name: str) -> tuple[str, dict[str, bytes]]:
    """Serves a fixture at ``path``; the returned dict's "body" can be swapped for the next cycle."""
    document = {"body": (DRIFT / name).read_bytes()}
    return server.route(path, lambda _request: Reply(200, document["body"])), document


def test_link_keys_compare_articles_not_addresses():
    same = [
        "https://www.example-news.test/2024/06/story/",
        "http://example-news.test/2024/06/story?utm_source=rss&fbclid=x",
        "https://amp.example-news.test/2024/06/story/amp",
        "https://example-news.test/2024/06/story?amp=1#comments",
    ]
    assert {link_key(url) for url in same} == {"//example-news.test/2024/06/story"}
    assert link_key("https://example.com/?b=2&p=123&a=1") == "//example.com?a=1&b=2&p=123"
    assert link_key("https://example.com/a/Camp") == "//example.com/a/Camp"
    assert link_key("not a url") == "" and link_id("") == ""
    # the identity form stays as it was: archived identities and report ids do not change
    assert canonical_url("https://www.example.com/a/?utm_source=x") == "//www.example.com/a/"


def test_links_then_guids_drifting_give_no_duplicate_and_no_decided_item_again(ingestion, loopback_runtime, server):
    url, document = serve(server, "/feed", "cycle-1.xml")
    feed = ingestion.add_feed(url, name="Example News")
    first = ingestion.poll_once()
    assert (first.items_new, first.reports_appended, first.suggested) == (4, 1, 2)
    rejected, accepted = sorted(ingestion.suggestions(SLUG), key=lambda s: s.headline)
    assert rejected.headline == "Character AI adds group chats to its app"
    ingestion.reject_suggestion(SLUG, rejected.suggestion_id, by="A. Editor")
    ingestion.accept_suggestion(SLUG, accepted.suggestion_id, by="A. Editor")
    assert len(feed_reports(loopback_runtime)) == 2
    version = loopback_runtime.newsroom.story(SLUG).version

    # cycle 2: the same GUIDs, slug links: the archive takes the new links, the reports stay as they are
    document["body"] = (DRIFT / "cycle-2.xml").read_bytes()
    second = ingestion.poll_all_now()
    assert (second.items_new, second.items_revised, second.reports_appended, second.suggested) == (0, 0, 0, 0)
    assert second.reports_corrected == 0
    assert loopback_runtime.newsroom.story(SLUG).version == version  # no ReportCorrected, nothing
    (talks,) = ingestion.search_archive("talks with Meta")
    assert talks.link == f"{HOST}/2024/06/03/character-ai-in-talks-with-meta/" and talks.revision == 2
    relinked = ingestion.identity_changes()
    assert sorted(c.kind for c in relinked) == ["link-changed"] * 4
    assert {(c.old_link, c.new_link) for c in relinked} >= {
        (f"{HOST}/?p=101", f"{HOST}/2024/06/03/character-ai-in-talks-with-meta/")
    }

    # cycle 3: the GUIDs switch to the slug URLs (one slug renamed as well: the same by fingerprint)
    document["body"] = (DRIFT / "cycle-3.xml").read_bytes()
    third = ingestion.poll_all_now()
    assert (third.items_new, third.reports_appended, third.suggested, third.reports_corrected) == (0, 0, 0, 0)
    assert loopback_runtime.newsroom.story(SLUG).version == version
    assert len(feed_reports(loopback_runtime)) == 2
    assert ingestion.suggestions(SLUG) == ()
    decided = {s.headline: s.outcome for s in ingestion.suggestions(SLUG, include_decided=True)}
    assert decided == {
        "Character AI adds group chats to its app": "rejected",
        "Character AI ships a new app feature": "accepted",
    }
    switched = [c for c in ingestion.identity_changes(feed_url=url) if c.kind == "guid-changed"]
    assert len(switched) == 4
    assert {(c.old_identity, c.new_identity) for c in switched} >= {
        ("//www.example-news.test/?p=101", "//example-news.test/2024/06/03/character-ai-in-talks-with-meta"),
        ("//www.example-news.test/?p=104", "//www.example-news.test/2024/06/04/photo-app-metadata-leak/"),
    }
    assert ingestion.feed(feed.id).items_total == 4
    (leak,) = ingestion.search_archive("metadata leak")
    assert leak.identity == "//www.example-news.test/2024/06/04/photo-app-metadata-leak/"

    # the old GUIDs showing up again (a cache, a rollback) are the same items too; nothing more is recorded
    changes = len(ingestion.identity_changes())
    for name in ("cycle-1.xml", "cycle-3.xml"):
        document["body"] = (DRIFT / name).read_bytes()
        again = ingestion.poll_all_now()
        assert (again.items_new, again.reports_appended, again.suggested) == (0, 0, 0)
    assert len(ingestion.identity_changes()) == changes
    assert len(feed_reports(loopback_runtime)) == 2 and ingestion.suggestions(SLUG) == ()
    assert ingestion.feed(feed.id).items_total == 4

    # a change of rules re-matches the archive: still one report per item, nothing suggested again
    rules = dict(ingestion.rules(SLUG).rules)
    ingestion.change_rules(SLUG, {**rules, "min_any": max(1, int(rules.get("min_any", 1)))}, by="A. Editor")
    assert len(feed_reports(loopback_runtime)) == 2 and ingestion.suggestions(SLUG) == ()


def test_identity_changes_are_listed_by_the_cli(ingestion, loopback_runtime, server):
    from tracker.cli import archive_identities, feeds  # noqa: F401 - registers the subcommands
    from tracker.cli.main import cli

    url, document = serve(server, "/feed", "cycle-1.xml")
    ingestion.add_feed(url)
    ingestion.poll_once()
    document["body"] = (DRIFT / "cycle-2.xml").read_bytes()
    ingestion.poll_all_now()
    runner = CliRunner()
    database = loopback_runtime.settings.database_url
    listed = runner.invoke(cli, ["--database", database, "archive", "identities", "--feed", url])
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("link-changed") == 4
    assert f"{HOST}/?p=101 -> {HOST}/2024/06/03/character-ai-in-talks-with-meta/" in listed.output
    other = runner.invoke(cli, ["--database", database, "archive", "identities", "--feed", "http://127.0.0.1:1/x"])
    assert other.exit_code == 0 and "No identity changes" in other.output
    as_json = runner.invoke(cli, ["--database", database, "archive", "identities", "--json"])
    assert as_json.exit_code == 0 and '"kind": "link-changed"' in as_json.output


def test_an_archive_made_before_identity_keys_gets_them_on_start_up(settings):
    """The items table as it was (no link ids, fingerprints, originals), with two
    copies of one article from two feeds in it; opening the runtime adds the
    columns and their indexes, and works the keys out for what is archived."""
    from tracker.bootstrap import open_runtime

    engine = create_engine(settings.database_url)
    old = MetaData()
    added = {"content", "link_id", "fingerprint", "original_id"}
    columns = [
        Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
        for c in items.columns
        if c.name not in added
    ]
    Table(items.name, old, *columns, UniqueConstraint("feed_id", "identity_key", name="uq_ingest_items_feed_identity"))
    old.create_all(engine)
    now = datetime(2024, 6, 3, 10, tzinfo=UTC)
    common = {
        "feed_name": "Wire",
        "report_id": "feed-x",
        "title": "Character AI ships a new app feature",
        "summary": "",
        "link_key": "",
        "authors": "[]",
        "published_at": now,
        "content_hash": "h",
        "revision": 1,
        "first_seen_at": now,
        "search_text": "",
        "pending": False,
    }
    with engine.begin() as conn:
        for n, link in enumerate((f"{HOST}/a/story/", "https://example-news.test/a/story?utm_source=x"), start=1):
            conn.execute(
                insert(old.tables[items.name]).values(
                    feed_id=n, feed_url=f"https://feeds.test/{n}", identity=f"g{n}", identity_key=f"k{n}",
                    guid=f"g{n}", link=link, **common,
                )
            )  # fmt: skip
    engine.dispose()
    runtime = open_runtime(settings)
    try:
        inspector = inspect(runtime.engine)
        assert {"content", "link_id", "fingerprint", "original_id"} <= {
            c["name"] for c in inspector.get_columns(items.name)
        }
        assert {"ix_ingest_items_link_id", "ix_ingest_items_fingerprint"} <= {
            i["name"] for i in inspector.get_indexes(items.name)
        }
        with runtime.engine.connect() as conn:
            rows = conn.execute(
                select(items.c.id, items.c.link_id, items.c.fingerprint, items.c.original_id).order_by(items.c.id)
            ).all()
        (one, two) = rows
        assert one.link_id == two.link_id == link_id(f"{HOST}/a/story/") and one.fingerprint
        assert (one.original_id, two.original_id) == (None, one.id)
    finally:
        runtime.close()
    open_runtime(settings).close()  # and again: nothing to add, nothing fails
