"""`tracker bench` through the real console script, at the hidden --tiny scale
(shape of the table and the JSON only: speed is never asserted in tests)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    script = shutil.which("tracker", path=str(Path(sys.executable).parent))
    assert script, "the tracker console script is not installed"
    return subprocess.run([script, "bench", *args], capture_output=True, text=True, timeout=300, env={**os.environ})


def test_bench_prints_a_table_and_writes_the_same_figures_as_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = run_bench("--tiny", "append", "as-of", "lag", "--json", str(out))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    header = next(line for line in lines if line.startswith("| workload"))
    assert [c.strip() for c in header.strip("|").split("|")][:7] == [
        "workload",
        "db",
        "figure",
        "unit",
        "median",
        "min–max",
        "runs",
    ]
    report = json.loads(out.read_text())
    assert report["scale"] == "tiny" and report["machine"]
    by_name = {w["workload"]: w for w in report["workloads"]}
    assert set(by_name) == {"append", "as-of", "lag"}
    for workload in by_name.values():
        assert workload["database"] == "sqlite" and workload["available"] is True
        for figure in workload["figures"]:
            assert len(figure["runs"]) == 2 and all(value > 0 for value in figure["runs"])
            assert figure["min"] <= figure["median"] <= figure["max"]
            row = f"| {figure['workload']}"
            assert any(line.startswith(row) and f" {figure['figure']} " in line for line in lines), figure
    append = {f["figure"]: f for f in by_name["append"]["figures"]}
    ratio = append["application"]["ratios"]["recorder"]
    assert ratio == pytest.approx(append["application"]["median"] / append["recorder"]["median"])
    assert f"{ratio:.2f} × recorder" in done.stdout
    assert {f["figure"] for f in by_name["as-of"]["figures"]} == {
        "recorded median",
        "recorded p95",
        "reported median",
        "reported p95",
    }
    assert {f["figure"] for f in by_name["lag"]["figures"]} == {"events/s written", "lag median", "lag p95", "lag max"}


def test_bench_runs_on_a_temporary_postgresql_database_and_drops_it(postgres_server: str) -> None:
    import psycopg

    def bench_databases() -> list[str]:
        with psycopg.connect(postgres_server, autocommit=True) as conn:
            rows = conn.execute("select datname from pg_database where datname like 'tracker_bench_%'")
            return [row[0] for row in rows]

    before = bench_databases()
    done = run_bench("--tiny", "as-of", "--database", postgres_server)
    assert done.returncode == 0, done.stderr
    assert "| as-of " in done.stdout and "postgresql" in done.stdout
    assert bench_databases() == before


def test_an_unknown_workload_or_database_is_one_line_naming_it() -> None:
    done = run_bench("--tiny", "apend")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "tracker: error: unknown workload 'apend' (choose from append, replay, as-of, lag, ingest-cold, ingest-warm, ingest-dupes, web)"
    )
    done = run_bench("--tiny", "as-of", "--database", "mysql://nowhere/x")
    assert done.returncode == 1 and "--database" in done.stderr and "mysql://nowhere/x" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
