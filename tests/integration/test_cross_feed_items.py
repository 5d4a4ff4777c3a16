"""The same items through several feeds (a section feed and the main feed of
one outlet, a mirror polled later), served from real feed files on loopback:
one report or one suggestion per item, an editor's accept or reject applies
to every copy, a decided item is never suggested again; a different item with
the same kind of headline on another day is not merged. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from loopback import Reply
from sqlalchemy import update

from tracker.domain.vocabulary import OriginKind
from tracker.ingest.tables import items

DRIFT = Path(__file__).resolve().parent.parent / "fixtures" / "feeds" / "drift"
SLUG = "meta-xai-court-character-ai"
FEATURE = "Character AI ships a new app feature"
CHATS = "Character AI adds group chats to its app"


def feed_reports(runtime):
    return [r for r in runtime.newsroom.story(SLUG).reports if r.origin.kind is OriginKind.FEED]


def subscribe(ingestion, server, name: str):
    return ingestion.add_feed(server.route(f"/{name}", Reply(200, (DRIFT / f"{name}.xml").read_bytes())))


def open_suggestions(ingestion) -> dict[str, str]:
    return {s.headline: s.suggestion_id for s in ingestion.suggestions(SLUG)}


def test_an_item_in_two_feeds_is_one_report_or_one_suggestion_and_a_decision_applies_to_every_copy(
    ingestion, loopback_runtime, server
):
    main = subscribe(ingestion, server, "main")
    section = subscribe(ingestion, server, "section")
    first = ingestion.poll_once()  # both feeds in one cycle (one archiving batch)
    assert first.items_new == 7 and first.duplicates_skipped == 3
    assert first.reports_appended == 1 and first.suggested == 2
    assert len(feed_reports(loopback_runtime)) == 1
    assert sorted(open_suggestions(ingestion)) == [CHATS, FEATURE]
    copies = [c for c in ingestion.identity_changes() if c.kind == "copy"]
    assert len(copies) == 3 and {c.feed_url for c in copies} == {section.url}
    # the section's group-chats item has its own URL: the same item by title, outlet and time
    assert any(c.new_link.endswith("/tech/group-chats-arrive/") for c in copies)
    assert ingestion.feed(main.id).items_total == 4 and ingestion.feed(section.id).items_total == 3

    suggested = open_suggestions(ingestion)
    ingestion.reject_suggestion(SLUG, suggested[CHATS], by="A. Editor")
    ingestion.accept_suggestion(SLUG, suggested[FEATURE], by="A. Editor")
    assert len(feed_reports(loopback_runtime)) == 2

    # a mirror polled later carries both decided items again (AMP links): never suggested, never appended
    subscribe(ingestion, server, "mirror")
    later = ingestion.poll_once()
    assert (later.items_new, later.reports_appended, later.suggested) == (2, 0, 0)
    assert open_suggestions(ingestion) == {}
    assert len(feed_reports(loopback_runtime)) == 2
    # polling everything again, and re-matching the archive for new rules, changes nothing
    ingestion.store.update_feed(main.id, body_hash="", etag="")
    again = ingestion.poll_all_now()
    assert (again.items_new, again.reports_appended, again.suggested) == (0, 0, 0)
    ingestion.rematch_story(SLUG)
    assert open_suggestions(ingestion) == {} and len(feed_reports(loopback_runtime)) == 2

    # a genuinely different item with the same kind of headline, three days later: its own suggestion
    subscribe(ingestion, server, "later")
    other = ingestion.poll_once()
    assert (other.items_new, other.duplicates_skipped, other.suggested) == (1, 0, 1)
    (fresh,) = ingestion.suggestions(SLUG)
    assert fresh.headline == FEATURE and fresh.link.endswith("/character-ai-ships-another-feature/")


def test_copies_suggested_apart_before_they_were_recognised_are_decided_together(ingestion, loopback_runtime, server):
    """Items archived before copies were recognised (or by two pollers at the
    same moment) may each wait in the inbox: deciding one decides them all."""
    subscribe(ingestion, server, "main")
    subscribe(ingestion, server, "section")
    ingestion.poll_once()
    with loopback_runtime.engine.begin() as conn:  # as an older archive has them: no copy known
        conn.execute(update(items).values(original_id=None))
    ingestion.rematch_story(SLUG)
    suggestions = ingestion.suggestions(SLUG)
    assert sorted(s.headline for s in suggestions) == [CHATS, CHATS, FEATURE, FEATURE]
    chats = [s for s in suggestions if s.headline == CHATS]
    ingestion.reject_suggestion(SLUG, chats[0].suggestion_id, by="A. Editor")
    feature = next(s for s in suggestions if s.headline == FEATURE)
    ingestion.accept_suggestion(SLUG, feature.suggestion_id, by="A. Editor")
    assert ingestion.suggestions(SLUG) == ()
    decided = sorted((s.headline, s.outcome) for s in ingestion.suggestions(SLUG, include_decided=True))
    assert decided == [(CHATS, "rejected"), (CHATS, "rejected"), (FEATURE, "accepted")]
    assert [r.headline for r in feed_reports(loopback_runtime)].count(FEATURE) == 1
