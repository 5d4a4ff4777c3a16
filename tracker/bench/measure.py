"""Running one measured process: wall time and the peak memory of its whole
process tree, from the kernel's own accounting (wait4 rusage of the child,
which folds in every descendant it waited for)."""

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


def run_measured(argv: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
                 timeout: float = 600.0) -> Measured:
    """Runs argv to completion (killing its process group past ``timeout``).

    Output goes to temporary files and the child is reaped with wait4 here,
    not by subprocess, so its rusage is this run's alone."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), env=dict(env) if env is not None else None, cwd=cwd,
                                stdout=out, stderr=err, text=True, start_new_session=True)
        timer = threading.Timer(timeout, _kill_group, args=(proc.pid,))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        error_text = err.read()
        if proc.returncode == -signal.SIGKILL:
            error_text += f"\n(killed after {timeout:.0f} s)"
        return Measured(seconds=seconds, peak_mib=usage.ru_maxrss / 1024, code=proc.returncode,
                        out=out.read(), err=error_text)


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
