"""The story page's chart spans the story's real days: a report dated after
it was recorded is left out, and a long chart keeps its labels few."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from tracker.domain.report import Origin, Report
from tracker.domain.vocabulary import Kind, OriginKind
from web.charts import X_LABELS, kind_chart, kind_chart_of_points

RECORDED = datetime(2024, 6, 3, 12, tzinfo=UTC)


def report(report_id: str, published_at: datetime, kind: Kind = Kind.TALKS_HELD) -> Report:
    return Report(
        report_id=report_id,
        headline=report_id,
        summary="",
        outlet="Reuters",
        url="",
        attribution="",
        parties=("Meta",),
        kinds=(kind,),
        origin=Origin(OriginKind.MANUAL),
        published_at=published_at,
        recorded_at=RECORDED,
        version=2,
        sequence=1,
    )


def test_a_report_dated_after_it_was_recorded_does_not_stretch_the_chart() -> None:
    reports = [
        report("a", datetime(2024, 5, 25, tzinfo=UTC)),
        report("b", datetime(2024, 6, 1, tzinfo=UTC), Kind.NO_AGREEMENT),
        report("typo", RECORDED + timedelta(days=400), Kind.OTHER),  # "2025" typed for "2024"
    ]
    chart = kind_chart(reports)
    assert chart.unit == "day" and chart.total == 2
    assert chart.bars[0].label == "25 May" and chart.bars[-1].label == "1 Jun"


def test_a_report_published_within_a_day_of_its_recording_is_plausible() -> None:
    chart = kind_chart([report("a", RECORDED - timedelta(days=1)), report("b", RECORDED + timedelta(hours=20))])
    assert chart.total == 2


def test_a_retracted_report_is_not_charted() -> None:
    chart = kind_chart([report("a", RECORDED), dataclasses.replace(report("b", RECORDED), retracted=True)])
    assert chart.total == 1


def test_a_long_chart_keeps_its_axis_labels_few_enough_to_read_on_a_phone() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    points = [(start + timedelta(days=d), Kind.OTHER) for d in range(44)]
    chart = kind_chart_of_points(points)
    assert len(chart.bars) == 44 and len(chart.x_ticks) <= X_LABELS
