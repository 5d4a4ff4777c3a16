"""The seams the kill tests use, set from the environment at the CLI edge only.

The cycle itself never reads the environment: it calls ``Tuning.failpoint``
(None in production) and uses ``Tuning.lease_seconds``. `tracker poll` turns
``TRACKER_FAILPOINT=<step>`` and ``TRACKER_POLL_LEASE_SECONDS=<s>`` into those.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Mapping

from tracker.tuning import Tuning


def kill_at(step: str) -> Callable[[str], None]:
    """A failpoint that SIGKILLs this process when the cycle reaches ``step``."""

    def failpoint(name: str) -> None:
        if name == step:
            os.kill(os.getpid(), signal.SIGKILL)

    return failpoint


def from_environment(tuning: Tuning, environ: Mapping[str, str] | None = None) -> Tuning:
    """``tuning`` with the test knobs of the environment applied (short leases, a crash point)."""
    environ = os.environ if environ is None else environ
    changes: dict[str, object] = {}
    step = environ.get("TRACKER_FAILPOINT", "").strip()
    if step:
        changes["failpoint"] = kill_at(step)
    lease = environ.get("TRACKER_POLL_LEASE_SECONDS", "").strip()
    if lease:
        try:
            changes["lease_seconds"] = max(1.0, float(lease))
        except ValueError:
            raise ValueError(f"TRACKER_POLL_LEASE_SECONDS: expected seconds, got {lease!r}") from None
    return tuning.but(**changes) if changes else tuning
