"""The developments chart stays small and drawable whatever dates a store holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tracker.domain.vocabulary import Kind
from web.charts import kind_chart_of_points

UTC = UTC


def test_implausible_dates_from_an_older_store_are_left_out_of_the_chart() -> None:
    points = [
        (datetime(2024, 5, 25, tzinfo=UTC), Kind.TALKS_HELD),
        (datetime(2024, 5, 27, tzinfo=UTC), Kind.NO_AGREEMENT),
        (datetime(9999, 12, 31, tzinfo=UTC), Kind.OTHER),
        (datetime(1, 1, 1, tzinfo=UTC), Kind.OTHER),
    ]
    chart = kind_chart_of_points(points)
    assert chart.unit == "day"
    assert chart.total == 2
    assert [bar.total for bar in chart.bars] == [1, 0, 1]


def test_a_story_spanning_a_century_is_drawn_in_years_not_thousands_of_bars() -> None:
    points = [
        (datetime(1901, 3, 1, tzinfo=UTC), Kind.OTHER),
        (datetime.now(UTC) - timedelta(days=1), Kind.TALKS_HELD),
    ]
    chart = kind_chart_of_points(points)
    assert chart.unit == "year"
    assert len(chart.bars) == datetime.now(UTC).year - 1901 + 1
    assert chart.bars[0].label == "1901"


def test_a_decade_is_drawn_in_months() -> None:
    points = [(datetime(2015, 1, 1, tzinfo=UTC), Kind.OTHER), (datetime(2024, 12, 31, tzinfo=UTC), Kind.OTHER)]
    chart = kind_chart_of_points(points)
    assert chart.unit == "month"
    assert len(chart.bars) == 120
