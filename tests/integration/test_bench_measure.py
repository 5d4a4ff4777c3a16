"""The benchmark's measured peak memory covers a whole process tree."""

from __future__ import annotations

import sys

from tracker.bench.measure import run_measured

# A parent holding 60 MB starts a child holding 80 MB; both wait a second.
TREE = """
import subprocess, sys, time
held = b"x" * (60 * 2**20)
child = subprocess.Popen([sys.executable, "-c", "import time; held = b'x' * (80 * 2**20); time.sleep(1.0)"])
time.sleep(1.0)
child.wait()
"""


def test_the_peak_adds_up_processes_running_side_by_side() -> None:
    done = run_measured([sys.executable, "-c", TREE], timeout=60)
    assert done.code == 0, done.err
    # the biggest single process holds ~90 MiB; together they hold over 140 MiB
    assert done.peak_mib > 140, done.peak_mib


def test_the_measuring_process_memory_is_not_counted() -> None:
    held_here = b"x" * (200 * 2**20)  # a forked child starts out resident in all of this
    done = run_measured([sys.executable, "-c", "import time; held = b'x' * (70 * 2**20); time.sleep(0.5)"], timeout=60)
    assert done.code == 0, done.err
    assert 70 < done.peak_mib < 140, done.peak_mib
    assert len(held_here) == 200 * 2**20
