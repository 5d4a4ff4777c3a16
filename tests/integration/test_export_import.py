"""Export and import of the whole event log, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from tracker.bootstrap import open_newsroom
from tracker.config import load_settings
from tracker.seed import load_seed, seed_files
from tracker.transfer import ImportRejected, export_events, import_events

PUBLISHED = datetime(2024, 5, 25, tzinfo=UTC)


def fill(newsroom) -> None:
    load_seed(newsroom, seed_files()[0])
    slug = "meta-xai-court-character-ai"
    rid = newsroom.add_report(
        slug, headline="Régulateurs: «enquête» ouverte", published_at=PUBLISHED, kinds=["regulatory_scrutiny"]
    )
    newsroom.correct_report(slug, rid, summary="Les autorités examinent l'accord", reason="added summary")
    newsroom.retract_report(slug, "ft-2024-05-25-profile", reason="duplicate background")


def exported(newsroom) -> bytes:
    out = io.StringIO()
    export_events(newsroom, out)
    return out.getvalue().encode("utf-8")


def other_store(tmp_path, database_url: str):
    return open_newsroom(load_settings({"TRACKER_DATABASE_URL": database_url, "TRACKER_DATA_DIR": str(tmp_path)}))


@pytest.mark.parametrize("target", ["sqlite", "postgres"])
def test_export_import_export_is_byte_identical(newsroom, tmp_path, target, request) -> None:
    fill(newsroom)
    first = exported(newsroom)
    path = tmp_path / "events.ndjson"
    path.write_bytes(first)
    if target == "postgres":
        url = request.getfixturevalue("new_postgres_url")()
    else:
        url = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    copy = other_store(tmp_path, url)
    assert import_events(copy, path) == first.count(b"\n")
    assert exported(copy) == first
    assert copy.story("meta-xai-court-character-ai") == newsroom.story("meta-xai-court-character-ai")


def test_import_into_a_non_empty_store_is_refused(newsroom, tmp_path) -> None:
    fill(newsroom)
    path = tmp_path / "events.ndjson"
    path.write_bytes(exported(newsroom))
    before = newsroom.recorder.max_notification_id()
    with pytest.raises(ImportRejected, match="not empty"):
        import_events(newsroom, path)
    assert newsroom.recorder.max_notification_id() == before


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda lines: lines[:3] + ["{not json"] + lines[4:], "line 4"),
        (lambda lines: lines[:2] + lines[3:], "line 3"),  # a version gap
        (
            lambda lines: lines[:5] + [lines[5].replace("tracker.story:ReportAdded", "tracker.story:Nope")] + lines[6:],
            "line 6",
        ),
    ],
)
def test_a_broken_file_is_refused_by_line_and_nothing_is_written(newsroom, tmp_path, mangle, message) -> None:
    fill(newsroom)
    lines = exported(newsroom).decode().splitlines()
    path = tmp_path / "broken.ndjson"
    path.write_text("\n".join(mangle(lines)) + "\n")
    target = other_store(tmp_path, f"sqlite:///{tmp_path / 'target.sqlite3'}")
    with pytest.raises(ImportRejected, match=message):
        import_events(target, path)
    assert not target.recorder.max_notification_id()
