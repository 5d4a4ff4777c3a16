"""The parser is a pure function: bytes + headers -> normalised items, or a FeedError with a reason."""

from __future__ import annotations

from datetime import UTC, datetime
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
    assert first.published_at == datetime(2024, 6, 3, 10, 0, tzinfo=UTC)
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


def rss(items: str, prolog: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return f'{prolog}<rss version="2.0"><channel><title>T</title><link>https://t.example/</link>{items}</channel></rss>'


def test_markup_hidden_in_double_escaped_entities_stays_text_once_unescaped():
    body = rss(
        '<item><title>A</title><guid>a</guid><description>&amp;lt;a href="https://evil.example/"&amp;gt;'
        "click&amp;lt;/a&amp;gt; <b>bold</b></description></item>"
    ).encode()
    assert parse_feed(body).items[0].summary == '<a href="https://evil.example/">click</a> bold'


def test_control_characters_are_removed_from_every_text_field():
    # an undefined entity first: feedparser's lenient parser reads the rest, control characters included
    body = rss(
        "<item><title>&nbsp;Ti\x01tle\x7f\x85</title><description>Sum\x08mary\x1b</description>"
        "<author>a@x (Au\x02thor)</author><link>https://t.example/a\x03b</link><guid>g\x04uid</guid></item>"
    )
    item = parse_feed(body.encode("utf-8")).items[0]
    fields = (item.title, item.summary, item.link, item.guid, *item.authors)
    assert not any(ch < " " or "\x7f" <= ch <= "\x9f" for field in fields for ch in field)
    assert (item.title, item.summary, item.guid, item.link) == ("Title", "Summary", "guid", "https://t.example/ab")


@pytest.mark.parametrize(
    "date", ["Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", "Sun, 31 Dec 1899 12:00:00 GMT"]
)
def test_an_implausible_date_becomes_the_fetch_time_with_a_warning_naming_it(date):
    fetched = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
    body = rss(
        f"<item><title>Odd</title><guid>odd</guid><pubDate>{date}</pubDate></item>"
        "<item><title>Fine</title><guid>fine</guid><pubDate>Mon, 03 Jun 2024 09:00:00 GMT</pubDate></item>"
    )
    feed = parse_feed(body.encode(), now=fetched)
    odd, fine = feed.items
    assert odd.published_at == fetched and odd.raw_date == date
    assert fine.published_at == datetime(2024, 6, 3, 9, 0, tzinfo=UTC) and fine.raw_date == ""
    assert feed.warnings == (f"1 item(s) with an implausible date (e.g. {date!r}): the fetch time is used instead",)


def test_a_date_a_few_hours_ahead_is_believed():
    fetched = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
    body = rss("<item><title>Soon</title><guid>s</guid><pubDate>Mon, 03 Jun 2024 20:00:00 GMT</pubDate></item>")
    assert parse_feed(body.encode(), now=fetched).items[0].published_at == datetime(2024, 6, 3, 20, tzinfo=UTC)


ENTITY_DOC = rss(
    "<item><title>&big;</title><guid>e</guid></item>",
    '<?xml version="1.0" encoding="{enc}"?><!DOCTYPE rss [<!ENTITY big "aaaaaaaaaa">]>',
)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_entity_declarations_are_refused_in_utf16_and_utf32_with_or_without_a_bom(codec):
    declared = codec.split("-l")[0].split("-b")[0]
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(ENTITY_DOC.format(enc=declared).encode(codec))


def test_entity_declarations_are_refused_after_the_first_64_kib():
    comment = "<!-- " + "x" * 70000 + " -->"
    body = ENTITY_DOC.format(enc="utf-8").replace("<!DOCTYPE", comment + "<!DOCTYPE", 1).encode()
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(body)


def test_entity_declarations_in_an_encoding_only_the_parser_decodes_are_refused():
    body = ENTITY_DOC.format(enc="utf-7").replace("<!ENTITY", "<!+AEU-NTITY").encode("ascii")
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(body)
