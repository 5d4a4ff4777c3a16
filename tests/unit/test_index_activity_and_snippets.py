"""The index sparkline's scale, and search snippets cut around the first match."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tracker.domain.highlight import marked, snippet
from web.activity import activity, period_text

START = datetime(2024, 5, 25, tzinfo=UTC)


def test_the_scale_names_the_span_the_period_of_a_point_and_the_peak() -> None:
    moments = [START, START, START + timedelta(days=3), START + timedelta(days=36)]
    found = activity(moments, now=START + timedelta(days=40))
    assert found.label == "4 reports from 25 May 2024 to 30 Jun 2024; each point is 3 days, the highest holds 2"
    assert (found.first, found.last, found.peak, found.line.total) == (moments[0], moments[-1], 2, 4)


def test_implausible_dates_do_not_stretch_the_line() -> None:
    moments = [START, START + timedelta(hours=6), datetime(2030, 1, 1, tzinfo=UTC), datetime(1800, 1, 1, tzinfo=UTC)]
    found = activity(moments, now=START + timedelta(days=1))
    assert found.label.startswith("2 reports from 25 May 2024 to 25 May 2024; each point is 30 minutes")
    assert activity([], now=START).label == "No reports yet" and activity([START], now=START).label.endswith(
        "all on 25 May 2024"
    )


def test_periods_read_in_the_unit_a_reader_would_use() -> None:
    assert [period_text(s) for s in (20, 90, 3 * 3600, 86400, 5 * 86400)] == [
        "20 seconds",
        "2 minutes",
        "3 hours",
        "24 hours",
        "5 days",
    ]


def test_a_snippet_starts_a_little_before_the_first_match_and_says_where_it_was_cut() -> None:
    text = "Filler words. " * 40 + "Meta declined to comment on the talks. " + "More filler. " * 40
    pieces = snippet(marked(text, ["declin*"]), width=120)
    joined = "".join(t for t, _ in pieces)
    assert pieces[0] == ("…", False) and pieces[-1] == ("…", False)
    assert [t for t, hit in pieces if hit] == ["declined"] and len(joined) <= 122
    short = marked("Meta declined", ["declin*"])
    assert snippet(short) == short
