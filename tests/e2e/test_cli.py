"""The `tracker` command line, through the real console script."""

from __future__ import annotations

SLUG = "meta-xai-court-character-ai"


def test_init_and_seed_are_idempotent_and_the_story_shows_its_threads_and_questions(tracker) -> None:
    assert tracker("init").code == 0
    assert tracker("init").code == 0
    first = tracker("seed", "--json").json()
    assert first[0]["opened"] is True
    assert tracker("seed", "--json").json()[0]["reports_added"] == 0
    story = tracker("story", SLUG, "--json").json()
    assert "stances" not in story["state"]
    threads = {tuple(sorted(t["parties"])): t["status"] for t in story["state"]["threads"]}
    assert threads[("Character.AI", "Meta")] == "no_agreement"
    assert any(q["key"] == "say:meta|the-talks" for q in story["state"]["open_questions"])
    assert {"Meta", "xAI", "Character.AI"} <= {p["name"] for p in story["state"]["parties"]}
    assert all("relations" in r and "relevance" in r for r in story["reports"])
    text = tracker("story", SLUG)
    assert "Threads:" in text.out and "Where the parties stand" not in text.out
    assert "Meta – Character.AI: no agreement yet since 2024-05-25" in text.out
    assert "Open questions:" in text.out and "Meta has held early partnership talks" in text.out


def test_adding_correcting_and_retracting_reports_by_cli(tracker) -> None:
    tracker("seed")
    added = tracker(
        "report",
        "add",
        SLUG,
        "--headline",
        "Meta confirms talks with Character.AI",
        "--published",
        "2024-06-01T09:00Z",
        "--kind",
        "confirmed,talks_held",
        "--party",
        "Meta",
        "--outlet",
        "Reuters",
        "--url",
        "https://example.org/meta",
        "--json",
    )
    assert added.code == 0, added.err
    rid = added.json()["report_id"]
    assert (
        tracker("report", "correct", SLUG, rid, "--headline", "Meta confirms early talks", "--reason", "precision").code
        == 0
    )
    assert tracker("report", "reclassify", SLUG, rid, "--kind", "confirmed", "--by", "desk").code == 0
    story = tracker("story", SLUG, "--json").json()
    # A report added by hand names kinds, not what a statement is about: Meta's
    # confirmation on nothing in particular leaves its silence on the talks open.
    confirmation = next(r for r in story["reports"] if r["report_id"] == rid)
    assert [(s["speaker"], s["kind"], s["about"]) for s in confirmation["statements"]] == [("Meta", "confirmed", "")]
    assert any(q["key"] == "say:meta|the-talks" for q in story["state"]["open_questions"])
    assert tracker("report", "retract", SLUG, rid, "--reason", "wrong outlet").code == 0
    story = tracker("story", SLUG, "--json").json()
    assert any(q["key"] == "say:meta|the-talks" for q in story["state"]["open_questions"])
    kinds = [e["event_type"] for e in tracker("history", SLUG, "--json").json()]
    assert kinds[-3:] == ["ReportCorrected", "ReportReclassified", "ReportRetracted"]


def test_as_of_in_both_modes_by_cli(tracker) -> None:
    tracker("seed")
    tracker(
        "report",
        "add",
        SLUG,
        "--headline",
        "Deal signed",
        "--published",
        "2024-07-01",
        "--kind",
        "agreement_reached",
        "--party",
        "Meta",
    )
    reported = tracker("story", SLUG, "--as-of", "2024-06-01", "--mode", "reported", "--json").json()
    assert "Deal signed" not in [r["headline"] for r in reported["reports"]]
    assert len(reported["reports"]) == 9
    later = tracker("story", SLUG, "--as-of", "2024-07-02", "--mode", "reported", "--json").json()
    assert later["state"]["last_development"]["headline"] == "Deal signed"
    before = tracker("story", SLUG, "--as-of", "2024-07-02", "--mode", "recorded")
    assert before.code == 1 and "had not been opened" in before.err
    assert tracker("story", SLUG, "--version", "2", "--json").json()["version"] == 2


