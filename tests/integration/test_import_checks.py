"""An import file is checked whole before anything is written: hostile or
inconsistent lines are refused by number, and the store stays usable."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from typing import Any

import pytest

from tracker.bootstrap import open_newsroom
from tracker.config import load_settings
from tracker.seed import load_seed, seed_files
from tracker.transfer import ImportRejected, export_events, import_events

Line = dict[str, Any]


def target(tmp_path, database_url: str):
    return open_newsroom(load_settings({"TRACKER_DATABASE_URL": database_url, "TRACKER_DATA_DIR": str(tmp_path)}))


@pytest.fixture
def lines(tmp_path) -> list[Line]:
    """The seed story exported from a store of its own."""
    source = target(tmp_path, f"sqlite:///{tmp_path / 'source.sqlite3'}")
    load_seed(source, seed_files()[0])
    out = io.StringIO()
    export_events(source, out)
    return [json.loads(raw) for raw in out.getvalue().splitlines()]


def refuse(tmp_path, database_url: str, lines: list[Line], match: str):
    path = tmp_path / "events.ndjson"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    store = target(tmp_path, database_url)
    with pytest.raises(ImportRejected, match=match):
        import_events(store, path)
    assert not store.recorder.max_notification_id()
    assert store.stories() == ()  # the store still answers
    return store


def first_added(lines: list[Line]) -> int:
    return next(i for i, line in enumerate(lines) if line["topic"] == "tracker.story:ReportAdded")


def test_a_topic_outside_the_tracker_is_refused_without_importing_its_module(lines, tmp_path, database_url) -> None:
    sys.modules.pop("this", None)
    lines[1] = {**lines[1], "topic": "this:s"}
    refuse(tmp_path, database_url, lines, r"line 2: unknown topic 'this:s'")
    assert "this" not in sys.modules


Mangle = Callable[[list[Line]], None]


def _set(index: Callable[[list[Line]], int], key: str, value: Any) -> Mangle:
    def mangle(lines: list[Line]) -> None:
        lines[index(lines)]["state"][key] = value

    return mangle


def _drop_opened(lines: list[Line]) -> None:
    del lines[0]
    for line in lines:
        line["originator_version"] -= 1


def _same_slug_other_id(lines: list[Line]) -> None:
    other = json.loads(json.dumps(lines[0]))
    other["originator_id"] = "00000000-0000-4000-8000-000000000001"
    lines.append(other)


def _correct_unknown_report(lines: list[Line]) -> None:
    last = lines[-1]
    lines.append(
        {
            "originator_id": last["originator_id"],
            "originator_version": last["originator_version"] + 1,
            "topic": "tracker.story:ReportCorrected",
            "state": {
                "timestamp": last["state"]["timestamp"],
                "report_id": "no-such-report",
                "changes": {"headline": ["a", "b"]},
                "reason": "typo",
                "by": "desk",
                "class_version": 1,
            },
        }
    )


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (_set(first_added, "headline", 123), r"ReportAdded\.headline must be str"),
        (_set(first_added, "kinds", "talks_held"), r"ReportAdded\.kinds must be list"),
        (_set(first_added, "kinds", ["gossip"]), r"'gossip' is not a valid Kind"),
        (_set(first_added, "timestamp", "2024-05-25T00:00:00+00:00"), r"timestamp must be a date and time"),
        (_set(lambda _: 0, "title", "Meta\u0000xAI"), r"line 1: .*U\+0000"),
        (_set(lambda _: 0, "rules", {"all_of": "Character.AI"}), r"line 1: .*all_of must be a list of groups"),
        (_drop_opened, r"line 1: story .* starts with tracker.story:ReportAdded version 1, not Opened"),
        (_same_slug_other_id, r"has slug 'meta-xai-court-character-ai', whose id is"),
        (_correct_unknown_report, r"ReportCorrected does not apply .*no-such-report"),
    ],
    ids=[
        "text as a number",
        "list as text",
        "unknown kind",
        "timestamp as a string",
        "NUL in a title",
        "unusable rules",
        "first event not Opened",
        "duplicate slug under another id",
        "correction of no report",
    ],
)
def test_a_line_the_store_could_not_apply_is_refused_and_nothing_is_written(
    lines, tmp_path, database_url, mangle, message
) -> None:
    mangle(lines)
    refuse(tmp_path, database_url, lines, message)


def test_a_file_that_is_not_utf8_is_refused_by_line(tmp_path, sqlite_url) -> None:
    path = tmp_path / "events.ndjson"
    path.write_bytes(b"\xff\xfe\n")
    with pytest.raises(ImportRejected, match="^line 1: not UTF-8 text"):
        import_events(target(tmp_path, sqlite_url), path)


def test_an_empty_file_is_refused(tmp_path, sqlite_url) -> None:
    path = tmp_path / "events.ndjson"
    path.write_text("")
    with pytest.raises(ImportRejected, match="holds no events"):
        import_events(target(tmp_path, sqlite_url), path)


def test_a_file_that_passes_every_check_is_imported_whole(lines, tmp_path, database_url) -> None:
    path = tmp_path / "events.ndjson"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    store = target(tmp_path, database_url)
    assert import_events(store, path) == len(lines)
    assert [s.slug for s in store.stories()] == ["meta-xai-court-character-ai"]


def test_title_status_and_rules_changes_exported_before_they_named_who_are_imported(tmp_path, sqlite_url) -> None:
    """An export from before Retitled, StatusChanged and RulesChanged had ``by``
    (class_version 1) passes the checks, its lines stored as they are."""
    source = target(tmp_path, f"sqlite:///{tmp_path / 'source.sqlite3'}")
    source.open_story(title="Harbour strike", slug="harbour")
    source.retitle_story("harbour", "Harbour strike: talks", by="Ed")
    source.change_status("harbour", "quiet", by="Ed")
    source.change_rules("harbour", {"any_of": ["harbour"]}, by="Ed")
    out = io.StringIO()
    export_events(source, out)
    lines = [json.loads(raw) for raw in out.getvalue().splitlines()]
    for line in lines[1:]:
        del line["state"]["by"], line["state"]["class_version"]
    path = tmp_path / "events.ndjson"
    written = "".join(json.dumps(line, separators=(",", ":"), ensure_ascii=False) + "\n" for line in lines)
    path.write_text(written, encoding="utf-8")
    store = target(tmp_path, sqlite_url)
    assert import_events(store, path) == 4
    view = store.story("harbour")
    assert (view.title, view.status, dict(view.rules)) == ("Harbour strike: talks", "quiet", {"any_of": ["harbour"]})
    assert [e.payload["by"] for e in store.history("harbour")[1:]] == ["", "", ""]
    again = io.StringIO()
    export_events(store, again)
    assert again.getvalue() == written  # stored as they came: still version 1
