"""What a workload measures, and how the suite reports it (table and JSON).

A figure keeps every run's value, so the table can show the median and the
spread; a ratio compares a figure with its reference measured side by side
in the same invocation (the only comparison that survives a noisy machine).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


class BenchFailed(ValueError):
    """A workload crashed or overran; the message names it and the last thing it said."""


class NotAvailable(Exception):
    """The component a workload measures does not exist (yet); the reason says which."""


@dataclass(frozen=True)
class Figure:
    """One measured quantity of a workload, over several runs."""

    workload: str
    figure: str
    unit: str
    runs: tuple[float, ...]  # empty: not available, ``note`` says why
    references: tuple[str, ...] = ()  # figures (same workload) this one is compared with
    note: str = ""

    @property
    def available(self) -> bool:
        return bool(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else math.nan

    @property
    def low(self) -> float:
        return min(self.runs) if self.runs else math.nan

    @property
    def high(self) -> float:
        return max(self.runs) if self.runs else math.nan


@dataclass(frozen=True)
class WorkloadResult:
    """Every figure of one workload on one database, or why there are none."""

    workload: str
    database: str
    scale: str
    figures: tuple[Figure, ...] = ()
    available: bool = True
    reason: str = ""
    seconds: float = 0.0
    params: dict[str, Any] = field(default_factory=dict)

    def ratios(self, figure: Figure) -> dict[str, float]:
        """figure / each reference (medians), e.g. tracker/newsboat wall time."""
        found: dict[str, float] = {}
        for name in figure.references:
            for other in self.figures:
                if other.figure == name and other.available and figure.available and other.median:
                    found[name] = figure.median / other.median
        return found


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def _number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def table_rows(results: Iterable[WorkloadResult]) -> list[list[str]]:
    rows = [["workload", "db", "figure", "unit", "median", "min–max", "runs", "ratio to reference / note"]]
    for result in results:
        if not result.available:
            rows.append([result.workload, result.database, "-", "", "not available", "", "", result.reason])
            continue
        for fig in result.figures:
            if not fig.available:
                rows.append([fig.workload, result.database, fig.figure, fig.unit, "not available", "", "", fig.note])
                continue
            ratio = "; ".join(
                [
                    *(f"{value:.2f} × {name}" for name, value in result.ratios(fig).items()),
                    *([fig.note] if fig.note else []),
                ]
            )
            rows.append(
                [
                    fig.workload,
                    result.database,
                    fig.figure,
                    fig.unit,
                    _number(fig.median),
                    f"{_number(fig.low)}–{_number(fig.high)}",
                    str(len(fig.runs)),
                    ratio,
                ]
            )
    return rows


def render_table(results: Iterable[WorkloadResult]) -> str:
    """A plain-text table that also reads as Markdown."""
    rows = table_rows(results)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

    out = [line(rows[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(row) for row in rows[1:]]
    return "\n".join(out)


def to_json(results: Iterable[WorkloadResult], meta: dict[str, Any]) -> dict[str, Any]:
    """The same content as the table, with every run's value."""
    workloads = []
    for result in results:
        entry = asdict(result)
        entry["figures"] = [
            {
                **asdict(fig),
                "runs": list(fig.runs),
                "references": list(fig.references),
                "available": fig.available,
                "median": fig.median if fig.available else None,
                "min": fig.low if fig.available else None,
                "max": fig.high if fig.available else None,
                "ratios": result.ratios(fig),
            }
            for fig in result.figures
        ]
        workloads.append(entry)
    return {**meta, "workloads": workloads}


def from_json(entry: dict[str, Any]) -> WorkloadResult:
    """A worker's result, as printed on its stdout."""
    figures = tuple(
        Figure(
            workload=f["workload"],
            figure=f["figure"],
            unit=f["unit"],
            runs=tuple(f["runs"]),
            references=tuple(f.get("references", ())),
            note=f.get("note", ""),
        )
        for f in entry.get("figures", [])
    )
    return WorkloadResult(
        workload=entry["workload"],
        database=entry["database"],
        scale=entry["scale"],
        figures=figures,
        available=entry.get("available", True),
        reason=entry.get("reason", ""),
        seconds=entry.get("seconds", 0.0),
        params=entry.get("params", {}),
    )
