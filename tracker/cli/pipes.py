"""A reader that stops early (`tracker archive search X | head`) ends the
command quietly, as it ends `ls` or `grep`: no "Broken pipe" error.

Only a closed standard output counts: a broken pipe anywhere else (a parse
process that died, a socket) is still a failure with its one-line error.
"""

from __future__ import annotations

import os
import select
import sys
from typing import NoReturn

#: What a command stopped by its reader exits with (128 + SIGPIPE, as a shell reports it).
EXIT_PIPE = 141


def stdout_closed() -> bool:
    """Whether standard output is a pipe (or socket) whose reader has gone."""
    try:
        fd = sys.__stdout__.fileno() if sys.__stdout__ is not None else 1
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (OSError, ValueError):
        return False


def leave_quietly() -> NoReturn:
    """Ends the process at once and silently: standard output points at /dev/null,
    so the interpreter's last flush of what the reader never took raises nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno() if sys.stdout is not None else 1)
    sys.exit(EXIT_PIPE)
