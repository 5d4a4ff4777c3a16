"""One way to read the clock and to bring a stored moment to UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tracker.domain.errors import InvalidField
from tracker.moments import now_utc, parse_moment, utc


def test_a_naive_moment_from_the_database_is_taken_as_utc() -> None:
    assert utc(datetime(2024, 5, 25, 9, 30)) == datetime(2024, 5, 25, 9, 30, tzinfo=UTC)
    assert utc(datetime(2024, 5, 25, 9, 30)).tzinfo is UTC


def test_an_aware_moment_in_another_zone_becomes_the_same_instant_in_utc() -> None:
    paris = timezone(timedelta(hours=2))
    moment = utc(datetime(2024, 5, 25, 11, 30, tzinfo=paris))
    assert (moment.hour, moment.tzinfo) == (9, UTC)


def test_no_moment_stays_none() -> None:
    assert utc(None) is None


def test_the_clock_reads_in_utc() -> None:
    before = datetime.now(UTC)
    now = now_utc()
    assert now.tzinfo is UTC and before <= now <= datetime.now(UTC)


def test_a_typed_day_means_its_start_or_with_end_of_day_its_last_microsecond() -> None:
    assert parse_moment("2024-05-25") == datetime(2024, 5, 25, tzinfo=UTC)
    assert parse_moment("2024-05-25", end_of_day=True) == datetime(2024, 5, 25, 23, 59, 59, 999999, tzinfo=UTC)
    assert parse_moment("2024-05-25T10:00Z") == datetime(2024, 5, 25, 10, tzinfo=UTC)
    with pytest.raises(InvalidField, match="as_of: '25/05/2024' is not an ISO 8601"):
        parse_moment("25/05/2024", "as_of")