def test_bad_input_gets_one_line_and_a_non_zero_exit_and_changes_nothing(tracker) -> None:
    tracker("seed")
    count = len(tracker("history", SLUG, "--json").json())
    cases = [
        (["report", "add", SLUG, "--headline", "", "--published", "2024-06-01", "--kind", "other"], "headline"),
        (["report", "add", SLUG, "--headline", "x", "--published", "2024-06-01", "--kind", "gossip"], "gossip"),
        (["report", "add", SLUG, "--headline", "x", "--published", "June 1st", "--kind", "other"], "published"),
        (
            [
                "report",
                "add",
                SLUG,
                "--headline",
                "x",
                "--published",
                "2024-06-01",
                "--kind",
                "other",
                "--url",
                "javascript:alert(1)",
            ],
            "url",
        ),
        (
            ["report", "add", "no-such-story", "--headline", "x", "--published", "2024-06-01", "--kind", "other"],
            "no-such-story",
        ),
        (["report", "retract", SLUG, "r-missing", "--reason", "x"], "r-missing"),
        (["open", "--title", "Again", "--slug", SLUG], "already exists"),
        (["story", SLUG, "--as-of", "yesterday"], "--as-of"),
    ]
    for args, named in cases:
        result = tracker(*args)
        assert result.code != 0, args
        assert named in result.err, (args, result.err)
        assert len(result.err.strip().splitlines()) == 1, result.err
    assert len(tracker("history", SLUG, "--json").json()) == count


def test_export_then_import_round_trips_byte_identically(tracker, tracker_env, tmp_path) -> None:
    tracker("seed")
    exported = tracker("export")
    assert exported.code == 0
    dump = tmp_path / "events.ndjson"
    dump.write_text(exported.out)
    refused = tracker("import", str(dump))
    assert refused.code == 1 and "not empty" in refused.err
    tracker_env["TRACKER_DATABASE_URL"] = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    assert tracker("init").code == 0
    assert tracker("import", str(dump)).code == 0
    assert tracker("export").out == exported.out


def test_a_dead_database_gets_a_clear_message(tracker, tracker_env) -> None:
    tracker_env["TRACKER_DATABASE_URL"] = "postgresql://postgres@127.0.0.1:1/none"
    result = tracker("stories")
    assert result.code == 1
    assert result.err.startswith("tracker: error: cannot open database") and "127.0.0.1:1" in result.err


def test_only_init_creates_an_sqlite_database_and_other_commands_name_the_missing_file(
    tracker, tracker_env, tmp_path
) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "tracker.sqlite3"
    tracker_env["TRACKER_DATABASE_URL"] = f"sqlite:///{missing}"
    for command in (["stories"], ["export"], ["story", SLUG], ["replay", "--verify"], ["feed", "list"], ["seed"]):
        result = tracker(*command)
        assert result.code == 1, command
        assert result.err.strip() == (
            f"tracker: error: no database at {missing}: run `tracker init` first, or set database.url (TRACKER_DATABASE_URL)"
        )
    assert not (tmp_path / "no").exists()
    assert tracker("init").code == 0 and missing.is_file()
    assert tracker("stories").code == 0


def test_story_level_changes_from_the_command_line_say_who_made_them(tracker) -> None:
    tracker("seed")
    assert tracker("retitle", SLUG, "Meta and xAI court Character.AI, Google wins", "--by", "desk").code == 0
    assert tracker("status", SLUG, "quiet").code == 0
    events = tracker("history", SLUG, "--json").json()
    retitled, status = events[-2], events[-1]
    assert (retitled["event_type"], retitled["payload"]["by"]) == ("Retitled", "desk")
    assert status["event_type"] == "StatusChanged" and status["payload"]["by"].startswith("cli:")
