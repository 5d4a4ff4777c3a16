"""Running one measured process: wall time and the peak memory of its whole
process tree: the memory of the child's process group (proportional set
sizes: shared library pages counted once), summed every 250 ms. The kernel's
own accounting (wait4 rusage) is no substitute: it gives the biggest single
process only, while processes running side by side (replay's parts, ingest's
parse processes) add up, and a forked child's high-water mark includes the
parent's memory from before the exec. It serves only for a child too short
for a sample."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mib: float
    code: int
    out: str
    err: str


def run_measured(
    argv: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None, timeout: float = 600.0
) -> Measured:
    """Runs argv to completion (killing its process group past ``timeout``).

    Output goes to temporary files and the child is reaped with wait4 here,
    not by subprocess, so its rusage is this run's alone."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            env=dict(env) if env is not None else None,
            cwd=cwd,
            stdout=out,
            stderr=err,
            text=True,
            start_new_session=True,
        )
        timer = threading.Timer(timeout, _kill_group, args=(proc.pid,))
        timer.start()
        sampler = _GroupSampler(proc.pid)
        sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            sampler.stop()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        error_text = err.read()
        if proc.returncode == -signal.SIGKILL:
            error_text += f"\n(killed after {timeout:.0f} s)"
        # wait4's peak is a fallback only: a forked child's high-water mark
        # includes its parent's resident memory from before the exec.
        peak_mib = sampler.peak_bytes / 2**20 if sampler.peak_bytes else usage.ru_maxrss / 1024
        return Measured(seconds=seconds, peak_mib=peak_mib, code=proc.returncode, out=out.read(), err=error_text)


class _GroupSampler(threading.Thread):
    """The peak of the summed memory of every process in one process group,
    read from /proc (nothing on systems without it), every quarter second:
    reading a process's PSS walks its page tables under its memory-map lock,
    and at every 50 ms that slowed a CPU-bound tracker cycle by about 15%."""

    def __init__(self, group: int, interval: float = 0.25) -> None:
        super().__init__(name="memory-sampler", daemon=True)
        self.group = group
        self.interval = interval
        self.peak_bytes = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak_bytes = max(self.peak_bytes, group_resident_bytes(self.group))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def group_resident_bytes(group: int) -> int:
    """Memory of the processes whose process group is ``group``: each one's
    proportional set size (shared pages such as the interpreter's and the
    libraries' split between the processes sharing them, so the sum is the
    memory the group really holds), or its resident size where the kernel
    gives no PSS."""
    total = 0
    try:
        entries = os.listdir("/proc")
        with open("/proc/uptime", "rb") as uptime:
            now = float(uptime.read().split()[0])
    except OSError:
        return 0
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            # fields[n] is field n + 3 of proc(5): pgrp 5, flags 9, starttime 22, rss 24
            if int(fields[2]) != group:
                continue
            if int(fields[6]) & _FORKED_NOT_EXECED and now - int(fields[19]) / _TICKS < 1.0:
                continue  # between fork and exec it still shows its parent's memory
            total += _proportional_bytes(name) or int(fields[21]) * _PAGE
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
    return total


_FORKED_NOT_EXECED = 0x40  # PF_FORKNOEXEC
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _proportional_bytes(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def own_peak_mib() -> float:
    """This process and every child it reaped (RUSAGE_SELF / RUSAGE_CHILDREN)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def tracker_argv() -> list[str]:
    """The real console script of this install (same venv as the running Python)."""
    script = shutil.which("tracker", path=str(Path(sys.executable).parent))
    if script:
        return [script]
    return [sys.executable, "-c", "from tracker.cli.main import main; main()"]


def tracker_has_command(*names: str) -> bool:
    """Whether ``tracker NAME... --help`` exists in this checkout (a component has landed)."""
    done = subprocess.run([*tracker_argv(), *names, "--help"], capture_output=True, text=True, timeout=60)
    return done.returncode == 0
