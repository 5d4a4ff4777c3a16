"""Polling cycles on SQLite and PostgreSQL: archive, match, append, suggest, correct, exactly once."""

from __future__ import annotations

import dataclasses
from datetime import UTC
from pathlib import Path

import pytest
from loopback import Reply

from tracker.domain.vocabulary import Kind, OriginKind
from tracker.ingest.service import FeedRejected, Ingestion, UnknownSuggestion
from tracker.ingest.store import DuplicateFeed
from tracker.tuning import Tuning

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
SLUG = "meta-xai-court-character-ai"


@pytest.fixture
def tuned(loopback_runtime):
    """Ingestion services with some tuning values changed (closed at the end)."""
    opened = []

    def make(**changes):
        opened.append(Ingestion(loopback_runtime, tuning=Tuning().but(**changes)))
        return opened[-1]

    yield make
    for service in opened:
        service.close()


def feed_reports(runtime):
    return [r for r in runtime.newsroom.story(SLUG).reports if r.origin.kind is OriginKind.FEED]


def rss(*items: tuple[str, str, str]) -> bytes:
    body = "".join(
        f"<item><title>{t}</title><guid>{g}</guid><description>{d}</description>"
        f"<pubDate>Mon, 03 Jun 2024 10:00:00 GMT</pubDate></item>"
        for g, t, d in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loop</title>{body}</channel></rss>'.encode()


def test_a_cycle_archives_every_item_appends_strong_matches_and_suggests_weak_ones(ingestion, loopback_runtime, server):
    url = server.route("/wire", Reply(200, (FIXTURES / "wire-rss2.xml").read_bytes()))
    view = ingestion.add_feed(url, name="Fixture wire")
    assert view.title == "Fixture Wire" and view.health == "new"
    summary = ingestion.poll_once()
    assert (summary.feeds_checked, summary.fetched, summary.items_new) == (1, 1, 4)
    assert (summary.reports_appended, summary.suggested) == (1, 1)
    (report,) = feed_reports(loopback_runtime)
    assert report.headline == "Character.ai in talks with Meta over chatbot partnership"
    assert report.origin.ref == "//wire.example/2024/06/talks" and report.origin.feed == url
    assert report.report_id.startswith("feed-")
    assert Kind.TALKS_HELD in report.kinds and Kind.DECLINED_TO_COMMENT in report.kinds
    assert "Meta" in report.parties and "Character.AI" in report.parties
    assert report.classified_by == "reader/3" and report.reading.classified_by == "reader/3"
    assert report.classification_evidence[0].startswith("match strong: all_of[0]")
    assert report.outlet == "Fixture wire" and report.attribution == "A. Reporter"
    (suggestion,) = ingestion.suggestions(SLUG)
    assert suggestion.headline == "Character AI ships a new app feature" and suggestion.strength == "weak"
    assert len(ingestion.search_archive("metadata leak")) == 1  # archived though it matched nothing
    health = ingestion.feed(view.id)
    assert health.health == "ok" and health.last_success_at and health.items_total == 4


def test_running_the_cycle_again_appends_nothing(ingestion, loopback_runtime, server):
    url = server.route("/wire", Reply(200, (FIXTURES / "wire-rss2.xml").read_bytes()))
    ingestion.add_feed(url)
    ingestion.poll_once()
    before = loopback_runtime.newsroom.story(SLUG).version
    again = ingestion.poll_all_now()
    assert again.not_modified == 1 and again.items_new == 0 and again.reports_appended == 0
    # even when the body hash is forgotten and everything is parsed again
    ingestion.store.update_feed(1, body_hash="", etag="")
    third = ingestion.poll_all_now()
    assert third.fetched == 1 and third.items_new == 0 and third.reports_appended == 0
    assert loopback_runtime.newsroom.story(SLUG).version == before
    assert len(feed_reports(loopback_runtime)) == 1


def test_a_revised_item_appends_a_correction_with_old_and_new_text(ingestion, loopback_runtime, server):
    document = {"body": rss(("g1", "Character.AI in talks with Meta", "First version."))}
    url = server.route("/wire", lambda _r: Reply(200, document["body"]))
    ingestion.add_feed(url)
    ingestion.poll_once()
    document["body"] = rss(("g1", "Character.AI in advanced talks with Meta", "Second version."))
    summary = ingestion.poll_all_now()
    assert (summary.items_revised, summary.reports_corrected, summary.reports_appended) == (1, 1, 0)
    (report,) = feed_reports(loopback_runtime)
    assert report.headline == "Character.AI in advanced talks with Meta"
    (correction,) = report.corrections
    assert correction.reason == "feed item revised"
    assert correction.changes["headline"] == (
        "Character.AI in talks with Meta",
        "Character.AI in advanced talks with Meta",
    )
    assert correction.changes["summary"] == ("First version.", "Second version.")


def test_accepting_a_suggestion_appends_a_report_and_rejecting_is_remembered(ingestion, loopback_runtime, server):
    url = server.route(
        "/wire",
        Reply(
            200,
            rss(
                ("w1", "Character.AI adds voice", "Product news."),
                ("w2", "Character.AI adds stickers", "More product news."),
            ),
        ),
    )
    ingestion.add_feed(url)
    ingestion.poll_once()
    first, second = sorted(ingestion.suggestions(SLUG), key=lambda s: s.headline)
    report_id = ingestion.accept_suggestion(SLUG, first.suggestion_id, by="Ed Itor")
    assert [r.report_id for r in feed_reports(loopback_runtime)] == [report_id]
    ingestion.reject_suggestion(SLUG, second.suggestion_id, by="Ed Itor")
    assert ingestion.suggestions(SLUG) == ()
    decided = {s.headline: s.outcome for s in ingestion.suggestions(SLUG, include_decided=True)}
    assert decided == {first.headline: "accepted", second.headline: "rejected"}
    with pytest.raises(UnknownSuggestion):
        ingestion.accept_suggestion(SLUG, second.suggestion_id, by="Ed Itor")
    # a rules change re-matches the archive but never suggests the rejected item again
    rules = dict(ingestion.rules(SLUG).rules)
    rules["none_of"] = ["Character Creator", "unrelated"]
    ingestion.change_rules(SLUG, rules, by="Ed Itor")
    assert ingestion.suggestions(SLUG) == ()


def test_changing_rules_re_matches_the_wire_archive(ingestion, loopback_runtime, server):
    url = server.route(
        "/wire", Reply(200, rss(("x1", "Character.AI adds stickers", "Character.AI confirmed the sticker feature.")))
    )
    ingestion.add_feed(url)
    ingestion.poll_once()
    assert feed_reports(loopback_runtime) == [] and len(ingestion.suggestions(SLUG)) == 1
    rules = dict(ingestion.rules(SLUG).rules)
    rules["any_of"] = [*rules["any_of"], "stickers"]
    change = ingestion.change_rules(SLUG, rules, by="Ed Itor")
    assert change.reports_appended == 1
    assert [r.headline for r in feed_reports(loopback_runtime)] == ["Character.AI adds stickers"]
    assert loopback_runtime.newsroom.story(SLUG).rules["any_of"][-1] == "stickers"


def test_a_story_opened_later_is_matched_against_the_archive(ingestion, loopback_runtime, server):
    url = server.route("/wire", Reply(200, rss(("o1", "Acme buys Widgets Inc", "A deal."))))
    ingestion.add_feed(url)
    ingestion.poll_once()
    loopback_runtime.newsroom.open_story(
        title="Acme buys Widgets", slug="acme-widgets", rules={"all_of": [["Acme"]], "any_of": ["buys"]}
    )
    summary = ingestion.poll_once()
    assert summary.stories_rematched == 1 and summary.reports_appended == 1
    assert [r.headline for r in loopback_runtime.newsroom.story("acme-widgets").reports] == ["Acme buys Widgets Inc"]


def test_invalid_rules_are_refused_and_nothing_is_saved(ingestion, loopback_runtime):
    from tracker.domain.rules import RulesError

    version = loopback_runtime.newsroom.story(SLUG).version
    with pytest.raises(RulesError, match="unknown key"):
        ingestion.change_rules(SLUG, {"anyof": ["x"]}, by="Ed")
    assert loopback_runtime.newsroom.story(SLUG).version == version


def test_a_failing_feed_backs_off_exponentially_and_keeps_its_health(ingestion, loopback_runtime, server):
    state = {"status": 200}
    url = server.route(
        "/flaky",
        lambda _r: Reply(state["status"], rss(("f1", "Unrelated", "x")) if state["status"] == 200 else b"down"),
    )
    feed = ingestion.add_feed(url)
    state["status"] = 500
    waits = []
    for _ in range(4):
        summary = ingestion.poll_feed_now(feed.id)
        assert summary.failed == 1 and summary.failures[0].reason == "HTTP 500 Internal Server Error"
        view = ingestion.feed(feed.id)
        waits.append((view.next_check_at - view.last_checked_at).total_seconds())
    assert view.health == "failing" and view.consecutive_failures == 4
    assert view.last_error == "HTTP 500 Internal Server Error"
    interval = view.interval_seconds
    assert [round(w) for w in waits] == [interval, 2 * interval, 4 * interval, 8 * interval]
    state["status"] = 200
    ingestion.poll_feed_now(feed.id)
    view = ingestion.feed(feed.id)
    assert view.health == "ok" and view.consecutive_failures == 0 and view.last_error  # kept for the record


def test_backoff_is_capped_and_retry_after_is_honoured(ingestion, loopback_runtime, server):
    url = server.route("/busy", Reply(429, b"", {"Retry-After": "7200"}))
    feed = ingestion.store.add_feed(url, source="test")
    ingestion.poll_once()
    view = ingestion.feed(feed.id)
    assert round((view.next_check_at - view.last_checked_at).total_seconds()) == 7200
    ingestion.store.update_feed(feed.id, consecutive_failures=40)
    ingestion.poll_feed_now(feed.id)
    view = ingestion.feed(feed.id)
    cap = loopback_runtime.settings.poll_max_backoff_seconds
    assert round((view.next_check_at - view.last_checked_at).total_seconds()) == cap


def test_adding_checks_the_url_and_that_it_is_a_feed(ingestion, server):
    with pytest.raises(FeedRejected, match="scheme 'ftp' is not supported"):
        ingestion.add_feed("ftp://example.com/feed")
    with pytest.raises(FeedRejected, match="not a feed: an HTML page"):
        ingestion.add_feed(
            server.route(
                "/html", Reply(200, (FIXTURES / "error-page.html").read_bytes(), {"Content-Type": "text/html"})
            )
        )
    with pytest.raises(FeedRejected, match="HTTP 404"):
        ingestion.add_feed(server.url("/missing"))
    with pytest.raises(ValueError, match="below the minimum"):
        ingestion.add_feed(server.route("/ok", Reply(200, rss())), interval=5)
    ingestion.add_feed(server.url("/ok"))
    with pytest.raises(DuplicateFeed):
        ingestion.add_feed(server.url("/ok"))
    assert [f.url for f in ingestion.list_feeds()] == [server.url("/ok")]


def test_opml_export_and_import_round_trip(ingestion, server):
    ingestion.add_feed(server.route("/a", Reply(200, rss())), name="Feed A & co")
    ingestion.add_feed(server.route("/b", Reply(200, rss())))
    text = ingestion.export_opml()
    assert 'text="Feed A &amp; co"' in text
    for feed in ingestion.list_feeds():
        ingestion.remove_feed(feed.id)
    result = ingestion.import_opml(
        text.replace("<body>", '<body><outline text="folder"><outline xmlUrl="gopher://x"/></outline>')
    )
    assert [v.name for v in result.added] == ["Feed A & co", "Loop"] or len(result.added) == 2
    assert len(result.invalid) == 1 and result.skipped == ()
    assert ingestion.import_opml(text).skipped == (server.url("/a"), server.url("/b"))


def test_config_feeds_are_validated_and_subscribed(loopback_runtime):
    from tracker.config import ConfigError

    loopback_runtime.settings = dataclasses.replace(
        loopback_runtime.settings, feeds=({"url": "https://news.example/rss", "name": "News", "interval_seconds": 600},)
    )
    with Ingestion(loopback_runtime) as service:
        (added,) = service.sync_config_feeds()
        assert (added.url, added.name, added.interval_seconds, added.source) == (
            "https://news.example/rss",
            "News",
            600,
            "config",
        )
        assert service.sync_config_feeds() == ()
    loopback_runtime.settings = dataclasses.replace(loopback_runtime.settings, feeds=({"url": "ftp://x"},))
    with Ingestion(loopback_runtime) as service, pytest.raises(ConfigError, match=r"feeds\[0\]\.url"):
        service.sync_config_feeds()


def test_the_same_article_from_two_feeds_is_one_report(ingestion, loopback_runtime, server):
    body = rss(("http://wire.example/same", "Character.AI signs partnership with Meta", "Same story."))
    ingestion.add_feed(server.route("/one", Reply(200, body)))
    ingestion.add_feed(server.route("/two", Reply(200, body)))
    summary = ingestion.poll_once()
    assert summary.items_new == 2 and summary.reports_appended == 1 and summary.duplicates_skipped == 1
    assert len(feed_reports(loopback_runtime)) == 1


def test_two_feeds_using_the_same_opaque_guid_for_different_articles_give_two_reports(
    ingestion, loopback_runtime, server
):
    def opaque(title: str, link: str) -> bytes:
        return rss(("1", title, "Wire copy.")).replace(
            b"<guid>1</guid>", f'<guid isPermaLink="false">1</guid><link>{link}</link>'.encode()
        )

    one = opaque("Character.AI in talks with Meta", "http://one.example/a")
    two = opaque("Character.AI signs deal with Meta", "http://two.example/b")
    ingestion.add_feed(server.route("/one", Reply(200, one)))
    ingestion.add_feed(server.route("/two", Reply(200, two)))
    summary = ingestion.poll_once()
    assert summary.items_new == 2 and summary.reports_appended == 2 and summary.duplicates_skipped == 0
    assert sorted(r.headline for r in feed_reports(loopback_runtime)) == [
        "Character.AI in talks with Meta",
        "Character.AI signs deal with Meta",
    ]


def test_an_article_seen_again_in_a_later_flush_of_the_same_cycle_is_still_one_report(tuned, loopback_runtime, server):
    # every stored feed is matched on its own: the second copy meets the first one's report
    ingestion = tuned(flush_items=1, store_feeds=1)
    body = rss(("http://wire.example/same", "Character.AI signs partnership with Meta", "Same story."))
    for name in ("one", "two", "three"):
        ingestion.add_feed(server.route(f"/{name}", Reply(200, body)))
    summary = ingestion.poll_all_now()
    assert summary.items_new == 3 and summary.reports_appended == 1 and summary.duplicates_skipped == 2
    assert len(feed_reports(loopback_runtime)) == 1


def test_the_duplicate_check_sees_a_report_added_by_an_editor_between_two_flushes_of_a_cycle(
    tuned, loopback_runtime, server, monkeypatch
):
    from datetime import datetime

    from tracker.ingest.cycle import Cycle

    ingestion = tuned(flush_items=1)
    first = rss(("http://wire.example/a", "Character.AI signs partnership with Meta", "First."))
    second = rss(("http://wire.example/b", "Character.AI and Meta sign a deal", "Second."))
    ingestion.add_feed(server.route("/first", Reply(200, first)))
    ingestion.add_feed(server.route("/second", Reply(200, second, delay=1.0)))  # arrives after the first flush
    matched = Cycle.process_items
    edited = []

    def match_then_edit(*args, **kwargs):
        counts = matched(*args, **kwargs)
        if not edited:  # the first flush has appended the first article; an editor files the second by hand
            edited.append(
                loopback_runtime.newsroom.add_reports(
                    SLUG,
                    [
                        {
                            "headline": "Character.AI and Meta sign a deal",
                            "url": "http://wire.example/b",
                            "outlet": "Desk",
                            "kinds": ["agreement_reached"],
                            "parties": ["Meta", "Character.AI"],
                            "published_at": datetime(2024, 6, 3, 10, tzinfo=UTC),
                        }
                    ],
                )
            )
        return counts

    monkeypatch.setattr(Cycle, "process_items", match_then_edit)
    summary = ingestion.poll_all_now()
    assert edited, "the cycle matched the two feeds in one flush"
    assert summary.items_new == 2 and summary.reports_appended == 1 and summary.duplicates_skipped == 1
    assert sorted(r.url for r in feed_reports(loopback_runtime)) == ["http://wire.example/a"]


def test_a_strong_match_read_as_background_waits_in_the_inbox_with_the_reason(ingestion, loopback_runtime, server):
    """An engineer who once worked at Character.AI joins another company: the
    rules match (Character.AI, and "partnership" is a story term) but none of
    the story's parties acts in it, so the desk decides."""
    item = (
        "x1",
        "Food-delivery app hires former Character.AI engineer",
        "Priya Raman, who worked at Character.AI, joins Dishly to run its partnership teams.",
    )
    ingestion.add_feed(server.route("/wire", Reply(200, rss(item))))
    ingestion.poll_once()
    assert feed_reports(loopback_runtime) == []
    (suggestion,) = ingestion.suggestions(SLUG)
    assert suggestion.headline == item[1]
    assert "read as background" in suggestion.explanation
