"""`tracker report correct` on every field and `tracker summary`, through the console script."""

from __future__ import annotations

SLUG = "meta-xai-court-character-ai"
REPORT = "ft-2024-05-25-meta-talks"


def test_a_reports_date_outlet_and_parties_are_corrected_by_cli_and_the_history_says_who(tracker) -> None:
    tracker("seed")
    done = tracker(
        "report",
        "correct",
        SLUG,
        REPORT,
        "--published",
        "2024-05-24T08:00Z",
        "--outlet",
        "Reuters",
        "--party",
        "Meta",
        "--reason",
        "the wire misdated it",
        "--by",
        "desk:ana",
        "--json",
    )
    assert done.code == 0, done.err
    story = tracker("story", SLUG, "--json").json()
    report = next(r for r in story["reports"] if r["report_id"] == REPORT)
    assert report["published_at"].startswith("2024-05-24T08:00")
    assert (report["outlet"], report["parties"]) == ("Reuters", ["Meta"])
    history = tracker("history", SLUG, "--json").json()
    assert (history[-1]["event_type"], history[-1]["payload"]["by"]) == ("ReportCorrected", "desk:ana")
    assert set(history[-1]["payload"]["changes"]) == {"published_at", "outlet", "parties"}


def test_a_future_date_or_an_empty_headline_is_one_line_error_with_exit_1(tracker) -> None:
    tracker("seed")
    future = tracker("report", "correct", SLUG, REPORT, "--published", "2030-01-01", "--reason", "typo")
    assert future.code == 1
    assert future.err.strip().startswith("tracker: error: published_at: 2030-01-01")
    assert "more than a day in the future" in future.err and len(future.err.strip().splitlines()) == 1
    empty = tracker("report", "correct", SLUG, REPORT, "--headline", " ", "--reason", "typo")
    assert empty.code == 1 and "headline: must not be empty" in empty.err


def test_the_summary_is_changed_by_cli_and_the_same_summary_again_is_refused(tracker) -> None:
    tracker("seed")
    changed = tracker("summary", SLUG, "Meta struck a deal.", "--by", "desk:ana")
    assert changed.code == 0, changed.err
    assert tracker("story", SLUG, "--json").json()["summary"] == "Meta struck a deal."
    again = tracker("summary", SLUG, "Meta struck a deal.")
    assert again.code == 1 and "already has this summary" in again.err


def test_a_report_added_by_cli_says_who_added_it(tracker) -> None:
    tracker("seed")
    added = tracker(
        "report",
        "add",
        SLUG,
        "--headline",
        "Talks go on",
        "--published",
        "2024-06-01",
        "--kind",
        "talks_held",
        "--by",
        "desk:bo",
        "--json",
    )
    assert added.code == 0, added.err
    history = tracker("history", SLUG, "--json").json()
    assert (history[-1]["event_type"], history[-1]["payload"]["by"]) == ("ReportAdded", "desk:bo")


def test_the_seed_story_says_the_seed_opened_it_and_added_its_reports(tracker) -> None:
    tracker("seed")
    history = tracker("history", SLUG, "--json").json()
    assert {e["payload"]["by"] for e in history} == {"seed"}
