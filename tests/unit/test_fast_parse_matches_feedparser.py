"""The fast path (feedparser-rs, tracker/ingest/fastparse.py) yields exactly the
items feedparser yields, on every document it takes; and it takes no document
that needs one of feedparser's judgements."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tracker.bench.feeds import write_feeds
from tracker.ingest.fastparse import parse_fast
from tracker.ingest.parser import FeedError, ParsedFeed, parse_feed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORPUS_CANDIDATES = [Path(__file__).resolve().parents[3] / "shared" / "feeds", Path("/work/shared/feeds")]
CORPUS = next((c for c in CORPUS_CANDIDATES if (c / "MANIFEST.tsv").is_file()), None)
NOW = datetime(2026, 12, 1, tzinfo=UTC)
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}


def both(body: bytes, headers: dict[str, str]) -> tuple[ParsedFeed | str, ParsedFeed | str]:
    def run(fast: bool) -> ParsedFeed | str:
        try:
            return parse_feed(body, headers, "https://feeds.example/news", now=NOW, fast=fast)
        except FeedError as error:
            return "error: " + error.reason

    return run(True), run(False)


def plain_rss(items: str, *, prolog: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (
        f'{prolog}<rss version="2.0"><channel><title>Desk</title><link>https://desk.example/</link>{items}'
        "</channel></rss>"
    ).encode()


ITEM = (
    "<item><title>Meta &amp; xAI court Character.AI</title><link>https://desk.example/a/1</link>"
    '<guid isPermaLink="false">desk-1</guid><pubDate>Tue, 04 Jun 2024 09:30:00 +0200</pubDate>'
    "<description>&lt;p&gt;Talks were held, people said.&lt;/p&gt;</description>"
    "<dc:creator>A. Reporter</dc:creator></item>"
)


def test_a_plain_rss_document_takes_the_fast_path_and_reads_as_feedparser_reads_it():
    body = plain_rss(ITEM).replace(
        b'<rss version="2.0">', b'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    )
    assert parse_fast(body, RSS) is not None
    fast, reference = both(body, RSS)
    assert fast == reference
    assert isinstance(fast, ParsedFeed)
    item = fast.items[0]
    assert item.title == "Meta & xAI court Character.AI" and item.summary == "Talks were held, people said."
    assert item.published_at == datetime(2024, 6, 4, 7, 30, tzinfo=UTC) and item.authors == ("A. Reporter",)


def test_the_bench_feeds_take_the_fast_path_with_identical_items(tmp_path: Path):
    names = write_feeds(tmp_path, 6, 40, duplicates=0.2)
    for name in names:
        body = (tmp_path / name).read_bytes()
        headers = {"Content-Type": "text/xml"}
        assert parse_fast(body, headers) is not None, name
        fast, reference = both(body, headers)
        assert fast == reference, name


@pytest.mark.parametrize(
    ("why", "body", "headers"),
    [
        ("whitespace before the declaration", b"\n " + plain_rss(ITEM), RSS),
        ("another encoding", plain_rss(ITEM, prolog='<?xml version="1.0" encoding="iso-8859-1"?>'), RSS),
        ("a charset in the header", plain_rss(ITEM), {"Content-Type": "text/xml; charset=windows-1252"}),
        ("a quoted charset in the header", plain_rss(ITEM), {"Content-Type": 'text/xml; charset="windows-1252"'}),
        ("no content type", plain_rss(ITEM), {}),
        ("an HTML content type", plain_rss(ITEM), {"Content-Type": "text/html"}),
        ("xml:base", plain_rss(ITEM.replace("<item>", '<item xml:base="https://other.example/">')), RSS),
        ("a doctype", plain_rss(ITEM, prolog='<?xml version="1.0"?><!DOCTYPE rss>'), RSS),
        (
            "an element outside the plain set",
            plain_rss(ITEM.replace("</item>", "<media:title>x</media:title></item>")),
            RSS,
        ),
        ("a relative permalink GUID", plain_rss(ITEM.replace('<guid isPermaLink="false">', "<guid>")), RSS),
        ("a link escaped twice", plain_rss(ITEM.replace("/a/1<", "/a/1?x=1&amp;amp;ref=rss<")), RSS),
        ("no closing root tag", plain_rss(ITEM)[: -len("</rss>")], RSS),
        ("a cut-off document", plain_rss(ITEM)[:-40], RSS),
        ("mismatched tags", plain_rss(ITEM.replace("</title>", "</description>", 1)), RSS),
        ("an unclosed CDATA section", plain_rss(ITEM.replace("<title>", "<title><![CDATA[Meta ")), RSS),
        ("an undeclared entity", plain_rss(ITEM.replace("Talks", "Talks&nbsp;")), RSS),
        (
            "text/xml without a charset, not ASCII",
            plain_rss(ITEM.replace("Talks", "Talks \u2014")),
            {"Content-Type": "text/xml"},
        ),
        ("an entry the parser did not return", plain_rss(ITEM + "<item>"), RSS),
        ("a body that reads as an address", b"http://127.0.0.1:9/feed.xml", RSS),
        (
            "bytes that are not UTF-8",
            plain_rss(ITEM.replace("Talks", "Talks \xe9t\xe9")).replace(b"\xc3\xa9", b"\xe9"),
            RSS,
        ),
    ],
)
def test_a_document_that_needs_feedparsers_judgement_goes_to_feedparser(why: str, body: bytes, headers: dict[str, str]):
    assert parse_fast(body, headers) is None, why
    fast, reference = both(body, headers)
    assert fast == reference, why


def _documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".xml", ".rss", ".atom", ".html", ""))


def test_every_fixture_reads_the_same_by_either_path():
    documents = _documents(FIXTURES / "feeds")
    assert documents
    for path in documents:
        for headers in (RSS, {"Content-Type": "application/atom+xml"}, {}):
            fast, reference = both(path.read_bytes(), headers)
            assert fast == reference, (path.name, headers)


def test_every_real_world_feed_reads_the_same_by_either_path():
    if CORPUS is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("the feed corpus (../shared/feeds) is required in CI")
        pytest.skip("feed corpus not found")
    taken = 0
    for path in _documents(CORPUS):
        body = path.read_bytes()
        for headers in (RSS, {"Content-Type": "text/xml"}):
            taken += body.strip() != b"" and parse_fast(body, headers) is not None
            fast, reference = both(body, headers)
            assert fast == reference, (path.name, headers)
    assert taken >= 4  # the fast path is exercised on real documents, not only declined
