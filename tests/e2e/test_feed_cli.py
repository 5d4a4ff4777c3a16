"""The feed, rules, suggestions, archive and poll commands through the real console script."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
SLUG = "meta-xai-court-character-ai"


@pytest.fixture
def tracker_env(tracker_env, tmp_path):
    """file: feeds are read from under the test's folder only (fetch.file_root)."""
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    return {**tracker_env, "TRACKER_FETCH_FILE_ROOT": str(tmp_path)}


@pytest.fixture
def seeded(tracker):
    assert tracker("init").code == 0
    assert tracker("seed").code == 0
    return tracker


def test_feed_add_list_poll_and_remove(seeded, tmp_path):
    wire = (tmp_path / "fixtures" / "wire-rss2.xml").as_uri()
    added = seeded("feed", "add", wire, "--name", "Fixture wire", "--interval", "15m", "--json")
    assert added.code == 0, added.err
    assert added.json()["interval_seconds"] == 900
    again = seeded("feed", "add", wire)
    assert again.code == 1 and again.err.strip() == f"tracker: error: feed {wire!r} is already subscribed"
    broken = seeded("feed", "add", (tmp_path / "fixtures" / "error-page.html").as_uri())
    assert broken.code == 1 and "not a feed: an HTML page ('502 Bad Gateway')" in broken.err
    ftp = seeded("feed", "add", "ftp://example.com/rss")
    assert ftp.code == 1 and "scheme 'ftp' is not supported" in ftp.err

    polled = seeded("poll", "--once", "--json")
    assert polled.code == 0, polled.err
    summary = polled.json()
    assert (summary["fetched"], summary["items_new"], summary["matched"], summary["suggested"]) == (1, 4, 1, 1)
    text = seeded("poll", "--once")
    assert text.out.startswith("feeds: 0 checked")

    listing = seeded("feed", "list", "--json").json()
    assert listing[0]["health"] == "ok" and listing[0]["items_total"] == 4
    assert "Fixture wire" in seeded("feed", "list").out

    suggestions = seeded("suggestions", SLUG, "--json").json()
    assert len(suggestions) == 1
    accepted = seeded("suggestion", "accept", SLUG, suggestions[0]["suggestion_id"], "--by", "Ed")
    assert accepted.code == 0 and "appended" in accepted.out
    assert "Character AI ships a new app feature" in seeded("story", SLUG).out

    found = seeded("archive", "search", "metadata", "--json").json()
    assert [i["headline"] for i in found] == ["Metadata leak hits a photo app"]

    opml = tmp_path / "feeds.opml"
    assert seeded("feed", "export", str(opml)).code == 0
    assert seeded("feed", "remove", "1").code == 0
    assert seeded("feed", "list").out.startswith("No feeds yet")
    imported = seeded("feed", "import", str(opml))
    assert imported.code == 0 and imported.out.startswith("Imported 1 feeds")


def test_a_failing_feed_shows_its_error_in_the_list(seeded, tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes((FIXTURES / "wire-atom.xml").read_bytes())
    assert seeded("feed", "add", path.as_uri()).code == 0
    path.write_bytes(b"")
    polled = seeded("poll", "--once")
    assert "1 failed" in polled.out and "not a feed: empty body" in polled.out
    listing = seeded("feed", "list").out
    assert "failing" in listing and "1 failure(s) in a row" in listing and "empty body" in listing


def test_rules_show_and_edit(seeded, tmp_path):
    shown = seeded("rules", SLUG)
    assert shown.code == 0 and "all_of[0]: one of Character.AI" in shown.out
    changed = seeded(
        "rules", SLUG, "--add-any", "Google, licensing", "--remove", "Grok", "--party", "Google=Alphabet", "--by", "Ed"
    )
    assert changed.code == 0, changed.err
    rules = seeded("rules", SLUG, "--json").json()["rules"]
    assert "Google" in rules["any_of"] and "Grok" not in rules["any_of"]
    assert rules["parties"]["Google"] == ["Alphabet"] and "Meta" in rules["parties"]  # as written: its other names
    bad = seeded("rules", SLUG, "--min-any", "0")
    assert bad.code == 1 and bad.err.startswith("tracker: error: rules: min_any must be a whole number")
    toml = tmp_path / "rules.toml"
    toml.write_text('all_of = [["Acme"]]\nany_of = ["deal"]\n', encoding="utf-8")
    assert seeded("rules", SLUG, "--file", str(toml)).code == 0
    assert seeded("rules", SLUG, "--json").json()["rules"] == {"all_of": [["Acme"]], "any_of": ["deal"]}
    history = seeded("history", SLUG, "--json").json()
    assert [e["event_type"] for e in history].count("RulesChanged") == 2


def test_file_feeds_outside_the_root_and_enormous_intervals_are_refused_by_name(seeded, tmp_path):
    outside = seeded("feed", "add", "file:///etc/passwd")
    assert outside.code == 1 and outside.err.strip() == (
        f"tracker: error: cannot subscribe to file:///etc/passwd: refused: file: feeds must be under "
        f"fetch.file_root ({tmp_path.resolve()})"
    )
    wire = (tmp_path / "fixtures" / "wire-rss2.xml").as_uri()
    huge = seeded("feed", "add", wire, "--interval", "99999999999999999999m")
    assert huge.code == 1 and "interval: " in huge.err and "above the maximum of 2592000 s (30 days)" in huge.err
    assert seeded("feed", "list").out.startswith("No feeds yet")
