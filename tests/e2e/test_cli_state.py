"""The story's state, its parties and re-reading its reports through the real console script."""

from __future__ import annotations

import pytest
from licensing_story import SLUG


@pytest.fixture
def story(licensing_story: str) -> str:
    return licensing_story


def test_the_story_prints_threads_questions_parties_and_suggestions_before_the_timeline(tracker, story) -> None:
    out = tracker("story", SLUG).out
    assert "Google – Character.AI: agreement reached since 2024-05-28 (deal)" in out
    assert "Meta – Character.AI: no agreement yet since 2024-05-26 (no-deal)  [talks held -> no agreement yet]" in out
    assert "  - Meta declined to comment on the talks (since 2024-05-25, declined)" in out
    assert "Parties: Character.AI, Meta, Google\n  mentioned: OpenAI\n" in out
    assert "Party suggestions:\n" in out and "  Andreessen Horowitz: in 2 reports\n" in out
    assert (
        out.index("Threads:")
        < out.index("Open questions:")
        < out.index("Parties:")
        < out.index("Timeline (6 reports):")
    )
    assert "[context] 2024-05-29  Profile: who is Noam Shazeer" in out
    assert "reads: Google – Character.AI: agreement reached" in out


def test_story_json_follows_the_api_shape(tracker, story) -> None:
    body = tracker("story", SLUG, "--json").json()
    google = next(t for t in body["state"]["threads"] if t["parties"] == ["Google", "Character.AI"])
    assert google["status"] == "agreement_reached" and google["transitions"][0]["report_id"] == "deal"
    assert {"name": "OpenAI", "role": "mentioned"} in body["state"]["parties"]
    deal = next(r for r in body["reports"] if r["report_id"] == "deal")
    assert deal["relations"][0]["kind"] == "agreement_reached" and deal["relevance"] == "core"


def test_party_accept_and_dismiss_edit_the_rules_say_who_and_refuse_a_repeat(tracker, story) -> None:
    accepted = tracker("party", "accept", SLUG, "Andreessen Horowitz", "--alias", "a16z", "--alias", "Andreessen")
    assert accepted.code == 0 and "Andreessen Horowitz is now a party (also spelled a16z, Andreessen)" in accepted.out
    story_json = tracker("story", SLUG, "--json").json()
    assert story_json["rules"]["parties"]["Andreessen Horowitz"] == ["a16z", "Andreessen"]
    assert "Andreessen Horowitz" not in {s["name"] for s in story_json["state"]["party_suggestions"]}
    event = tracker("history", SLUG, "--json").json()[-1]
    assert event["event_type"] == "PartyAccepted" and event["payload"]["by"].startswith("cli")
    again = tracker("party", "accept", SLUG, "Andreessen Horowitz")
    assert (
        again.code == 1 and again.err.strip() == "tracker: error: Andreessen Horowitz is already a party of the story"
    )
    dismissed = tracker("party", "dismiss", SLUG, "Google", "--by", "desk")
    assert dismissed.code == 0 and "Google dismissed" in dismissed.out
    story_json = tracker("story", SLUG, "--json").json()
    assert story_json["rules"]["not_parties"] == ["Google"]
    assert all("Google" not in t["parties"] for t in story_json["state"]["threads"])
    unknown = tracker("party", "dismiss", "no-such-story", "Google")
    assert unknown.code == 1 and len(unknown.err.strip().splitlines()) == 1 and "no-such-story" in unknown.err


def test_reclassify_all_dry_run_lists_the_changes_and_records_nothing_then_records_them(tracker, story) -> None:
    events = len(tracker("history", SLUG, "--json").json())
    dry = tracker("reclassify", SLUG, "--all", "--dry-run")
    assert dry.code == 0, dry.err
    *blocks, summary = dry.out.strip().split("\n\n")
    count = int(summary.split()[0])
    assert summary == f"{count} report{'' if count == 1 else 's'} would change" and len(blocks) == count
    for block in blocks:
        head, *differences = block.splitlines()
        assert head.split("  ", 1)[0] in {"talks", "declined", "no-deal", "deal", "profile", "investors"}
        assert differences and all(line.startswith("    ") and ": " in line for line in differences)
    assert len(tracker("history", SLUG, "--json").json()) == events
    done = tracker("reclassify", SLUG, "--all")
    assert done.code == 0 and done.out.strip().endswith(f"{count} report{'' if count == 1 else 's'} re-read")
    history = tracker("history", SLUG, "--json").json()
    assert len(history) == events + count
    assert all(e["event_type"] == "ReportReclassified" for e in history[events:])
    assert tracker("reclassify", SLUG, "--all", "--dry-run").out.strip() == "0 reports would change"


def test_reclassify_needs_all_and_a_known_story(tracker, story) -> None:
    bare = tracker("reclassify", SLUG)
    assert (
        bare.code == 1 and bare.err.startswith("tracker: error: give --all") and len(bare.err.strip().splitlines()) == 1
    )
    unknown = tracker("reclassify", "no-such-story", "--all")
    assert unknown.code == 1 and unknown.err.strip() == "tracker: error: no story with slug 'no-such-story'"
