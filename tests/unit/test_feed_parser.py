"""The parser is a pure function: bytes + headers -> normalised items, or a FeedError with a reason."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from tracker.ingest.parser import FeedError, canonical_url, parse_feed, repair_mojibake

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_rss2_items_are_normalised():
    feed = parse_feed(load("wire-rss2.xml"), {"Content-Type": "application/rss+xml"}, "https://wire.example/rss")
    assert feed.title == "Fixture Wire" and feed.version == "rss20"
    first = feed.items[0]
    assert first.identity == "//wire.example/2024/06/talks"
    assert first.title == "Character.ai in talks with Meta over chatbot partnership"
    assert first.summary == "People familiar with the matter said the talks continue. Meta declined to comment."
    assert first.published_at == datetime(2024, 6, 3, 10, 0, tzinfo=timezone.utc)
    assert first.authors == ("A. Reporter",)
    assert feed.items[1].identity == "wire-feature-1"  # a non-URL GUID is kept as is
    assert feed.items[3].identity == "//wire.example/2024/06/game"  # no GUID: the link


def test_atom_with_xml_base_resolves_links_and_decodes_html_titles():
    feed = parse_feed(load("wire-atom.xml"))
    item = feed.items[0]
    assert item.title == "Google & Character.AI sign licensing deal"
    assert item.link == "https://atom.example/news/google-character-ai"
    assert item.identity == "urn:fixture:atom:1"


def test_scheme_and_tracking_parameters_do_not_change_identity():
    assert canonical_url("https://Wire.Example:443/a?utm_source=x&id=2") == canonical_url("http://wire.example/a?id=2")
    assert canonical_url("http://wire.example/a?id=2") != canonical_url("http://wire.example/a?id=3")


def test_duplicate_identities_in_one_document_are_kept_once():
    feed = parse_feed(load("duplicate-guids.xml"))
    assert feed.entries == 5
    assert [i.title for i in feed.items] == ["First telling", "Second item", "Same article over https with tracking"]
    assert feed.duplicates == 2


def test_an_item_without_guid_or_link_gets_a_content_hash_identity():
    body = b'<rss version="2.0"><channel><title>t</title><item><title>Only a title</title></item></channel></rss>'
    (item,) = parse_feed(body).items
    assert item.identity.startswith("sha256:") and item.published_at is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.xml", "not a feed: empty body"),
        ("error-page.html", "not a feed: an HTML page ('502 Bad Gateway')"),
        ("not-a-feed.xml", "not a feed: no RSS or Atom elements found"),
        ("truncated.xml", "truncated XML"),
        ("wrong-encoding.xml", "wrong encoding: document declared as utf-8"),
        ("entity-bomb.xml", "refused: the document declares XML entities"),
    ],
)
def test_unusable_documents_are_feed_errors_with_a_reason(name, reason):
    with pytest.raises(FeedError) as caught:
        parse_feed(load(name))
    assert caught.value.reason.startswith(reason)


def test_a_header_charset_contradicting_a_correct_prolog_is_tolerated_with_a_warning():
    feed = parse_feed(load("latin1-declared.xml"), {"content-type": "application/rss+xml; charset=utf-8"})
    assert feed.items[0].title == "Café crème"
    assert feed.warnings and feed.warnings[0].startswith("encoding:")


def test_undeclared_html_entity_in_a_complete_document_is_tolerated():
    body = b'<rss version="2.0"><channel><title>t</title><item><title>A&nbsp;B</title><guid>1</guid></item></channel></rss>'
    feed = parse_feed(body)
    assert len(feed.items) == 1 and "undefined entity" in feed.warnings[0]


def test_mojibake_is_repaired_but_correct_text_is_left_alone():
    assert repair_mojibake("It\u00e2\u20ac\u2122s here") == "It\u2019s here"
    assert repair_mojibake("Café crème") == "Café crème"


def test_parsing_is_pure_and_repeatable():
    body = load("wire-rss2.xml")
    assert parse_feed(body) == parse_feed(body)
