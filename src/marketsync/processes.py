"""Process lifetime: everything `marketsync run` starts dies with it, even when it is killed with SIGKILL and has
no chance to stop its children (Linux's PR_SET_PDEATHSIG, asked for in each child; elsewhere only the clean stop
applies)."""

from __future__ import annotations

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies; exit now if the parent is already gone.

    Called between fork and exec of a child (`preexec_fn`: the setting survives exec) and in Celery's embedded
    beat process (a fork of the worker, where the setting is cleared)."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
