"""The one scheduled entry point. Modules name their idempotent jobs in their hooks; cron calls `flask tick`.

Every job must be safe to run twice at once on two servers: each makes its records under a
unique constraint or a conditional update, so a second run finds nothing left to do.
"""
import logging
from collections.abc import Callable
from datetime import datetime

from .open311.webhooks import send_due
from .registry import installed
from .transactions import service

log = logging.getLogger(__name__)

Job = Callable[[datetime], int]

# the foundation's own jobs (the partner interface is not a module, so it has no hooks.py); each runs its own
# short transactions, because it waits on the network in between (a module's job runs in one transaction)
FOUNDATION_JOBS: dict[str, Job] = {"open311.webhooks": send_due}


def jobs() -> dict[str, Job]:
    """Every installed module's jobs, by name."""
    return {**installed().tick_jobs(), **FOUNDATION_JOBS}


def run_all(now: datetime) -> dict[str, int]:
    """Run every module's job in its own transaction (committed, or rolled back when it fails); one failing job
    does not stop the others."""
    done: dict[str, int] = {}
    for name, fn in sorted(jobs().items()):
        try:
            done[name] = (fn if name in FOUNDATION_JOBS else service(fn))(now) or 0
        except Exception:
            log.exception("tick job %s failed", name)
            done[name] = -1
    return done
