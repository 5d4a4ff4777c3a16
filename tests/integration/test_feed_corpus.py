"""Real publishers' feeds (../shared/feeds): each is ingested with the manifest's item
count, or recorded as a feed error with a reason; none crashes a polling cycle.

Duplicate GUIDs: the manifest counts entries (feedparser's view); the tracker keeps
each identity once per document, so the stored items are entries minus the
manifest's ``dup_ids``. Truncated documents are errors even though feedparser
recovers a few entries (see tracker/ingest/parser.py for the policy).
"""

from __future__ import annotations

import csv
import dataclasses
import os
import re
from pathlib import Path

import pytest

from tracker.ingest.parser import FeedError, parse_feed


def _corpus() -> Path:
    """TRACKER_FEED_CORPUS, else ../shared/feeds beside the project, else the
    workplace's shared folder (a CI clone may live elsewhere)."""
    if os.environ.get("TRACKER_FEED_CORPUS"):
        return Path(os.environ["TRACKER_FEED_CORPUS"])
    candidates = [Path(__file__).resolve().parents[3] / "shared" / "feeds", Path("/work/shared/feeds")]
    return next((c for c in candidates if (c / "MANIFEST.tsv").is_file()), candidates[0])


CORPUS = _corpus()
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# Files the tracker refuses, and the reason it gives (prefix).
EXPECTED_ERRORS = {
    "dailytelegraph_au__2021-10-18__EMPTY_0B.xml": "not a feed: empty body",
    "latimes__2021-10-17__CLOUDFRONT_403_HTML.xml": "not a feed: an HTML page",
    "straitstimes__2021-09-20__403_XHTML.xml": "not a feed: an HTML page",
    "foxnews__2020-05-18__TRUNCATED_12288B.xml": "truncated XML",
    "latimes__2020-04-28__TRUNCATED_CDATA.xml": "truncated XML",
    "rss_2.0_invalid_1__reuters.xml": "truncated XML",
}


def manifest() -> list[dict[str, str]]:
    path = CORPUS / "MANIFEST.tsv"
    if not path.is_file():
        if IN_CI:
            pytest.fail(f"the feed corpus is required in CI but {path} is missing")
        pytest.skip(f"feed corpus not found at {CORPUS}")
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _rows() -> list[dict[str, str]]:
    path = CORPUS / "MANIFEST.tsv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_the_corpus_is_present_and_complete():
    rows = manifest()
    assert len(rows) >= 30
    for row in rows:
        assert (CORPUS / row["local_path"]).is_file(), row["local_path"]


@pytest.mark.parametrize("row", _rows(), ids=lambda r: Path(r["local_path"]).name)
def test_each_corpus_file_is_ingested_with_its_item_count_or_is_a_feed_error(row):
    body = (CORPUS / row["local_path"]).read_bytes()
    name = Path(row["local_path"]).name
    expected_error = EXPECTED_ERRORS.get(name)
    if expected_error:
        with pytest.raises(FeedError) as caught:
            parse_feed(body, {}, "https://publisher.example/feed")
        assert caught.value.reason.startswith(expected_error)
        return
    feed = parse_feed(body, {}, "https://publisher.example/feed")
    duplicates = int(re.search(r"dup_ids=(\d+)", row["notes"]).group(1))
    assert feed.entries == int(row["items"])
    assert len(feed.items) == int(row["items"]) - duplicates
    assert feed.duplicates == duplicates
    assert all(item.identity and item.title for item in feed.items)


@pytest.fixture
def settings(settings):
    """The corpus is read as file: feeds, which must lie under fetch.file_root."""
    return dataclasses.replace(settings, fetch_file_root=str(CORPUS.resolve()))


def test_a_cycle_over_the_whole_corpus_stores_items_and_records_errors(runtime, tmp_path):
    from tracker.ingest.service import Ingestion

    rows = manifest()
    with Ingestion(runtime) as ingestion:
        for row in rows:
            ingestion.store.add_feed((CORPUS / row["local_path"]).resolve().as_uri(), source="test")
        first = ingestion.poll_once()
        feeds = {Path(f.url).name: f for f in ingestion.list_feeds()}
        second = ingestion.poll_all_now()
    assert first.feeds_checked == len(rows)
    assert first.failed == len(EXPECTED_ERRORS)
    for name, reason in EXPECTED_ERRORS.items():
        assert feeds[name].health == "failing" and feeds[name].last_error.startswith(reason)
    expected_items = sum(
        int(r["items"]) - int(re.search(r"dup_ids=(\d+)", r["notes"]).group(1))
        for r in rows
        if Path(r["local_path"]).name not in EXPECTED_ERRORS
    )
    assert first.items_new == expected_items
    assert second.items_new == 0 and second.not_modified == len(rows) - len(EXPECTED_ERRORS)
